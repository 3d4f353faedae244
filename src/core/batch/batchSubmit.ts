/**
 * Runs a dataset as Bedrock batch inference jobs: pre-flight checks (bucket, role, size) before
 * anything is uploaded, every case rendered through the one run pipeline (`PromptRunner.prepare`:
 * RAG, guardrail and config as a live run), the input written as `{recordId, modelInput}` JSONL
 * split by the quotas, uploaded with the S3 client, and one `CreateModelInvocationJob` per model
 * (and per quota-sized part) with a client request token, tags and a line in batch-jobs.jsonl.
 */
import * as l10n from '@vscode/l10n';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { ModelCatalog } from '../catalog/modelCatalog';
import type { CheckSpec } from '../datasets/checkSpecs';
import { datasetHash, type Dataset, type DatasetCase } from '../datasets/datasetFile';
import { appendDatasetRunManifest, DATASET_RUN_SCHEMA } from '../datasets/datasetRuns';
import type { PromptDocument } from '../prompt/promptDocument';
import { parseModelId } from '../providers/modelId';
import type { PreparedRun, PromptRunner } from '../runs/promptRunner';
import { newId } from '../workspace/ids';
import { WorkbenchPaths } from '../workspace/paths';
import { VersionStore } from '../versions/versionStore';
import { describeBedrockJobError, describeS3Error, isAccessDenied, parseS3Uri, ROLE_ARN, s3UriOf, type BatchClients, type S3Location } from './batchAws';
import { batchInvocationTypeOf, DEFAULT_BATCH_QUOTAS, modelInputOf, recordIdOf, splitBatchInput, type BatchInputLine, type BatchQuotas } from './batchFormat';
import { BATCH_JOB_SCHEMA, BatchJobStore, jobIdOf, type BatchJobRecord } from './batchJobStore';

/** A problem found before anything was uploaded: `message` says what to set or grant. */
export class BatchPreflightError extends Error {
  override readonly name = 'BatchPreflightError';
  constructor(
    message: string,
    /** `too-small`: the dataset is under the minimum records; a live run is the way. */
    readonly reason: 'settings' | 'too-small' | 'bucket' | 'permission' | 'prompt',
  ) {
    super(message);
  }
}

export interface SubmitBatchOptions {
  runner: Pick<PromptRunner, 'prepare' | 'resolveModel'>;
  catalog: ModelCatalog;
  document: PromptDocument;
  dataset: Dataset;
  models: string[];
  workspaceFolder: string;
  /** `promptWorkbench.batch.s3Uri` / `--s3`. */
  s3Uri: string | undefined;
  /** `promptWorkbench.batch.roleArn` / `--role-arn`. */
  roleArn: string | undefined;
  clients: BatchClients;
  /** `workbench.checks` of the prompt, kept with the job and applied when results come in. */
  promptChecks?: CheckSpec[];
  quotas?: Partial<BatchQuotas>;
  timeoutHours?: number;
  /** Retry: add to this dataset run, sending only these cases per model. */
  retry?: { datasetRunId: string; caseIds: ReadonlyMap<string, ReadonlySet<string>> };
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface SubmitBatchResult {
  datasetRunId: string;
  jobs: BatchJobRecord[];
  /** Cases that could not be rendered (not sent), with the reason. */
  skipped: { caseId: string; reason: string }[];
  /** Things the person should know (a model sent as InvokeModel bodies). */
  notes: string[];
  timings: { prepareMs: number; uploadMs: number };
}

/** Checks the settings and the size before anything is rendered or uploaded. */
export function checkBatchSettings(options: Pick<SubmitBatchOptions, 's3Uri' | 'roleArn' | 'quotas'>, records: number): S3Location {
  if (!options.s3Uri) {
    throw new BatchPreflightError(l10n.t('Set promptWorkbench.batch.s3Uri (--s3 on the command line) to an S3 folder such as s3://my-bucket/prompt-workbench/ for the batch input and results.'), 'settings');
  }
  const location = parseS3Uri(options.s3Uri);
  if (!location) throw new BatchPreflightError(l10n.t('“{0}” is not an S3 URI: write it as s3://bucket/prefix (promptWorkbench.batch.s3Uri, --s3).', options.s3Uri), 'settings');
  if (!options.roleArn) {
    throw new BatchPreflightError(
      l10n.t('Set promptWorkbench.batch.roleArn (--role-arn) to an IAM service role that Bedrock can assume (trust bedrock.amazonaws.com) with s3:GetObject and s3:ListBucket on the input and s3:PutObject on the output.'),
      'settings',
    );
  }
  if (!ROLE_ARN.test(options.roleArn)) throw new BatchPreflightError(l10n.t('“{0}” is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME); check promptWorkbench.batch.roleArn (--role-arn).', options.roleArn), 'settings');
  const min = options.quotas?.minRecordsPerJob ?? DEFAULT_BATCH_QUOTAS.minRecordsPerJob;
  if (records < min) {
    throw new BatchPreflightError(l10n.t('The dataset has {0} cases, and a Bedrock batch job needs at least {1} records: run it live instead.', records, min), 'too-small');
  }
  return location;
}

/** Asks S3 and Bedrock whether this identity may use the bucket and batch jobs, before anything is uploaded. */
export async function checkBatchAccess(clients: BatchClients, location: S3Location, signal?: AbortSignal): Promise<void> {
  try {
    await clients.s3.send(new clients.s3Sdk.HeadBucketCommand({ Bucket: location.bucket }), { abortSignal: signal });
  } catch (err) {
    throw new BatchPreflightError(describeS3Error(err, location, 's3:PutObject'), isAccessDenied(err) ? 'permission' : 'bucket');
  }
  try {
    await clients.bedrock.send(new clients.bedrockSdk.ListModelInvocationJobsCommand({ maxResults: 1 }), { abortSignal: signal });
  } catch (err) {
    throw new BatchPreflightError(describeBedrockJobError(err), 'permission');
  }
}

export async function submitBatchEvaluation(options: SubmitBatchOptions): Promise<SubmitBatchResult> {
  const quotas: BatchQuotas = { ...DEFAULT_BATCH_QUOTAS, ...options.quotas };
  const { dataset, clients, workspaceFolder } = options;
  const sent = (model: string): DatasetCase[] => (options.retry ? dataset.cases.filter((c) => options.retry!.caseIds.get(model)?.has(c.id)) : dataset.cases);
  const location = checkBatchSettings(options, options.retry ? Math.min(...options.models.map((m) => sent(m).length)) : dataset.cases.length);
  await checkBatchAccess(clients, location, options.signal);

  // Every case through the one prepare path (RAG, guardrail, config), once for all models.
  const started = performance.now();
  const first = await options.runner.prepare(options.document, dataset.cases[0]?.inputs ?? {});
  const models = [...new Set(options.models.map((m) => options.runner.resolveModel(first.model, m)))];
  const notBedrock = models.filter((m) => parseModelId(m).provider !== 'bedrock');
  if (notBedrock.length) throw new BatchPreflightError(l10n.t('Only Amazon Bedrock models run as batch jobs; {0} cannot. Run those live.', notBedrock.join(', ')), 'prompt');
  const prepared = new Map<string, PreparedRun>();
  const skipped: { caseId: string; reason: string }[] = [];
  for (const c of dataset.cases) {
    try {
      const p = await options.runner.prepare(options.document, c.inputs);
      if (p.missingInputs.length) skipped.push({ caseId: c.id, reason: l10n.t('no value for {0} in this case (line {1})', p.missingInputs.join(', '), c.line) });
      else prepared.set(c.id, p);
    } catch (err) {
      skipped.push({ caseId: c.id, reason: (err as Error).message });
    }
  }
  const prepareMs = performance.now() - started;

  const paths = new WorkbenchPaths(workspaceFolder);
  const datasetRunId = options.retry?.datasetRunId ?? newId('d');
  const datasetRef = { path: paths.relative(dataset.file), hash: await fileHash(dataset.file) };
  const promptRef = { name: first.name, version: first.version, contentHash: first.contentHash, path: first.file ? paths.relative(first.file) : null };
  if (!options.retry) {
    await appendDatasetRunManifest(workspaceFolder, {
      schema: DATASET_RUN_SCHEMA,
      id: datasetRunId,
      ts: new Date().toISOString(),
      prompt: promptRef,
      dataset: { ...datasetRef, cases: dataset.cases.length },
      models,
      caseIds: dataset.cases.map((c) => c.id),
    });
  }
  // The text that ran is kept with its version, as for a live run.
  await new VersionStore(workspaceFolder).keepRanText(first.name, first.version, first.source, promptRef.path).catch(() => undefined);

  const store = new BatchJobStore(workspaceFolder);
  const submission = newId('b').slice(2);
  const caseIndex = new Map(dataset.cases.map((c, i) => [c.id, i]));
  const jobs: BatchJobRecord[] = [];
  const notes: string[] = [];
  let uploadMs = 0;
  for (const model of models) {
    const modelId = parseModelId(model).modelId;
    const type = batchInvocationTypeOf(modelId);
    if (type === 'InvokeModel') notes.push(l10n.t('{0} does not take Converse batch jobs: its records are sent as InvokeModel bodies.', model));
    const cases = sent(model).filter((c) => prepared.has(c.id));
    function* lines(): Generator<BatchInputLine> {
      for (const c of cases) {
        const p = prepared.get(c.id)!;
        yield { recordId: recordIdOf(caseIndex.get(c.id)!), modelInput: modelInputOf({ modelId, messages: p.messages, config: p.config, ...(p.guardrail ? { guardrail: p.guardrail } : {}) }, type) };
      }
    }
    const parts = splitBatchInput(lines(), quotas);
    for (let part = 0; part < parts.length; part++) {
      const input = parts[part];
      const folder = `${datasetRunId}/${submission}/${slug(modelId)}${parts.length > 1 ? `-part${part + 1}` : ''}/`;
      const inputPrefix = `${location.prefix}${folder}input/`;
      const uploadStarted = performance.now();
      options.onProgress?.(l10n.t('Uploading {0} records for {1}…', input.records, model));
      for (const file of input.files) {
        try {
          await clients.s3.send(new clients.s3Sdk.PutObjectCommand({ Bucket: location.bucket, Key: inputPrefix + file.name, Body: file.body, ContentType: 'application/jsonl' }), { abortSignal: options.signal });
        } catch (err) {
          throw new BatchPreflightError(describeS3Error(err, location, 's3:PutObject'), 'permission');
        }
      }
      uploadMs += performance.now() - uploadStarted;
      const s3Input = s3UriOf({ ...location, prefix: inputPrefix });
      const s3Output = s3UriOf({ ...location, prefix: `${location.prefix}${folder}output/` });
      const jobName = `pw-${slug(first.name).slice(0, 24)}-v${first.version}-${submission.slice(-8).toLowerCase()}-${jobs.length + 1}`;
      const token = createHash('sha256').update(`${datasetRunId}\n${submission}\n${model}\n${part}`).digest('hex').slice(0, 40);
      let jobArn: string;
      try {
        const created = await clients.bedrock.send(
          new clients.bedrockSdk.CreateModelInvocationJobCommand({
            jobName,
            roleArn: options.roleArn,
            modelId,
            clientRequestToken: token,
            modelInvocationType: type,
            inputDataConfig: { s3InputDataConfig: { s3Uri: s3Input, s3InputFormat: 'JSONL' } },
            outputDataConfig: { s3OutputDataConfig: { s3Uri: s3Output } },
            ...(options.timeoutHours ? { timeoutDurationInHours: options.timeoutHours } : {}),
            tags: [
              { key: 'prompt-workbench:prompt', value: first.name },
              { key: 'prompt-workbench:prompt-version', value: String(first.version) },
              { key: 'prompt-workbench:dataset-run', value: datasetRunId },
            ],
          }),
          { abortSignal: options.signal },
        );
        jobArn = created.jobArn ?? '';
      } catch (err) {
        throw new Error(describeBedrockJobError(err, options.roleArn));
      }
      const now = new Date().toISOString();
      const estimate = cases.reduce((sum, c) => sum + (options.catalog.pricesOf(model)?.batchInputPerMTokens !== undefined ? batchEstimate(options.catalog, model, prepared.get(c.id)!) : 0), 0);
      const job: BatchJobRecord = {
        schema: BATCH_JOB_SCHEMA,
        id: jobIdOf(jobArn),
        kind: 'invocation',
        jobArn,
        jobName,
        model,
        invocationType: type,
        promptRef,
        datasetRunId,
        dataset: datasetRef,
        s3Input,
        s3Output,
        records: input.records,
        status: 'Submitted',
        submittedAt: now,
        lastSeen: now,
        estimatedCostUsd: estimate || null,
        config: first.config,
        ...(options.promptChecks?.length ? { checks: options.promptChecks } : {}),
      };
      await store.add(job);
      jobs.push(job);
    }
  }
  return { datasetRunId, jobs, skipped, notes, timings: { prepareMs, uploadMs } };
}

/** What one prepared case may cost on a model at the batch price (its input, and at most its output limit). */
function batchEstimate(catalog: ModelCatalog, model: string, p: PreparedRun): number {
  const prices = catalog.pricesOf(model);
  if (!prices?.batchInputPerMTokens || !p.cost) return 0;
  const input = p.cost.inputTokens;
  const output = p.cost.outputTokens;
  return (input * prices.batchInputPerMTokens + output * (prices.batchOutputPerMTokens ?? prices.outputPerMTokens / 2)) / 1_000_000;
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

async function fileHash(file: string): Promise<string> {
  try {
    return datasetHash(await fs.promises.readFile(file, 'utf8'));
  } catch {
    return '';
  }
}
