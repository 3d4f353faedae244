/**
 * Following batch jobs after they are submitted: their state from `GetModelInvocationJob` (a
 * change is a new line in batch-jobs.jsonl, with the manifest's counts once final), Stop, jobs
 * started elsewhere (`ListModelInvocationJobs`, the workbench's job-name prefix), and what a
 * Retry must send: the cases of the dataset run that have no answer yet on that model.
 */
import * as l10n from '@vscode/l10n';
import { readDatasetRunManifests } from '../datasets/datasetRuns';
import { readRunHistory } from '../runs/runHistory';
import { WorkbenchPaths } from '../workspace/paths';
import { describeBedrockJobError, type BatchClients } from './batchAws';
import { readBatchManifest } from './batchIngest';
import { BatchJobStore, FINAL_STATES, jobIdOf, type BatchJobRecord } from './batchJobStore';

/** Reads the job's state; records a new line when it changed. Returns the job as it is now. */
export async function refreshBatchJob(store: BatchJobStore, clients: BatchClients, job: BatchJobRecord, signal?: AbortSignal): Promise<BatchJobRecord> {
  let remote;
  try {
    remote = await clients.bedrock.send(new clients.bedrockSdk.GetModelInvocationJobCommand({ jobIdentifier: job.jobArn }), { abortSignal: signal });
  } catch (err) {
    throw new Error(describeBedrockJobError(err));
  }
  const status = remote.status ?? job.status;
  const message = remote.message ?? undefined;
  if (status === job.status && message === job.message && (!FINAL_STATES.has(status) || job.counts)) return job;
  const manifest = FINAL_STATES.has(status) ? await readBatchManifest(clients, job, signal) : undefined;
  const counts = manifest ? { processed: manifest.processedRecordCount ?? 0, success: manifest.successRecordCount ?? 0, error: manifest.errorRecordCount ?? 0 } : undefined;
  const update = { id: job.id, status, ...(message ? { message } : {}), ...(counts ? { counts } : {}) };
  await store.update(update);
  return { ...job, ...update, lastSeen: new Date().toISOString() };
}

export async function stopBatchJob(store: BatchJobStore, clients: BatchClients, job: BatchJobRecord): Promise<void> {
  if (FINAL_STATES.has(job.status)) throw new Error(l10n.t('The job {0} has already ended ({1}); there is nothing to stop.', job.jobName, job.status));
  try {
    await clients.bedrock.send(new clients.bedrockSdk.StopModelInvocationJobCommand({ jobIdentifier: job.jobArn }));
  } catch (err) {
    throw new Error(describeBedrockJobError(err));
  }
  await store.update({ id: job.id, status: 'Stopping' });
}

/** A job Bedrock knows of that this workspace did not record (started in another clone, or by hand). */
export interface RemoteBatchJob {
  id: string;
  jobArn: string;
  jobName: string;
  modelId: string;
  status: string;
  submitTime?: string;
}

/** Jobs with the workbench's name prefix that batch-jobs.jsonl does not list. */
export async function listUnrecordedJobs(store: BatchJobStore, clients: BatchClients, signal?: AbortSignal): Promise<RemoteBatchJob[]> {
  const known = new Set((await store.list()).jobs.map((j) => j.id));
  const found: RemoteBatchJob[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.bedrock.send(new clients.bedrockSdk.ListModelInvocationJobsCommand({ nameContains: 'pw-', maxResults: 100, nextToken, sortBy: 'CreationTime', sortOrder: 'Descending' }), { abortSignal: signal });
    for (const s of page.invocationJobSummaries ?? []) {
      const id = jobIdOf(s.jobArn ?? '');
      if (!id || known.has(id)) continue;
      found.push({ id, jobArn: s.jobArn ?? '', jobName: s.jobName ?? '', modelId: s.modelId ?? '', status: s.status ?? '', ...(s.submitTime ? { submitTime: new Date(s.submitTime).toISOString() } : {}) });
    }
    nextToken = page.nextToken;
  } while (nextToken && found.length < 1000);
  return found;
}

/** Per model of the job's dataset run, the cases with no successful answer yet: what a Retry sends. */
export async function missingCases(workspaceFolder: string, job: BatchJobRecord): Promise<Map<string, Set<string>>> {
  const manifest = (await readDatasetRunManifests(workspaceFolder)).find((m) => m.id === job.datasetRunId);
  if (!manifest) throw new Error(l10n.t('The dataset run {0} is not in .prompt-workbench/dataset-runs.jsonl.', job.datasetRunId));
  const answered = new Set<string>();
  const { records } = await readRunHistory(new WorkbenchPaths(workspaceFolder).runsDir);
  for (const r of records) if (r.datasetRunId === job.datasetRunId && r.model === job.model && r.datasetCaseId && !r.error) answered.add(r.datasetCaseId);
  return new Map([[job.model, new Set(manifest.caseIds.filter((id) => !answered.has(id)))]]);
}
