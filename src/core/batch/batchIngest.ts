/**
 * Reads a batch job's results into run records: `<output>/<jobId>/*.jsonl.out` and
 * `manifest.json.out` read as streams (never whole), lines matched to cases by `recordId` (their
 * order is not guaranteed), one run record per case × model with `batchJobId`, `datasetRunId`,
 * tokens from the usage block, the cost at the batch price and no latency or TTFT (a batch
 * answer has none). Failed records become failed cells with the reason. Idempotent: a record
 * this job already wrote (job id + case) is never written again, so fetching twice is safe.
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import type { ModelCatalog } from '../catalog/modelCatalog';
import { evaluateChecks } from '../datasets/checks';
import type { CheckOutcome } from '../datasets/checkSpecs';
import { readDataset, type DatasetCase } from '../datasets/datasetFile';
import { readDatasetRunManifests } from '../datasets/datasetRuns';
import type { Judge } from '../datasets/llmJudge';
import { hashInputs, RUN_SCHEMA, type RecordedMetrics, type RunRecord } from '../runs/runRecord';
import { appendLines } from '../workspace/guardedFs';
import { newId } from '../workspace/ids';
import { readJsonlStream } from '../workspace/jsonlStream';
import { WorkbenchPaths } from '../workspace/paths';
import * as fs from 'node:fs';
import { parseS3Uri, type BatchClients } from './batchAws';
import { answerOf, caseIndexOf, validateOutputLine, type BatchManifest, type BatchOutputLine } from './batchFormat';
import { BatchJobStore, type BatchJobRecord } from './batchJobStore';

export interface IngestOptions {
  job: BatchJobRecord;
  workspaceFolder: string;
  clients: BatchClients;
  catalog: ModelCatalog;
  /** Keep input values in run records (`promptWorkbench.runs.storeInputs`). */
  storeInputs?: boolean;
  /** For `llmJudge` checks (the judge runs live). */
  judge?: Judge;
  judgeModel?: string;
  signal?: AbortSignal;
}

export interface IngestResult {
  jobId: string;
  /** Run records written now. */
  written: number;
  /** Of those, failed records (failed cells). */
  failed: number;
  /** Output lines this job had already written records for (skipped). */
  alreadyIngested: number;
  /** Records sent but with no output line (a job that failed, stopped or expired): Retry sends these. */
  missing: string[];
  /** Lines that could not be read or matched (reported, skipped). */
  problems: string[];
  manifest?: BatchManifest;
}

/** Records are appended this many lines per write: few writes, bounded memory. */
const FLUSH_EVERY = 500;

export async function ingestBatchJob(options: IngestOptions): Promise<IngestResult> {
  const { job, workspaceFolder, clients } = options;
  const paths = new WorkbenchPaths(workspaceFolder);
  const output = parseS3Uri(job.s3Output);
  if (!output) throw new Error(l10n.t('The job {0} has no readable output location ({1}).', job.id, job.s3Output));
  const manifest = (await readDatasetRunManifests(workspaceFolder)).find((m) => m.id === job.datasetRunId);
  if (!manifest) throw new Error(l10n.t('The dataset run {0} of job {1} is not in .prompt-workbench/dataset-runs.jsonl, so its records cannot be matched to cases.', job.datasetRunId, job.id));
  const cases = await datasetCases(workspaceFolder, job);
  const done = await casesAlreadyIngested(paths.runsDir, job.id);
  const sentIds = await inputRecordIds(options);

  const result: IngestResult = { jobId: job.id, written: 0, failed: 0, alreadyIngested: 0, missing: [], problems: [], manifest: undefined };
  const seen = new Set<string>();
  const prices = options.catalog.pricesOf(job.model);
  let pending: string[] = [];
  const flush = async (): Promise<void> => {
    if (!pending.length) return;
    const text = pending.join('');
    pending = [];
    await appendLines(paths.runsFile(new Date()), text, workspaceFolder);
  };

  const prefix = `${output.prefix}${job.id}/`;
  const keys = await listKeys(clients, output.bucket, prefix, options.signal);
  for (const key of keys.filter((k) => k.endsWith('.jsonl.out'))) {
    const body = await getBody(clients, output.bucket, key, options.signal);
    let lineNo = 0;
    for await (const raw of readline.createInterface({ input: body, crlfDelay: Infinity })) {
      lineNo++;
      if (!raw.trim()) continue;
      let line: BatchOutputLine;
      try {
        line = JSON.parse(raw) as BatchOutputLine;
      } catch (err) {
        result.problems.push(l10n.t('{0}:{1}: not valid JSON ({2}): skipped', key, lineNo, (err as Error).message));
        continue;
      }
      const invalid = validateOutputLine(line);
      const index = invalid ? undefined : caseIndexOf(line.recordId);
      const caseId = index === undefined ? undefined : manifest.caseIds[index];
      if (invalid || caseId === undefined) {
        result.problems.push(l10n.t('{0}:{1}: {2}: skipped', key, lineNo, invalid ?? l10n.t('record id “{0}” is not one of this dataset run', line.recordId)));
        continue;
      }
      seen.add(line.recordId);
      if (done.has(caseId)) {
        result.alreadyIngested++;
        continue;
      }
      done.add(caseId);
      const c = cases.get(caseId);
      const record = await recordOf(options, line, caseId, c, prices);
      if (record.error) result.failed++;
      pending.push(JSON.stringify(record) + '\n');
      result.written++;
      if (pending.length >= FLUSH_EVERY) await flush();
    }
  }
  await flush();
  if (keys.includes(`${prefix}manifest.json.out`)) {
    try {
      const text = await readAll(await getBody(clients, output.bucket, `${prefix}manifest.json.out`, options.signal));
      result.manifest = JSON.parse(text) as BatchManifest;
    } catch (err) {
      result.problems.push(l10n.t('manifest.json.out could not be read: {0}', (err as Error).message));
    }
  }
  result.missing = sentIds.filter((id) => !seen.has(id)).map((id) => manifest.caseIds[caseIndexOf(id) ?? -1]).filter((id): id is string => !!id);
  const m = result.manifest;
  await new BatchJobStore(workspaceFolder).update({
    id: job.id,
    ingested: { at: new Date().toISOString(), records: done.size },
    ...(m ? { counts: { processed: m.processedRecordCount ?? 0, success: m.successRecordCount ?? 0, error: m.errorRecordCount ?? 0 } } : {}),
  });
  return result;
}

async function recordOf(options: IngestOptions, line: BatchOutputLine, caseId: string, c: DatasetCase | undefined, prices: ReturnType<ModelCatalog['pricesOf']>): Promise<RunRecord> {
  const { job } = options;
  const answer = answerOf(line);
  const costUsd =
    answer.inputTokens !== null && answer.outputTokens !== null && prices
      ? (answer.inputTokens * (prices.batchInputPerMTokens ?? prices.inputPerMTokens / 2) + answer.outputTokens * (prices.batchOutputPerMTokens ?? prices.outputPerMTokens / 2)) / 1_000_000
      : null;
  const metrics: RecordedMetrics = {
    ttftMs: null,
    latencyMs: null,
    inputTokens: answer.inputTokens,
    outputTokens: answer.outputTokens,
    costUsd,
    ...(costUsd !== null && prices ? { priceSource: { source: prices.source, asOf: prices.asOf } } : {}),
  };
  const inputs = c?.inputs ?? {};
  let checks: CheckOutcome[] | undefined;
  const specs = [...(job.checks ?? []), ...(c?.checks ?? [])];
  if (specs.length) {
    checks = answer.error
      ? specs.map((s) => ({ check: s.name ?? s.type, pass: false, detail: l10n.t('the model call failed: {0}', answer.error!.message) }))
      : await evaluateChecks(specs, { output: answer.output, metrics, inputs, reference: c?.reference, model: job.model }, { judge: options.judge, judgeModel: options.judgeModel, signal: options.signal });
  }
  return {
    schema: RUN_SCHEMA,
    id: newId('r'),
    ts: new Date().toISOString(),
    comparisonId: null,
    prompt: job.promptRef,
    model: job.model,
    config: job.config ?? {},
    inputsHash: hashInputs(inputs),
    ...(options.storeInputs && c ? { inputs } : {}),
    output: answer.output,
    stopReason: answer.stopReason,
    metrics,
    error: answer.error,
    partial: false,
    datasetCaseId: caseId,
    datasetRunId: job.datasetRunId,
    batchJobId: job.id,
    ...(checks ? { checks } : {}),
  };
}

/** The dataset's cases by id (for inputs, references and the rows' own checks); empty when the file is gone. */
async function datasetCases(workspaceFolder: string, job: BatchJobRecord): Promise<Map<string, DatasetCase>> {
  if (!job.dataset?.path) return new Map();
  try {
    const dataset = await readDataset(path.resolve(workspaceFolder, job.dataset.path), { policy: { root: workspaceFolder } });
    return new Map(dataset.cases.map((c) => [c.id, c]));
  } catch {
    return new Map();
  }
}

/** Cases this job already has run records for: only lines naming the job id are parsed. */
async function casesAlreadyIngested(runsDir: string, jobId: string): Promise<Set<string>> {
  const done = new Set<string>();
  const needle = Buffer.from(`"batchJobId":"${jobId}"`);
  let files: string[] = [];
  try {
    files = (await fs.promises.readdir(runsDir)).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return done;
  }
  for (const f of files) {
    await readJsonlStream<RunRecord>(path.join(runsDir, f), (r) => void (r.batchJobId === jobId && r.datasetCaseId && done.add(r.datasetCaseId)), { skipRaw: (line) => !line.includes(needle) });
  }
  return done;
}

/** The record ids the job was sent (read back from its input files), to tell which never came back. */
async function inputRecordIds(options: IngestOptions): Promise<string[]> {
  const input = parseS3Uri(options.job.s3Input);
  if (!input) return [];
  const ids: string[] = [];
  const pattern = /"recordId":"([^"]+)"/;
  for (const key of await listKeys(options.clients, input.bucket, input.prefix, options.signal)) {
    if (!key.endsWith('.jsonl')) continue;
    for await (const raw of readline.createInterface({ input: await getBody(options.clients, input.bucket, key, options.signal), crlfDelay: Infinity })) {
      const match = pattern.exec(raw.slice(0, 200));
      if (match) ids.push(match[1]);
    }
  }
  return ids;
}

export async function listKeys(clients: BatchClients, bucket: string, prefix: string, signal?: AbortSignal): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await clients.s3.send(new clients.s3Sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal: signal });
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

async function getBody(clients: BatchClients, bucket: string, key: string, signal?: AbortSignal): Promise<Readable> {
  const object = await clients.s3.send(new clients.s3Sdk.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  return object.Body as Readable;
}

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The manifest of a job's output, when it is there (counts for the Jobs view). */
export async function readBatchManifest(clients: BatchClients, job: BatchJobRecord, signal?: AbortSignal): Promise<BatchManifest | undefined> {
  const output = parseS3Uri(job.s3Output);
  if (!output) return undefined;
  try {
    return JSON.parse(await readAll(await getBody(clients, output.bucket, `${output.prefix}${job.id}/manifest.json.out`, signal))) as BatchManifest;
  } catch {
    return undefined;
  }
}
