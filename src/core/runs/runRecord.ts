import { createHash } from 'node:crypto';
import type { GenerationConfig, ModelError } from '../providers/types';
import type { RunMetrics } from './runModel';
import type { CheckOutcome } from '../datasets/checkSpecs';
import type { ConversationTurn, ToolCallRecord } from '../tools/types';

export const RUN_SCHEMA = 'prompt-workbench.run/1';

/** One line of `.prompt-workbench/runs/YYYY-MM.jsonl` (DESIGN.md): add fields freely, never rename these. */
export interface RunRecord {
  schema: typeof RUN_SCHEMA;
  id: string;
  ts: string;
  comparisonId: string | null;
  /** The run's column (0-based) in its comparison, so a reopened comparison keeps its order. */
  comparisonColumn?: number;
  prompt: { name: string; version: number; contentHash: string; path: string | null };
  model: string;
  config: GenerationConfig;
  inputsHash: string;
  /** Present only when the workspace keeps inputs (setting `promptWorkbench.runs.storeInputs`). */
  inputs?: Record<string, unknown>;
  output: string;
  stopReason: string | null;
  /** `latencyMs` (like `ttftMs`) is null for a batch answer: it has none, and 0 would lie to the scoreboard. */
  metrics: RecordedMetrics;
  /** Bedrock prompt caching on this call (also in `metrics`, where panels read it): input tokens read from and written to the cache. */
  usage?: { cacheReadInputTokens: number; cacheWriteInputTokens: number };
  error: ModelError | null;
  partial: boolean;
  /** The Bedrock guardrail the call applied: its id and version, whether it intervened, and why. */
  guardrail?: { id: string; version: string; intervened: boolean; stage?: 'input' | 'output'; reasons: string[] };
  /** The chunks `workbench.rag` retrieved and the template got as `context` (workspace-relative paths, 1-based lines). */
  retrieved?: { id: string; path: string; startLine: number; endLine: number; score: number }[];
  datasetCaseId: string | null;
  /** The dataset run (`d_…`) this call belongs to: a resumed run skips the cases it already has. */
  datasetRunId?: string;
  /** Outcomes of the automatic checks; the scoreboard's pass rate counts runs whose checks all passed. */
  checks?: RecordedCheck[];
  /** Served from the response cache (`.prompt-workbench/cache/`): the answer of run `cachedFrom`, no model call made. */
  cached?: true;
  cachedFrom?: string;
  /** Answered by this Bedrock batch inference job (no latency or TTFT: a batch answer has none). */
  batchJobId?: string;
  /** Where the call happened: absent for the workbench and CLI, `production` for imported invocation logs. */
  source?: 'production';
  /** The release (`.prompt-workbench/releases.jsonl`) a production call was matched to. */
  releaseId?: string;
  /** The tool calls of the run: name, arguments, result, who answered, and any problem with the call. */
  toolCalls?: ToolCallRecord[];
  /** The exchange the run added after the prompt's messages (a reply's user turn first), tool calls included. */
  turns?: ConversationTurn[];
  /** Problems that did not stop the run: a tool definition that could not be used, bad arguments, the turn limit. */
  notices?: string[];
  /** A reply in a conversation: the conversation (its first run's id) and this run's turn (1, 2 …). */
  conversation?: { id: string; turn: number };
  /** The provider's request id (Bedrock's `x-amzn-requestid`, an invocation log's `requestId`): imports are idempotent by it. */
  requestId?: string;
}

/** Metrics as recorded: a live call's, or a batch answer's with no latency. */
export type RecordedMetrics = Omit<RunMetrics, 'latencyMs'> & { latencyMs: number | null };

/** A check outcome as recorded: ours are `CheckOutcome`s; other tools may add fields. */
export type RecordedCheck = Partial<CheckOutcome> & { pass?: boolean; [field: string]: unknown };

/** A stable hash of input values: keys sorted, so the same inputs always give the same hash. */
export function hashInputs(inputs: Record<string, unknown>): string {
  const canonical = JSON.stringify(inputs, (_key, value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
  return 'sha256:' + createHash('sha256').update(canonical).digest('hex');
}

export function validateRunRecord(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return 'not an object';
  const v = value as Partial<RunRecord>;
  if (typeof v.schema !== 'string' || !v.schema.startsWith('prompt-workbench.run/')) return 'missing or unknown "schema"';
  if (typeof v.id !== 'string') return 'missing "id"';
  if (typeof v.model !== 'string') return 'missing "model"';
  return undefined;
}
