import type { ModelError, ModelProvider, ModelRequest, StreamEvent } from '../providers/types';
import type { RunMetrics } from './column';
import type { CacheUsage } from '../catalog/modelCatalog';
import { responseCacheKey, type CachedAnswer, type ResponseCache } from '../cache/responseCache';

export type { RunMetrics } from './column';

export interface ModelRunResult {
  output: string;
  stopReason: string | null;
  metrics: RunMetrics;
  error: ModelError | null;
  /** True when the answer stopped early and `output` holds only what arrived before. */
  partial: boolean;
  /** The tool calls the model asked for, in order (none when it just answered). */
  toolRequests: { ref: string; name: string; input: unknown }[];
  /** Set when the answer came from the response cache: the run that produced it (no call made). */
  cachedFrom?: string;
}

/** The response cache for one call: answered from it when the same request was answered before, else filled after. */
export interface RunCacheOption {
  store: ResponseCache;
  /** The id this call's record gets: a later hit names it as `cachedFrom`. */
  runId: string;
  /** What else changes the answer besides the request (the local deny-list filters). */
  extra?: unknown;
}

export interface RunModelOptions {
  signal: AbortSignal;
  /** Called for every event as it arrives, for live display. */
  onEvent?: (event: StreamEvent) => void;
  /** Called once, when the first text arrives, with the time to first token (the one measurement of it). */
  onFirstToken?: (ttftMs: number) => void;
  now?: () => number;
  price?: (inputTokens: number | null, outputTokens: number | null, cache?: CacheUsage) => number | null;
  /** What prompt caching saved on this call (catalog.cacheSavingsUsd), when the call read or wrote the cache. */
  cacheSavings?: (cache: CacheUsage) => number | null;
  /** Serve from and fill the response cache (only successful, complete, unblocked answers are kept). */
  cache?: RunCacheOption;
}

/**
 * Drives one provider stream to its end and measures it: time to first token from the
 * call, total latency, tokens and cost. Never throws for a model failure: it becomes
 * `error`, with whatever text arrived kept in `output`.
 */
export async function runModel(provider: ModelProvider, request: ModelRequest, options: RunModelOptions): Promise<ModelRunResult> {
  const now = options.now ?? (() => performance.now());
  const cacheKey = options.cache?.store.enabled ? responseCacheKey({ provider: provider.id, request, extra: options.cache.extra }) : undefined;
  if (cacheKey && !options.signal.aborted) {
    const hit = await options.cache!.store.get(cacheKey);
    if (hit) return replay(hit, options);
  }
  const started = now();
  let ttftMs: number | null = null;
  let output = '';
  let stopReason: string | null = null;
  let inputTokens: number | null = null;
  let outputTokens: number | null = null;
  const cache: CacheUsage = { readTokens: 0, writeTokens: 0 };
  let error: ModelError | null = null;
  let partial = false;
  let blocked = false;
  const toolRequests: ModelRunResult['toolRequests'] = [];
  try {
    for await (const event of provider.stream(request, options.signal)) {
      if (event.type === 'text') {
        if (ttftMs === null) {
          ttftMs = now() - started;
          options.onFirstToken?.(Math.round(ttftMs));
        }
        output += event.text;
      } else if (event.type === 'usage') {
        inputTokens = event.inputTokens;
        outputTokens = event.outputTokens;
        cache.readTokens = event.cacheReadInputTokens ?? 0;
        cache.writeTokens = event.cacheWriteInputTokens ?? 0;
      } else if (event.type === 'toolRequest') {
        toolRequests.push({ ref: event.ref, name: event.name, input: event.input });
      } else if (event.type === 'stop') {
        stopReason = event.stopReason;
        blocked = event.guardrail?.intervened === true;
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
  const cached = cache.readTokens > 0 || cache.writeTokens > 0;
  const savings = cached ? options.cacheSavings?.(cache) : null;
  const metrics: RunMetrics = {
    ttftMs: ttftMs === null ? null : Math.round(ttftMs),
    latencyMs: Math.round(latencyMs),
    inputTokens,
    outputTokens,
    costUsd: options.price ? options.price(inputTokens, outputTokens, cached ? cache : undefined) : null,
    ...(cache.readTokens > 0 ? { cacheReadInputTokens: cache.readTokens } : {}),
    ...(cache.writeTokens > 0 ? { cacheWriteInputTokens: cache.writeTokens } : {}),
    ...(typeof savings === 'number' ? { cacheSavingsUsd: savings } : {}),
  };
  // Only a whole answer is worth answering with again: never an error, a cancel or a guardrail's block.
  if (cacheKey && !error && !partial && !blocked && stopReason !== null && !options.signal.aborted) {
    await options.cache!.store.put(cacheKey, { answer: output, stopReason, usage: { inputTokens, outputTokens }, metrics, runId: options.cache!.runId, ...(toolRequests.length > 0 ? { toolRequests } : {}) });
  }
  return { output, stopReason, error, partial, toolRequests, metrics };
}

/** A cached answer told as the stream it once was (one text event), with its original metrics. */
function replay(hit: CachedAnswer, options: RunModelOptions): ModelRunResult {
  options.onEvent?.({ type: 'start' });
  if (hit.answer) {
    options.onFirstToken?.(0);
    options.onEvent?.({ type: 'text', text: hit.answer });
  }
  for (const call of hit.toolRequests ?? []) options.onEvent?.({ type: 'toolRequest', ...call });
  if (hit.usage.inputTokens !== null && hit.usage.outputTokens !== null) options.onEvent?.({ type: 'usage', inputTokens: hit.usage.inputTokens, outputTokens: hit.usage.outputTokens });
  if (hit.stopReason) options.onEvent?.({ type: 'stop', stopReason: hit.stopReason });
  return { output: hit.answer, stopReason: hit.stopReason, error: null, partial: false, toolRequests: hit.toolRequests ?? [], metrics: { ...hit.metrics }, cachedFrom: hit.runId };
}
