/**
 * Bedrock batch inference from the command line: `eval … --batch --s3 s3://bucket/prefix
 * --role-arn ARN [--wait]` and `batch list|status JOB|fetch JOB|stop JOB`. S3 and the Bedrock
 * control plane follow the SDK's own configuration (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_BEDROCK).
 */
import * as path from 'node:path';
import { batchClients, type BatchClients } from '../core/batch/batchAws';
import { ingestBatchJob, type IngestResult } from '../core/batch/batchIngest';
import { listUnrecordedJobs, refreshBatchJob, stopBatchJob } from '../core/batch/batchJobControl';
import { BatchJobStore, FINAL_STATES, INGESTIBLE_STATES, type BatchJobRecord } from '../core/batch/batchJobStore';
import { BatchPreflightError, submitBatchEvaluation } from '../core/batch/batchSubmit';
import type { CheckSpec } from '../core/datasets/checkSpecs';
import type { Dataset } from '../core/datasets/datasetFile';
import { loadDatasetRun } from '../core/datasets/datasetRuns';
import { formatUsd } from '../core/format/units';
import type { PromptDocument } from '../core/prompt/promptDocument';
import { CliError, CliRuntime } from './runtime';

export interface BatchEvalOptions {
  runtime: CliRuntime;
  workspace: string;
  prompt: PromptDocument;
  dataset: Dataset;
  models: string[];
  promptChecks: CheckSpec[];
  s3?: string;
  roleArn?: string;
  wait: boolean;
  json: boolean;
  judgeModel?: string;
}

/** Polls every this many ms at first, backing off to POLL_MAX_MS (`PROMPT_WORKBENCH_BATCH_POLL_MS` overrides the start). */
const POLL_MAX_MS = 60_000;

export async function runBatchEval(options: BatchEvalOptions): Promise<number> {
  const clients = await batchClients(options.runtime.aws);
  try {
    let submitted;
    try {
      submitted = await submitBatchEvaluation({
        runner: options.runtime.runner,
        catalog: options.runtime.catalog,
        document: options.prompt,
        dataset: options.dataset,
        models: options.models,
        workspaceFolder: options.workspace,
        s3Uri: options.s3,
        roleArn: options.roleArn,
        clients,
        promptChecks: options.promptChecks,
        onProgress: (m) => !options.json && process.stderr.isTTY && process.stderr.write(`${m}\n`),
      });
    } catch (err) {
      if (err instanceof BatchPreflightError) throw new CliError(err.reason === 'too-small' ? `${err.message} (leave out --batch)` : err.message);
      throw new CliError((err as Error).message, 1);
    }
    for (const s of submitted.skipped) console.error(`warning: case ${s.caseId} not sent: ${s.reason}`);
    for (const n of submitted.notes) console.error(`note: ${n}`);
    let jobs = submitted.jobs;
    const ingested: IngestResult[] = [];
    if (options.wait) {
      jobs = await waitForJobs(new BatchJobStore(options.workspace), clients, jobs, options.json);
      for (const job of jobs) ingested.push(await ingest(options, clients, job));
    }
    const run = options.wait ? await loadDatasetRun(options.workspace, submitted.datasetRunId) : undefined;
    if (options.json) {
      console.log(JSON.stringify({ datasetRunId: submitted.datasetRunId, jobs: jobs.map(jobJson), skipped: submitted.skipped, notes: submitted.notes, ...(options.wait ? { ingested, summary: run?.summary ?? [] } : {}) }, null, 2));
    } else {
      for (const job of jobs) console.log(jobLine(job));
      for (const r of ingested) console.log(ingestLine(r));
      for (const s of run?.summary ?? []) console.log(`${s.model}  pass rate ${s.passRate === null ? '—' : `${Math.round(s.passRate * 1000) / 10}%`}  failed ${s.failed}  cost ${formatUsd(s.costUsd)} (batch price)`);
      console.log(`dataset run ${submitted.datasetRunId}${options.wait ? '' : ` · follow with: prompt-workbench batch status JOB, then batch fetch JOB`}`);
    }
    if (!options.wait) return 0;
    return jobs.every((j) => j.status === 'Completed') ? 0 : jobs.some((j) => j.status === 'Completed' || j.status === 'PartiallyCompleted') ? 3 : 1;
  } finally {
    clients.destroy();
  }
}

async function waitForJobs(store: BatchJobStore, clients: BatchClients, jobs: BatchJobRecord[], quiet: boolean): Promise<BatchJobRecord[]> {
  let delay = Number(process.env.PROMPT_WORKBENCH_BATCH_POLL_MS ?? 5000);
  let current = jobs;
  for (;;) {
    current = await Promise.all(current.map((j) => (FINAL_STATES.has(j.status) ? j : refreshBatchJob(store, clients, j))));
    if (!quiet && process.stderr.isTTY) process.stderr.write(`\r${current.map((j) => `${j.jobName}: ${j.status}`).join(' · ')}   `);
    if (current.every((j) => FINAL_STATES.has(j.status))) break;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(POLL_MAX_MS, Math.round(delay * 1.5));
  }
  if (!quiet && process.stderr.isTTY) process.stderr.write('\n');
  return current;
}

function ingest(options: { runtime: CliRuntime; workspace: string; judgeModel?: string }, clients: BatchClients, job: BatchJobRecord): Promise<IngestResult> {
  return ingestBatchJob({ job, workspaceFolder: options.workspace, clients, catalog: options.runtime.catalog, judge: options.runtime.judge, judgeModel: options.judgeModel });
}

function jobJson(job: BatchJobRecord) {
  const { schema: _schema, config: _config, checks: _checks, ...rest } = job;
  return rest;
}

function jobLine(job: BatchJobRecord): string {
  const counts = job.counts ? ` · ${job.counts.success}/${job.records} answered, ${job.counts.error} failed` : ` · ${job.records} records`;
  const cost = job.estimatedCostUsd ? ` · at most ${formatUsd(job.estimatedCostUsd)}` : '';
  return `${job.id}  ${job.status.padEnd(18)} ${job.model}${counts}${cost}${job.message ? ` · ${job.message}` : ''}`;
}

function ingestLine(r: IngestResult): string {
  return `${r.jobId}: ${r.written} run records written (${r.failed} failed), ${r.alreadyIngested} already there${r.missing.length ? `, ${r.missing.length} never answered (batch fetch, then eval --batch again to retry them)` : ''}`;
}

export interface BatchCommandOptions {
  workspace: string;
  json: boolean;
  judgeModel?: string;
  aws: { region?: string; profile?: string; endpointUrl?: string };
}

/** `batch list | status JOB | fetch JOB | stop JOB`. */
export async function runBatchCommand(sub: string | undefined, jobRef: string | undefined, options: BatchCommandOptions): Promise<number> {
  const workspace = path.resolve(options.workspace);
  const store = new BatchJobStore(workspace);
  const runtime = new CliRuntime({ workspace, record: true, ...options.aws });
  const clients = await batchClients(runtime.aws);
  try {
    if (sub === 'list') {
      const { jobs, problems } = await store.list();
      for (const p of problems) console.error(`warning: ${store.file}:${p.line}: skipped: ${p.message}`);
      let elsewhere: Awaited<ReturnType<typeof listUnrecordedJobs>> = [];
      try {
        elsewhere = await listUnrecordedJobs(store, clients);
      } catch (err) {
        console.error(`warning: jobs started elsewhere could not be listed: ${(err as Error).message}`);
      }
      if (options.json) console.log(JSON.stringify({ jobs: jobs.map(jobJson), elsewhere }, null, 2));
      else {
        for (const j of jobs) console.log(jobLine(j));
        for (const j of elsewhere) console.log(`${j.id}  ${j.status.padEnd(18)} ${j.modelId} · started elsewhere (${j.jobName})`);
        if (!jobs.length && !elsewhere.length) console.log('No batch jobs yet: eval FILE --batch --s3 s3://bucket/prefix --role-arn ARN starts one.');
      }
      return 0;
    }
    if (!['status', 'fetch', 'stop'].includes(sub ?? '')) throw new CliError('batch: say list, status JOB, fetch JOB or stop JOB.');
    if (!jobRef) throw new CliError(`batch ${sub}: name the job (its id or ARN, from batch list).`);
    const recorded = await store.get(jobRef);
    if (!recorded) throw new CliError(`batch ${sub}: no job ${jobRef} in ${store.file} (batch list shows the jobs of this workspace).`);
    if (sub === 'stop') {
      await stopBatchJob(store, clients, recorded).catch((err: Error) => {
        throw new CliError(err.message, 1);
      });
      const job = await refreshBatchJob(store, clients, { ...recorded, status: 'Stopping' });
      if (options.json) console.log(JSON.stringify({ job: jobJson(job) }, null, 2));
      else console.log(jobLine(job));
      return 0;
    }
    const job = await refreshBatchJob(store, clients, recorded).catch((err: Error) => {
      throw new CliError(err.message, 1);
    });
    if (sub === 'status') {
      if (options.json) console.log(JSON.stringify({ job: jobJson(job) }, null, 2));
      else console.log(jobLine(job));
      return 0;
    }
    if (!INGESTIBLE_STATES.has(job.status)) {
      if (options.json) console.log(JSON.stringify({ job: jobJson(job), ingested: null }, null, 2));
      else console.log(`${jobLine(job)}\nThe job has not ended yet: fetch it again once it has.`);
      return 0;
    }
    const result = await ingest({ runtime, workspace, judgeModel: options.judgeModel }, clients, job);
    for (const p of result.problems) console.error(`warning: ${p}`);
    if (options.json) console.log(JSON.stringify({ job: jobJson(job), ingested: result }, null, 2));
    else console.log(`${jobLine(job)}\n${ingestLine(result)}`);
    return 0;
  } finally {
    clients.destroy();
  }
}
