/**
 * A run is a comparison of one: the run panel's answer and each Compare column share this
 * state and this one mapping from a run's outcome. Node-free, so the webviews import the
 * types (through src/shared) as the host does.
 */
import type { PriceSource } from '../catalog/builtinModels';
import type { GuardrailOutcome, GuardrailRef } from '../providers/types';
import type { ColumnConversation, ToolCallRecord } from '../tools/types';

/** What one model call measured: the one metrics type of runs, records, panels and the CLI. */
export interface RunMetrics {
  /** Time to the first token, from the call; null when no text came. */
  ttftMs: number | null;
  latencyMs: number;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  /** Bedrock prompt caching: input tokens read from the cache and written to it (absent when none). */
  cacheReadInputTokens?: number | null;
  cacheWriteInputTokens?: number | null;
  /** What the cache saved on this call against the same tokens at the input price (negative when a write cost more). */
  cacheSavingsUsd?: number | null;
  /** Where the prices behind `costUsd` came from, kept so a later price change never rewrites the record. */
  priceSource?: { source: PriceSource; asOf: string | null } | null;
}

/** Metrics as a column shows them: the latency too is unknown until the call ends. */
export type ColumnMetrics = { [K in keyof RunMetrics]: RunMetrics[K] | null };

/** The metrics of a column before anything has arrived (copy it: `{ ...EMPTY_METRICS }`). */
export const EMPTY_METRICS: Readonly<ColumnMetrics> = Object.freeze({ ttftMs: null, latencyMs: null, inputTokens: null, outputTokens: null, costUsd: null });

export type ColumnStatus = 'streaming' | 'done' | 'failed' | 'cancelled';

/** What a guardrail did to one column's call, as recorded (`guardrail` of the run record). */
export interface ColumnGuardrail {
  id: string;
  stage?: 'input' | 'output';
  /** Plain words for each policy that acted. */
  reasons: string[];
}

/** One answer as a panel shows it: the run panel's (column 0) or one of a comparison's. */
export interface ColumnState {
  column: number;
  model: string;
  status: ColumnStatus;
  output: string;
  metrics: ColumnMetrics;
  /** Epoch ms when the current attempt started (live latency while streaming). */
  startedAt: number;
  /** A failure (never set for a stopped column: that is status `cancelled`). */
  error: { kind: string; message: string } | null;
  /** The answer stopped early; `output` is what arrived before. */
  partial: boolean;
  /** The id of the run record, once written. */
  runId: string | null;
  /** Set when a guardrail (Bedrock's, or the local deny list `local-deny-list`) stepped in on this answer. */
  guardrail?: ColumnGuardrail | null;
  /** Tool calls, the call waiting for an answer, and earlier turns (absent for a plain one-shot answer). */
  conversation?: ColumnConversation | null;
}

/** What the mapper reads of a run's end: a `RunOutcome`, or a run record read back. */
export interface ColumnOutcome {
  output: string;
  metrics: ColumnMetrics;
  partial: boolean;
  error?: { kind: string; message: string } | null;
  /** The run id ('' or absent when nothing was recorded). */
  runId?: string | null;
  guardrail?: (GuardrailRef & GuardrailOutcome) | { id: string; intervened: boolean; stage?: 'input' | 'output'; reasons: string[] };
  toolCalls?: ToolCallRecord[];
  notices?: string[];
}

export function streamingColumn(column: number, model: string, startedAt: number): ColumnState {
  return { column, model, status: 'streaming', output: '', metrics: { ...EMPTY_METRICS }, startedAt, error: null, partial: false, runId: null };
}

/**
 * A column's final state from its outcome, the one rule for every panel: stopped is
 * `cancelled` (not an error); any other error is `failed` with its message; the answer is
 * partial when the outcome says so, or when it was stopped after text had arrived.
 */
export function finishedColumn(previous: ColumnState, outcome: ColumnOutcome): ColumnState {
  const cancelled = outcome.error?.kind === 'cancelled';
  return {
    ...previous,
    status: outcome.error ? (cancelled ? 'cancelled' : 'failed') : 'done',
    output: outcome.output,
    metrics: { ...EMPTY_METRICS, ...outcome.metrics },
    error: outcome.error && !cancelled ? { kind: outcome.error.kind, message: outcome.error.message } : null,
    partial: outcome.partial || (cancelled && outcome.output.length > 0),
    runId: outcome.runId || null,
    guardrail: interventionOf(outcome.guardrail),
    ...(previous.conversation || outcome.toolCalls?.length || outcome.notices?.length
      ? { conversation: { ...(previous.conversation ?? { turn: 0, reply: null, earlier: [] }), toolCalls: outcome.toolCalls ?? [], pending: null, notices: outcome.notices ?? [] } }
      : {}),
  };
}

/**
 * The column as the next turn starts: what was shown becomes an earlier turn, and the reply
 * starts the new one (the answer streams in empty).
 */
export function replyingColumn<T extends ColumnState>(previous: T, reply: string, startedAt: number): T {
  const conversation = previous.conversation;
  const earlier = [...(conversation?.earlier ?? []), { user: conversation?.reply ?? null, answer: previous.output, runId: previous.runId, toolCalls: conversation?.toolCalls ?? [] }];
  return {
    ...previous,
    status: 'streaming',
    output: '',
    metrics: { ...EMPTY_METRICS },
    startedAt,
    error: null,
    partial: false,
    runId: null,
    guardrail: null,
    conversation: { turn: (conversation?.turn ?? 0) + 1, reply, earlier, toolCalls: [], pending: null, notices: [] },
  };
}

/** A column that was streaming when its window went away: it can no longer finish. */
export function interruptedColumn<T extends Pick<ColumnState, 'status' | 'output' | 'partial'>>(c: T): T {
  return c.status === 'streaming' ? { ...c, status: 'cancelled', partial: c.output.length > 0 } : c;
}

/** The column's guardrail note: only when one intervened. */
function interventionOf(g: ColumnOutcome['guardrail']): ColumnGuardrail | null {
  return g?.intervened ? { id: g.id, ...(g.stage ? { stage: g.stage } : {}), reasons: [...g.reasons] } : null;
}
