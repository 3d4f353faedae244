import * as path from 'node:path';
import { readRunHistory } from '../runs/runHistory';
import type { RunRecord } from '../runs/runRecord';
import { appendJsonLine, readJsonl } from '../workspace/jsonl';
import { WorkbenchPaths } from '../workspace/paths';
import type { CheckOutcome } from './checkSpecs';

export const DATASET_RUN_SCHEMA = 'prompt-workbench.datasetRun/1';

/**
 * One line of `.prompt-workbench/dataset-runs.jsonl`, written when a dataset run starts: what it
 * set out to do, so that an interrupted run can be told from a finished one and resumed.
 */
export interface DatasetRunManifest {
  schema: typeof DATASET_RUN_SCHEMA;
  /** `d_` + ULID; every run record of the dataset run carries it as `datasetRunId`. */
  id: string;
  ts: string;
  prompt: { name: string; version: number; contentHash: string; path: string | null };
  /** The dataset file relative to the workspace (forward slashes), its content hash and case count. */
  dataset: { path: string; hash: string; cases: number };
  models: string[];
  caseIds: string[];
}

/** What became of one case on one model. */
export interface DatasetCellResult {
  caseId: string;
  model: string;
  /** `done`: answered; `failed`: the call or the rendering failed; `cancelled`: stopped; `not-run`: never started. */
  status: 'done' | 'failed' | 'cancelled' | 'not-run';
  runId: string | null;
  output: string;
  metrics: { latencyMs: number | null; costUsd: number | null; ttftMs: number | null; outputTokens: number | null };
  error: { kind: string; message: string } | null;
  checks: CheckOutcome[] | null;
  /** True when the result was read from an earlier (interrupted) attempt of the same dataset run. */
  resumed?: boolean;
  /** Answered from the response cache: the run whose answer it is (no call made, no latency or cost of its own). */
  cachedFrom?: string;
}

export interface ModelSummary {
  model: string;
  cases: number;
  /** Cells with at least one check outcome. */
  checked: number;
  /** Of those, cells whose every check passed. */
  passed: number;
  passRate: number | null;
  failed: number;
  latencyMs: { p50: number | null };
  costUsd: number | null;
  /** Cells answered from the response cache (left out of latency and cost). */
  cached: number;
}

export function datasetRunsFile(workspaceFolder: string): string {
  return path.join(new WorkbenchPaths(workspaceFolder).root, 'dataset-runs.jsonl');
}

export async function appendDatasetRunManifest(workspaceFolder: string, manifest: DatasetRunManifest): Promise<void> {
  await appendJsonLine(datasetRunsFile(workspaceFolder), manifest);
}

function validateManifest(v: unknown): string | undefined {
  const m = v as Partial<DatasetRunManifest> | null;
  if (!m || typeof m !== 'object' || m.schema !== DATASET_RUN_SCHEMA) return 'not a dataset run line';
  if (typeof m.id !== 'string' || !Array.isArray(m.models) || !Array.isArray(m.caseIds) || !m.prompt || !m.dataset) return 'missing id, models, caseIds, prompt or dataset';
  return undefined;
}

/** Every dataset run started in the workspace, oldest first. */
export async function readDatasetRunManifests(workspaceFolder: string): Promise<DatasetRunManifest[]> {
  return (await readJsonl<DatasetRunManifest>(datasetRunsFile(workspaceFolder), validateManifest)).records;
}

/** A record that counts as the pair's result: anything but a cancelled call (a resume runs those again). */
export function isSettledRecord(record: RunRecord): boolean {
  return record.error?.kind !== 'cancelled';
}

export const pairKey = (caseId: string, model: string) => `${caseId}\u0000${model}`;

/** The latest settled record of each case × model of a dataset run. */
export function settledPairs(records: readonly RunRecord[], datasetRunId: string): Map<string, RunRecord> {
  const pairs = new Map<string, RunRecord>();
  for (const r of records) {
    if (r.datasetRunId !== datasetRunId || !r.datasetCaseId || !isSettledRecord(r)) continue;
    pairs.set(pairKey(r.datasetCaseId, r.model), r);
  }
  return pairs;
}

export interface DatasetRunStatus {
  manifest: DatasetRunManifest;
  /** Pairs with a settled record. */
  settled: number;
  total: number;
  interrupted: boolean;
}

/** Dataset runs of a workspace (of one prompt path, if given), newest first, with how far each got. */
export async function listDatasetRuns(workspaceFolder: string, promptPath?: string | null): Promise<DatasetRunStatus[]> {
  const manifests = (await readDatasetRunManifests(workspaceFolder)).filter((m) => promptPath === undefined || m.prompt.path === promptPath);
  if (!manifests.length) return [];
  const { records } = await readRunHistory(new WorkbenchPaths(workspaceFolder).runsDir);
  const ids = new Set(manifests.map((m) => m.id));
  const byRun = new Map<string, RunRecord[]>();
  for (const r of records) {
    if (!r.datasetRunId || !ids.has(r.datasetRunId)) continue;
    let list = byRun.get(r.datasetRunId);
    if (!list) byRun.set(r.datasetRunId, (list = []));
    list.push(r);
  }
  return manifests
    .map((manifest) => {
      const settled = settledPairs(byRun.get(manifest.id) ?? [], manifest.id);
      const wanted = new Set(manifest.caseIds.flatMap((c) => manifest.models.map((m) => pairKey(c, m))));
      const count = [...settled.keys()].filter((k) => wanted.has(k)).length;
      const total = wanted.size;
      return { manifest, settled: count, total, interrupted: count < total };
    })
    .reverse();
}

/** A recorded call as a grid cell. */
export function cellFromRecord(record: RunRecord, resumed = false): DatasetCellResult {
  const error = record.error ? { kind: record.error.kind, message: record.error.message } : null;
  return {
    caseId: record.datasetCaseId ?? '',
    model: record.model,
    status: error ? (error.kind === 'cancelled' ? 'cancelled' : 'failed') : 'done',
    runId: record.id,
    output: record.output,
    metrics: {
      latencyMs: record.metrics?.latencyMs ?? null,
      costUsd: record.metrics?.costUsd ?? null,
      ttftMs: record.metrics?.ttftMs ?? null,
      outputTokens: record.metrics?.outputTokens ?? null,
    },
    error,
    checks: record.checks
      ? record.checks.map((c) => ({
          check: String(c.check ?? c.name ?? 'check'),
          pass: c.pass === true || c.passed === true,
          detail: typeof c.detail === 'string' ? c.detail : '',
          ...(typeof c.score === 'number' ? { score: c.score } : {}),
        }))
      : null,
    ...(resumed ? { resumed: true } : {}),
    ...(record.cached && record.cachedFrom ? { cachedFrom: record.cachedFrom } : {}),
  };
}

/** Pass rate, median latency and total cost per model, over a dataset run's cells. */
export function summarizeByModel(cells: readonly DatasetCellResult[], models: readonly string[]): ModelSummary[] {
  return models.map((model) => {
    const mine = cells.filter((c) => c.model === model);
    const checked = mine.filter((c) => c.checks && c.checks.length > 0);
    const passed = checked.filter((c) => c.checks!.every((o) => o.pass)).length;
    // A cached answer cost nothing and took no time: its original figures belong to its original run.
    const paid = mine.filter((c) => !c.cachedFrom);
    const latencies = paid.filter((c) => c.status === 'done' && c.metrics.latencyMs !== null).map((c) => c.metrics.latencyMs as number).sort((a, b) => a - b);
    const costs = paid.map((c) => c.metrics.costUsd).filter((x): x is number => typeof x === 'number');
    return {
      model,
      cases: mine.length,
      checked: checked.length,
      passed,
      passRate: checked.length ? passed / checked.length : null,
      failed: mine.filter((c) => c.status === 'failed').length,
      latencyMs: { p50: median(latencies) },
      costUsd: costs.length ? costs.reduce((a, b) => a + b, 0) : null,
      cached: mine.length - paid.length,
    };
  });
}

function median(sorted: number[]): number | null {
  if (!sorted.length) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface LoadedDatasetRun {
  manifest: DatasetRunManifest;
  /** Case-major over the manifest's cases and models; pairs without a settled record are `not-run`. */
  cells: DatasetCellResult[];
  summary: ModelSummary[];
  interrupted: boolean;
}

/** A dataset run read back from its manifest and run records (a reopened grid, a resume offer). */
export async function loadDatasetRun(workspaceFolder: string, datasetRunId: string): Promise<LoadedDatasetRun | undefined> {
  const manifest = (await readDatasetRunManifests(workspaceFolder)).find((m) => m.id === datasetRunId);
  if (!manifest) return undefined;
  const { records } = await readRunHistory(new WorkbenchPaths(workspaceFolder).runsDir);
  const settled = settledPairs(records, datasetRunId);
  const cells = manifest.caseIds.flatMap((caseId) =>
    manifest.models.map((model): DatasetCellResult => {
      const record = settled.get(pairKey(caseId, model));
      return record
        ? cellFromRecord(record)
        : { caseId, model, status: 'not-run', runId: null, output: '', metrics: { latencyMs: null, costUsd: null, ttftMs: null, outputTokens: null }, error: null, checks: null };
    }),
  );
  return { manifest, cells, summary: summarizeByModel(cells, manifest.models), interrupted: cells.some((c) => c.status === 'not-run') };
}
