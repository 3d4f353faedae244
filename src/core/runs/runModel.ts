import type { ModelError, ModelProvider, ModelRequest, StreamEvent } from '../providers/types';
import type { RunMetrics } from './column';

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
}

export interface RunModelOptions {
  signal: AbortSignal;
  /** Called for every event as it arrives, for live display. */
  onEvent?: (event: StreamEvent) => void;
  /** Called once, when the first text arrives, with the time to first token (the one measurement of it). */
  onFirstToken?: (ttftMs: number) => void;
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
      } else if (event.type === 'toolRequest') {
        toolRequests.push({ ref: event.ref, name: event.name, input: event.input });
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
    toolRequests,
    metrics: {
      ttftMs: ttftMs === null ? null : Math.round(ttftMs),
      latencyMs: Math.round(latencyMs),
      inputTokens,
      outputTokens,
      costUsd: options.price ? options.price(inputTokens, outputTokens) : null,
    },
  };
}
