// A dataset as Bedrock batch jobs end to end in core, through the real AWS SDK (S3 and Bedrock
// control plane) against the real S3-compatible server and the Bedrock simulator's batch routes:
// submit (render → upload → CreateModelInvocationJob), poll to Completed, ingest shuffled output
// by recordId into run records (batch price, no latency), ingest twice without duplicates,
// PartiallyCompleted record errors as failed cells with Retry of only the missing, Expired, Stop,
// and the pre-flight sentences (missing bucket, S3 access denied, bad role, too few records).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { batchClients, type BatchClients } from '../../../src/core/batch/batchAws';
import { ingestBatchJob, listKeys } from '../../../src/core/batch/batchIngest';
import { missingCases, refreshBatchJob, stopBatchJob } from '../../../src/core/batch/batchJobControl';
import { BatchJobStore, FINAL_STATES, type BatchJobRecord } from '../../../src/core/batch/batchJobStore';
import { BatchPreflightError, submitBatchEvaluation } from '../../../src/core/batch/batchSubmit';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { readDataset } from '../../../src/core/datasets/datasetFile';
import { loadDatasetRun } from '../../../src/core/datasets/datasetRuns';
import { promptDocument } from '../../../src/core/prompt/promptDocument';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import { PromptRunner } from '../../../src/core/runs/promptRunner';
import { readRunHistory } from '../../../src/core/runs/runHistory';
import { withAwsEnv } from '../../support/awsEnv';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';
import { startS3Server, type S3Server } from '../../support/s3Server';

const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const HAIKU = 'bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0';
const ROLE = 'arn:aws:iam::123456789012:role/BedrockBatch';
const PROMPT = `---
name: explain
version: 2
model: ${NOVA}
config: {temperature: 0.1, maxOutputTokens: 200}
input:
  schema: {topic: string}
workbench.checks:
  - maxLength: {words: 400}
---
{{role "system"}}You explain briefly.
{{role "user"}}Explain {{topic}}.
`;

async function until(job: BatchJobRecord, store: BatchJobStore, clients: BatchClients, done = (j: BatchJobRecord) => FINAL_STATES.has(j.status)): Promise<BatchJobRecord> {
  const seen: string[] = [];
  for (let i = 0; i < 300; i++) {
    job = await refreshBatchJob(store, clients, job);
    if (seen[seen.length - 1] !== job.status) seen.push(job.status);
    if (done(job)) return Object.assign(job, { seen });
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`job stuck in ${job.status}`);
}

describe('batch: submit, poll, ingest against the simulator and s3rver (real AWS SDK)', function () {
  this.timeout(60000);
  let bedrock: BedrockServer;
  let s3: S3Server;
  let dir: string;
  let clients: BatchClients;
  const env = () => ({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: s3.url, AWS_ENDPOINT_URL_BEDROCK: bedrock.url });

  before(async () => {
    process.env.PROMPT_WORKBENCH_SIM_BATCH_STEP_MS = '10';
    bedrock = await startBedrockServer({ firstTokenDelayMs: 0, tokenDelayMs: 0 });
    s3 = await startS3Server({ buckets: ['evals'] });
    process.env.PROMPT_WORKBENCH_SIM_S3_URL = s3.url;
  });
  after(async () => {
    delete process.env.PROMPT_WORKBENCH_SIM_S3_URL;
    delete process.env.PROMPT_WORKBENCH_SIM_BATCH_STEP_MS;
    await bedrock.close();
    await s3.close();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-batch-'));
    fs.writeFileSync(path.join(dir, 'explain.prompt'), PROMPT);
  });
  afterEach(() => {
    clients?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function setup(n: number, row: (i: number) => Record<string, unknown> = (i) => ({ id: `c${i}`, topic: `topic number ${i}` })) {
    fs.writeFileSync(path.join(dir, 'cases.jsonl'), Array.from({ length: n }, (_, i) => JSON.stringify(row(i))).join('\n') + '\n');
    const catalog = new ModelCatalog();
    const runner = new PromptRunner({ providers: new ProviderRegistry({}), catalog, workspaceFolder: dir });
    const document = promptDocument(PROMPT, path.join(dir, 'explain.prompt'));
    const dataset = await readDataset(path.join(dir, 'cases.jsonl'));
    clients = await batchClients({ region: 'us-east-1' });
    return { catalog, runner, document, dataset, store: new BatchJobStore(dir) };
  }

  it('runs 120 cases × 2 models as two jobs, ingests shuffled output by recordId once, at the batch price with no latency', () =>
    withAwsEnv(env(), async () => {
      const { catalog, runner, document, dataset, store } = await setup(120);
      const submitted = await submitBatchEvaluation({ runner, catalog, document, dataset, models: [NOVA, HAIKU], workspaceFolder: dir, s3Uri: 's3://evals/pw', roleArn: ROLE, clients, promptChecks: [{ type: 'maxLength', words: 400 }] });
      assert.equal(submitted.jobs.length, 2);
      assert.deepEqual(submitted.jobs.map((j) => j.records), [120, 120]);
      const create = bedrock.requests.filter((r) => r.method === 'POST' && r.path === '/model-invocation-job');
      const body = create[create.length - 1].body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      assert.equal(body.modelInvocationType, 'Converse');
      assert.equal(body.roleArn, ROLE);
      assert.ok(body.clientRequestToken);
      assert.equal(body.inputDataConfig.s3InputDataConfig.s3InputFormat, 'JSONL');
      assert.match(body.inputDataConfig.s3InputDataConfig.s3Uri, /^s3:\/\/evals\/pw\/d_/);
      assert.deepEqual(body.tags.map((t: { key: string }) => t.key), ['prompt-workbench:prompt', 'prompt-workbench:prompt-version', 'prompt-workbench:dataset-run']);
      // The uploaded lines are the Converse request of the rendered case.
      const inputPrefix = submitted.jobs[0].s3Input.replace('s3://evals/', '');
      assert.deepEqual(await listKeys(clients, 'evals', inputPrefix), [`${inputPrefix}input-00001.jsonl`]);
      const object = await clients.s3.send(new clients.s3Sdk.GetObjectCommand({ Bucket: 'evals', Key: `${inputPrefix}input-00001.jsonl` }));
      const uploaded = (await object.Body!.transformToString()).trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(uploaded.length, 120);
      assert.deepEqual(uploaded[3], { recordId: 'R0000000003', modelInput: { messages: [{ role: 'user', content: [{ text: 'Explain topic number 3.' }] }], system: [{ text: 'You explain briefly.\n' }], inferenceConfig: { temperature: 0.1, maxTokens: 200 } } });

      const jobs = await Promise.all(submitted.jobs.map((j) => until(j, store, clients)));
      assert.deepEqual(jobs.map((j) => j.status), ['Completed', 'Completed']);
      assert.ok(((jobs[0] as unknown as { seen: string[] }).seen).includes('InProgress'));
      assert.deepEqual(jobs[0].counts, { processed: 120, success: 120, error: 0 });

      const first = await ingestBatchJob({ job: jobs[0], workspaceFolder: dir, clients, catalog });
      assert.equal(first.written, 120);
      assert.deepEqual(first.missing, []);
      const again = await ingestBatchJob({ job: jobs[0], workspaceFolder: dir, clients, catalog });
      assert.equal(again.written, 0);
      assert.equal(again.alreadyIngested, 120);
      await ingestBatchJob({ job: jobs[1], workspaceFolder: dir, clients, catalog });

      const { records } = await readRunHistory(path.join(dir, '.prompt-workbench', 'runs'));
      assert.equal(records.length, 240);
      const r = records.find((x) => x.datasetCaseId === 'c7' && x.model === NOVA)!;
      assert.equal(r.batchJobId, jobs[0].id);
      assert.equal(r.datasetRunId, submitted.datasetRunId);
      assert.equal(r.metrics.latencyMs, null);
      assert.equal(r.metrics.ttftMs, null);
      assert.match(r.output, /topic number 7\b/, 'the answer of record c7 is c7\'s, whatever the output order');
      const prices = catalog.pricesOf(NOVA)!;
      assert.ok(Math.abs(r.metrics.costUsd! - (r.metrics.inputTokens! * prices.inputPerMTokens + r.metrics.outputTokens! * prices.outputPerMTokens) / 2e6) < 1e-12, 'half the on-demand price');
      assert.equal(r.checks?.[0]?.pass, true);
      const grid = await loadDatasetRun(dir, submitted.datasetRunId);
      assert.equal(grid?.cells.filter((c) => c.status === 'done').length, 240);
      assert.equal(grid?.summary[0].latencyMs.p50, null, 'no latency figure from batch answers');
      // Shuffled: the output file's order is not the input's.
      const outPrefix = jobs[0].s3Output.replace('s3://evals/', '') + jobs[0].id + '/';
      assert.deepEqual((await listKeys(clients, 'evals', outPrefix)).sort(), [`${outPrefix}input-00001.jsonl.out`, `${outPrefix}manifest.json.out`]);
      const out = await clients.s3.send(new clients.s3Sdk.GetObjectCommand({ Bucket: 'evals', Key: `${outPrefix}input-00001.jsonl.out` }));
      const order = (await out.Body!.transformToString()).trim().split('\n').map((l) => (JSON.parse(l) as { recordId: string }).recordId);
      assert.equal(order.length, 120);
      assert.notDeepEqual(order, [...order].sort());
    }));

  it('PartiallyCompleted: failed records become failed cells with the reason; Retry sends only the missing', () =>
    withAwsEnv(env(), async () => {
      const { catalog, runner, document, dataset, store } = await setup(110, (i) => ({ id: `c${i}`, topic: i % 20 === 0 ? 'sim-record-error please' : `t${i}` }));
      const { jobs: [job], datasetRunId } = await submitBatchEvaluation({ runner, catalog, document, dataset, models: [NOVA], workspaceFolder: dir, s3Uri: 's3://evals/retry', roleArn: ROLE, clients });
      const ended = await until(job, store, clients);
      assert.equal(ended.status, 'PartiallyCompleted');
      assert.deepEqual(ended.counts, { processed: 110, success: 104, error: 6 });
      const result = await ingestBatchJob({ job: ended, workspaceFolder: dir, clients, catalog });
      assert.equal(result.failed, 6);
      const grid = await loadDatasetRun(dir, datasetRunId);
      const failed = grid!.cells.find((c) => c.caseId === 'c0')!;
      assert.equal(failed.status, 'failed');
      assert.match(failed.error!.message, /could not be processed/);
      const missing = await missingCases(dir, ended);
      assert.deepEqual([...missing.get(NOVA)!].sort(), ['c0', 'c100', 'c20', 'c40', 'c60', 'c80']);
      // Six records are under the minimum: the retry says so instead of uploading anything.
      await assert.rejects(
        submitBatchEvaluation({ runner, catalog, document, dataset, models: [NOVA], workspaceFolder: dir, s3Uri: 's3://evals/retry', roleArn: ROLE, clients, retry: { datasetRunId, caseIds: missing } }),
        (err: unknown) => err instanceof BatchPreflightError && err.reason === 'too-small' && /6 cases/.test(err.message),
      );
    }));

  it('Expired keeps the records done; Stop ends a job as Stopped; both are ingested with the rest missing', () =>
    withAwsEnv(env(), async () => {
      const { catalog, runner, document, dataset, store } = await setup(100);
      const expiring = await submitBatchEvaluation({ runner, catalog, document, dataset, models: [NOVA], workspaceFolder: dir, s3Uri: 's3://evals/exp', roleArn: 'arn:aws:iam::123456789012:role/sim-expire', clients });
      const expired = await until(expiring.jobs[0], store, clients);
      assert.equal(expired.status, 'Expired');
      const got = await ingestBatchJob({ job: expired, workspaceFolder: dir, clients, catalog });
      assert.equal(got.written, 50);
      assert.equal(got.missing.length, 50);
      const missing = await missingCases(dir, expired);
      assert.equal(missing.get(NOVA)!.size, 50);

      const stopping = await submitBatchEvaluation({ runner, catalog, document, dataset, models: [NOVA], workspaceFolder: dir, s3Uri: 's3://evals/stop', roleArn: ROLE, clients });
      await stopBatchJob(store, clients, stopping.jobs[0]);
      const stopped = await until(stopping.jobs[0], store, clients);
      assert.equal(stopped.status, 'Stopped');
      assert.equal((await store.get(stopped.id))?.status, 'Stopped');
    }));

  it('pre-flight: a missing bucket, S3 access denied, a bad role and too few records each say what to do', async () => {
    await withAwsEnv(env(), async () => {
      const { catalog, runner, document, dataset, store } = await setup(100);
      const base = { runner, catalog, document, dataset, models: [NOVA], workspaceFolder: dir, roleArn: ROLE, clients };
      await assert.rejects(submitBatchEvaluation({ ...base, s3Uri: 's3://no-such-bucket/x' }), /bucket “no-such-bucket” does not exist/);
      assert.equal(fs.existsSync(path.join(dir, '.prompt-workbench', 'batch-jobs.jsonl')), false, 'nothing submitted');
      const bad = await submitBatchEvaluation({ ...base, s3Uri: 's3://evals/bad', roleArn: 'arn:aws:iam::123456789012:role/sim-bad-role' });
      const failed = await until(bad.jobs[0], store, clients);
      assert.equal(failed.status, 'Failed');
      assert.match(failed.message ?? '', /cannot be assumed/);
      const noS3 = await submitBatchEvaluation({ ...base, s3Uri: 's3://evals/nos3', roleArn: 'arn:aws:iam::123456789012:role/sim-no-s3' });
      const denied = await until(noS3.jobs[0], store, clients);
      assert.equal(denied.status, 'Failed');
      assert.match(denied.message ?? '', /Access denied/);
    });
    await withAwsEnv({ ...env(), AWS_ACCESS_KEY_ID: 'AKIDUNKNOWN' }, async () => {
      const { catalog, runner, document, dataset } = await setup(100);
      await assert.rejects(
        submitBatchEvaluation({ runner, catalog, document, dataset, models: [NOVA], workspaceFolder: dir, s3Uri: 's3://evals/x', roleArn: ROLE, clients }),
        (err: unknown) => err instanceof BatchPreflightError && /grant s3:PutObject/.test(err.message),
      );
    });
  });
});
