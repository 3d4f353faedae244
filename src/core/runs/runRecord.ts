import { createHash } from 'node:crypto';
import type { GenerationConfig, ModelError } from '../providers/types';
import type { RunMetrics } from './runModel';

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
  metrics: RunMetrics;
  error: ModelError | null;
  partial: boolean;
  /** The Bedrock guardrail the call applied: its id and version, whether it intervened, and why. */
  guardrail?: { id: string; version: string; intervened: boolean; stage?: 'input' | 'output'; reasons: string[] };
  datasetCaseId: string | null;
}

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
