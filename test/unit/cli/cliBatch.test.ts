// `prompt-workbench eval --batch` and `batch list|status|fetch|stop` through the built dist/cli.js,
// the real AWS SDK, the real S3-compatible server and the simulator's batch routes, with the
// endpoints taken from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_BEDROCK as the SDK reads them.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRunHistory } from '../../../src/core/runs/runHistory';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';
import { startS3Server, type S3Server } from '../../support/s3Server';

const CLI = path.resolve(__dirname, '../../../..', 'dist', 'cli.js');
const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const ROLE = 'arn:aws:iam::123456789012:role/BedrockBatch';
const PROMPT = `---
name: explain
version: 1
model: ${NOVA}
input:
  schema: {topic: string}
workbench.checks:
  - contains: topic
---
{{role "user"}}Explain {{topic}} briefly.
`;

function cli(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH, HOME: cwd, AWS_EC2_METADATA_DISABLED: 'true', ...env } as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('CLI eval --batch and batch list|status|fetch|stop (dist/cli.js, simulator, s3rver)', function () {
  this.timeout(60000);
  let bedrock: BedrockServer;
  let s3: S3Server;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    assert.ok(fs.existsSync(CLI), 'build first (node esbuild.js)');
    process.env.PROMPT_WORKBENCH_SIM_BATCH_STEP_MS = '10';
    bedrock = await startBedrockServer({ firstTokenDelayMs: 0, tokenDelayMs: 0 });
    s3 = await startS3Server({ buckets: ['evals'] });
    process.env.PROMPT_WORKBENCH_SIM_S3_URL = s3.url;
  });
  after(async () => {
    delete process.env.PROMPT_WORKBENCH_SIM_S3_URL;
    delete process.env.PROMPT_WORKBENCH_SIM_BATCH_STEP_MS;
    await bedrock?.close();
    await s3?.close();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cli-batch-'));
    fs.writeFileSync(path.join(dir, 'explain.prompt'), PROMPT);
    fs.writeFileSync(path.join(dir, 'cases.jsonl'), Array.from({ length: 105 }, (_, i) => JSON.stringify({ id: `c${i}`, topic: `topic ${i}` })).join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'small.jsonl'), JSON.stringify({ id: 'one', topic: 'x' }) + '\n');
    fs.writeFileSync(path.join(dir, 'empty'), '');
    env = {
      AWS_CONFIG_FILE: path.join(dir, 'empty'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'empty'),
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-for-tests', AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: s3.url, AWS_ENDPOINT_URL_BEDROCK: bedrock.url, AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url, PROMPT_WORKBENCH_BATCH_POLL_MS: '20',
    };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('eval --batch --wait --json: submits, waits for Completed, ingests every case with its checks, no latency', async () => {
    const r = await cli(['eval', 'explain.prompt', '--dataset', 'cases.jsonl', '--models', NOVA, '--batch', '--s3', 's3://evals/ci', '--role-arn', ROLE, '--wait', '--json'], env, dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.jobs.length, 1);
    assert.equal(out.jobs[0].status, 'Completed');
    assert.equal(out.ingested[0].written, 105);
    assert.equal(out.summary[0].passRate, 1);
    assert.equal(out.summary[0].latencyMs.p50, null);
    const { records } = await readRunHistory(path.join(dir, '.prompt-workbench', 'runs'));
    assert.equal(records.length, 105);
    assert.ok(records.every((x) => x.batchJobId === out.jobs[0].id && x.metrics.latencyMs === null));

    // batch list / status / fetch again: nothing is ingested twice.
    const list = await cli(['batch', 'list', '--json'], env, dir);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout).jobs.map((j: { id: string }) => j.id), [out.jobs[0].id]);
    const status = await cli(['batch', 'status', out.jobs[0].id], env, dir);
    assert.match(status.stdout, /Completed/);
    const fetch = await cli(['batch', 'fetch', out.jobs[0].id, '--json'], env, dir);
    assert.equal(JSON.parse(fetch.stdout).ingested.written, 0);
    assert.equal(JSON.parse(fetch.stdout).ingested.alreadyIngested, 105);
  });

  it('eval --batch without --wait, then batch stop; a dataset under 100 cases and a missing role say what to do', async () => {
    // A slow job, so that it is still running when stopped.
    process.env.PROMPT_WORKBENCH_SIM_BATCH_STEP_MS = '3000';
    const started = await cli(['eval', 'explain.prompt', '--dataset', 'cases.jsonl', '--models', NOVA, '--batch', '--s3', 's3://evals/ci2', '--role-arn', ROLE, '--json'], { ...env }, dir);
    process.env.PROMPT_WORKBENCH_SIM_BATCH_STEP_MS = '10';
    assert.equal(started.code, 0, started.stderr);
    const job = JSON.parse(started.stdout).jobs[0];
    assert.equal(job.status, 'Submitted');
    const stop = await cli(['batch', 'stop', job.id], env, dir);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, /Stopp/);

    const small = await cli(['eval', 'explain.prompt', '--dataset', 'small.jsonl', '--models', NOVA, '--batch', '--s3', 's3://evals/ci3', '--role-arn', ROLE], env, dir);
    assert.equal(small.code, 2);
    assert.match(small.stderr, /1 cases, and a Bedrock batch job needs at least 100 records: run it live instead/);
    const noRole = await cli(['eval', 'explain.prompt', '--dataset', 'cases.jsonl', '--models', NOVA, '--batch', '--s3', 's3://evals/ci3'], env, dir);
    assert.equal(noRole.code, 2);
    assert.match(noRole.stderr, /promptWorkbench\.batch\.roleArn \(--role-arn\)/);
  });
});
