/**
 * `.prompt-workbench/batch-jobs.jsonl` (`prompt-workbench.batch-job/1`): one line when a job is
 * submitted, a new line for each status change; a reader folds the lines by job id (the last
 * line's fields win). Written through the guarded file layer, append-only, a corrupt line
 * reported and skipped, so a reload, another window or the CLI all see the same jobs.
 */
import type { CheckSpec } from '../datasets/checkSpecs';
import type { GenerationConfig } from '../providers/types';
import { appendJsonLine, readJsonl, type JsonlProblem } from '../workspace/jsonl';
import { WorkbenchPaths } from '../workspace/paths';

export const BATCH_JOB_SCHEMA = 'prompt-workbench.batch-job/1';

export type BatchJobStatus =
  | 'Submitted'
  | 'Validating'
  | 'Scheduled'
  | 'InProgress'
  | 'Completed'
  | 'PartiallyCompleted'
  | 'Failed'
  | 'Stopping'
  | 'Stopped'
  | 'Expired';

/** States after which a job changes no more. */
export const FINAL_STATES: ReadonlySet<string> = new Set(['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired']);
/** States whose output may hold results to ingest. */
export const INGESTIBLE_STATES: ReadonlySet<string> = new Set(['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired']);

export interface BatchJobRecord {
  schema: typeof BATCH_JOB_SCHEMA;
  /** The job id: the last part of the ARN (the output folder's name). */
  id: string;
  kind: 'invocation' | 'customization';
  jobArn: string;
  jobName: string;
  /** Qualified (`bedrock/…`). */
  model: string;
  invocationType?: 'Converse' | 'InvokeModel';
  promptRef: { name: string; version: number; contentHash: string; path: string | null };
  datasetRunId: string;
  /** The dataset file (workspace-relative) whose cases the records are, and the dataset run's case ids by record position. */
  dataset?: { path: string; hash: string };
  s3Input: string;
  s3Output: string;
  records: number;
  status: BatchJobStatus | string;
  message?: string;
  submittedAt: string;
  lastSeen: string;
  counts?: { processed: number; success: number; error: number };
  /** Estimated cost at the batch price when submitted (USD, at most). */
  estimatedCostUsd?: number | null;
  /** The generation config the records were rendered with (recorded in each run record). */
  config?: GenerationConfig;
  /** The prompt's `workbench.checks`, applied to the results when they are read. */
  checks?: CheckSpec[];
  /** Set once its results were read into run records (how many). */
  ingested?: { at: string; records: number };
}

/** A later line about a job: only what changed. */
export type BatchJobUpdate = Pick<BatchJobRecord, 'id'> & Partial<Omit<BatchJobRecord, 'schema' | 'id'>>;

export function validateBatchJobLine(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return 'not an object';
  const v = value as Partial<BatchJobRecord>;
  if (v.schema !== BATCH_JOB_SCHEMA) return 'missing or unknown "schema"';
  if (typeof v.id !== 'string' || !v.id) return 'missing "id"';
  return undefined;
}

export class BatchJobStore {
  readonly file: string;

  constructor(readonly workspaceFolder: string) {
    this.file = new WorkbenchPaths(workspaceFolder).batchJobsFile;
  }

  async add(job: BatchJobRecord): Promise<void> {
    await appendJsonLine(this.file, job, this.workspaceFolder);
  }

  async update(update: BatchJobUpdate): Promise<void> {
    await appendJsonLine(this.file, { schema: BATCH_JOB_SCHEMA, ...update, lastSeen: update.lastSeen ?? new Date().toISOString() }, this.workspaceFolder);
  }

  /** Every job, folded (newest submission first), and the lines that could not be read. */
  async list(): Promise<{ jobs: BatchJobRecord[]; problems: JsonlProblem[] }> {
    const { records, problems } = await readJsonl<BatchJobRecord>(this.file, validateBatchJobLine);
    return { jobs: foldBatchJobs(records), problems };
  }

  /** A job by id or ARN. */
  async get(idOrArn: string): Promise<BatchJobRecord | undefined> {
    const id = jobIdOf(idOrArn);
    return (await this.list()).jobs.find((j) => j.id === id);
  }
}

/** Folds the lines by id: the first line is the submission; later lines overwrite what they carry. */
export function foldBatchJobs(lines: readonly BatchJobRecord[]): BatchJobRecord[] {
  const byId = new Map<string, BatchJobRecord>();
  for (const line of lines) {
    const earlier = byId.get(line.id);
    if (!earlier) {
      // An update without its submission line (a torn file) is not a job we can show.
      if (typeof line.jobArn === 'string' && typeof line.model === 'string') byId.set(line.id, { ...line });
      continue;
    }
    byId.set(line.id, { ...earlier, ...line });
  }
  return [...byId.values()].sort((a, b) => (a.submittedAt < b.submittedAt ? 1 : a.submittedAt > b.submittedAt ? -1 : 0));
}

/** The job id of an ARN (`arn:aws:bedrock:REGION:ACCOUNT:model-invocation-job/ID`), or the id itself. */
export function jobIdOf(idOrArn: string): string {
  const slash = idOrArn.lastIndexOf('/');
  return slash >= 0 && idOrArn.startsWith('arn:') ? idOrArn.slice(slash + 1) : idOrArn;
}
