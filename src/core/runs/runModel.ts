import type { PriceSource } from '../catalog/builtinModels';
import type { ModelError, ModelProvider, ModelRequest, StreamEvent } from '../providers/types';

export interface RunMetrics {
  ttftMs: number | null;
  latencyMs: number;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  /** Where the prices behind `costUsd` came from, kept so a later price change never rewrites the record. */
  priceSource?: { source: PriceSource; asOf: string | null };
}

export interface ModelRunResult {
  output: string;
  stopReason: string | null;
  metrics: RunMetrics;
  error: ModelError | null;
  /** True when the answer stopped early and `output` holds only what arrived before. */
  partial: boolean;
}

export interface RunModelOptions {
  signal: AbortSignal;
  /** Called for every event as it arrives, for live display. */
  onEvent?: (event: StreamEvent) => void;
  now?: () => number;
  price?: (inputTokens: number | null, outputTokens: number | null) => number | null;
}

/**
 * Drives one provider stream to its end and measures it: time to first token from the
 * call, total latency, tokens and cost. Never throws for a model failure: it becomes
 * `error`, with whatever text arrived kept in `output`.
 */
export async function runModel(provider: ModelProvider, request: ModelRequest, options: RunModelOptions): Promise<ModelRunResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let ttftMs: number | null = null;
  let output = '';
  let stopReason: string | null = null;
  let inputTokens: number | null = null;
  let outputTokens: number | null = null;
  let error: ModelError | null = null;
  let partial = false;
  try {
    for await (const event of provider.stream(request, options.signal)) {
      if (event.type === 'text') {
        if (ttftMs === null) ttftMs = now() - started;
        output += event.text;
      } else if (event.type === 'usage') {
        inputTokens = event.inputTokens;
        outputTokens = event.outputTokens;
      } else if (event.type === 'stop') {
        stopReason = event.stopReason;
      } else if (event.type === 'error') {
        error = event.error;
        partial = event.partial;
      }
      options.onEvent?.(event);
    }
  } catch (err) {
    // A provider should report through an `error` event; this keeps a buggy one from breaking a comparison.
    error = { kind: 'unknown', message: `The model call failed: ${(err as Error)?.message ?? String(err)}` };
    partial = output.length > 0;
    options.onEvent?.({ type: 'error', error, partial });
  }
  const latencyMs = now() - started;
  return {
    output,
    stopReason,
    error,
    partial,
    metrics: {
      ttftMs: ttftMs === null ? null : Math.round(ttftMs),
      latencyMs: Math.round(latencyMs),
      inputTokens,
      outputTokens,
      costUsd: options.price ? options.price(inputTokens, outputTokens) : null,
    },
  };
}
