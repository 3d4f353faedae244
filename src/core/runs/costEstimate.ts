/**
 * What a run or a comparison will probably cost, before it starts, and what this session has
 * spent so far. Estimates are deliberately simple and a little pessimistic: input tokens from
 * the rendered text (about 4 characters a token), output tokens at the most the call may
 * write, prices from the catalog (which settings can override).
 */
import type { ModelCatalog } from '../catalog/modelCatalog';
import type { ChatMessage, GenerationConfig } from '../providers/types';

/** When neither the prompt nor the catalog bounds the answer, assume this many output tokens at most. */
export const OUTPUT_TOKENS_CAP = 4096;
/** Tokens one image costs, roughly (Claude counts about 1,600 for a 1-megapixel picture). */
const TOKENS_PER_IMAGE = 1600;
const CHARS_PER_TOKEN = 4;

export interface CostEstimate {
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** Null when the model has no known price. */
  usd: number | null;
}

export interface CostTotal {
  usd: number;
  /** Models whose price is unknown: not counted in `usd`. */
  unpriced: string[];
}

export function estimateInputTokens(messages: readonly ChatMessage[]): number {
  let characters = 0;
  let images = 0;
  for (const message of messages) {
    for (const part of message.content) {
      const text = (part as { text?: unknown }).text;
      if (typeof text === 'string') characters += text.length;
      else if ((part as { media?: unknown }).media) images++;
    }
  }
  return Math.ceil(characters / CHARS_PER_TOKEN) + images * TOKENS_PER_IMAGE;
}

/** The prompt's `maxOutputTokens`, else the model's own maximum, capped at 4096 either way it is unknown. */
export function estimateOutputTokens(catalog: ModelCatalog, model: string, config: GenerationConfig): number {
  if (typeof config.maxOutputTokens === 'number' && config.maxOutputTokens > 0) return config.maxOutputTokens;
  const max = catalog.find(model)?.maxOutputTokens ?? 0;
  return max > 0 ? Math.min(max, OUTPUT_TOKENS_CAP) : OUTPUT_TOKENS_CAP;
}

export function estimateCost(catalog: ModelCatalog, model: string, messages: readonly ChatMessage[], config: GenerationConfig): CostEstimate {
  const inputTokens = estimateInputTokens(messages);
  const outputTokens = estimateOutputTokens(catalog, model, config);
  return { model, inputTokens, outputTokens, usd: catalog.costUsd(model, inputTokens, outputTokens) };
}

/** One estimate per model, for a comparison. */
export function estimateComparisonCost(catalog: ModelCatalog, models: readonly string[], messages: readonly ChatMessage[], config: GenerationConfig): CostEstimate[] {
  return models.map((model) => estimateCost(catalog, model, messages, config));
}

export function totalCost(estimates: readonly CostEstimate[]): CostTotal {
  let usd = 0;
  const unpriced: string[] = [];
  for (const estimate of estimates) {
    if (estimate.usd === null) unpriced.push(estimate.model);
    else usd += estimate.usd;
  }
  return { usd, unpriced };
}

/** Whether to ask before spending: only known prices count, and only strictly over the threshold. */
export function exceedsThreshold(estimates: readonly CostEstimate[], thresholdUsd: number): boolean {
  return totalCost(estimates).usd > thresholdUsd;
}

export interface SessionCostSnapshot {
  usd: number;
  runs: number;
  /** Runs whose cost is unknown (no price, or no token counts). */
  unpriced: number;
}

/** What this window has spent on model calls since it opened. */
export class SessionCost {
  private usd = 0;
  private runs = 0;
  private unpriced = 0;
  private readonly listeners = new Set<() => void>();

  add(costUsd: number | null): void {
    this.runs++;
    if (costUsd === null) this.unpriced++;
    else this.usd += costUsd;
    for (const listener of this.listeners) listener();
  }

  get snapshot(): SessionCostSnapshot {
    return { usd: this.usd, runs: this.runs, unpriced: this.unpriced };
  }

  onChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }
}
