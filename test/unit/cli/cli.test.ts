import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readJsonl } from '../../../src/core/workspace/jsonl';
import type { RunRecord } from '../../../src/core/runs/runRecord';
import { BedrockServer, startBedrockServer } from '../../support/bedrockServer';

const ROOT = path.resolve(__dirname, '../../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const EMAIL_PROMPT = path.join(ROOT, 'prompts', 'email-summary.prompt');

const THREAD = `From: Dana Whitfield
Sent: Monday, November 23, 2026 9:14 AM
To: Launch team
Subject: Launch date

We decided to move the launch to December 8. Priya will update the release notes by Friday.
Please confirm the rollback plan.`;

interface CliResult { code: number; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string | undefined>, cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH, HOME: cwd, ...env } as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('CLI prompt-workbench (dist/cli.js) against the local Bedrock server', function () {
  this.timeout(30000);
  let server: BedrockServer;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    assert.ok(fs.existsSync(CLI), 'build first (node esbuild.js)');
    server = await startBedrockServer();
  });
  after(() => server.close());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cli-'));
    fs.writeFileSync(path.join(dir, 'thread.txt'), THREAD);
    env = {
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('render --json prints the messages as DESIGN.md specifies, with @file inputs', async () => {
    const r = await cli(['render', EMAIL_PROMPT, '--var', 'email=@thread.txt', '--json'], env, dir);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(doc).sort(), ['config', 'contentHash', 'messages', 'model', 'name', 'version']);
    assert.equal(doc.name, 'email-summary');
    assert.equal(Number.isInteger(doc.version), true);
    assert.match(doc.contentHash, /^[0-9a-f]{8}$/);
    assert.equal(doc.model, 'bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0');
    assert.equal(doc.messages[0].role, 'system');
    const user = doc.messages.find((m: { role: string }) => m.role === 'user');
    assert.ok(user.content[0].text.includes('We decided to move the launch to December 8.'));
  });

  it('run --json streams from Bedrock through the real SDK, reports metrics and records the run', async () => {
    const r = await cli(['run', EMAIL_PROMPT, '--var', 'email=@thread.txt', '--json', '--workspace', dir], env, dir);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.runs.length, 1);
    const run = doc.runs[0];
    assert.equal(run.model, 'bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0');
    assert.ok(run.output.includes('global.anthropic.claude-haiku-4-5-20251001-v1:0'), 'the simulator names the model it answered as');
    assert.ok(run.metrics.ttftMs >= 0 && run.metrics.latencyMs >= run.metrics.ttftMs);
    assert.ok(run.metrics.inputTokens > 0 && run.metrics.outputTokens > 0);
    assert.ok(run.metrics.costUsd > 0);
    assert.equal(run.error, undefined);
    const sent = server.requests.filter((q) => q.path.includes('converse-stream')).at(-1)!;
    assert.equal(sent.httpVersion, '2.0', 'the SDK keeps its default HTTP/2 handler');
    const month = new Date().toISOString().slice(0, 7);
    const { records } = await readJsonl<RunRecord>(path.join(dir, '.prompt-workbench', 'runs', `${month}.jsonl`));
    assert.equal(records.length, 1);
    assert.equal(records[0].id, run.runId);
    assert.equal(records[0].prompt.name, 'email-summary');
    assert.deepEqual(records[0].metrics.priceSource, { source: 'builtin', asOf: '2026-12-04' }, 'the record keeps the source of the prices its cost used');
    const raw = fs.readFileSync(path.join(dir, '.prompt-workbench', 'runs', `${month}.jsonl`), 'utf8');
    assert.ok(!raw.includes('AKIDEXAMPLE') && !raw.includes('wJalrXUtnFEMI'), 'no credentials in run records');
    assert.ok(!('inputs' in records[0]) && records[0].inputsHash.startsWith('sha256:'), 'inputs are stored as a hash by default');
  });

  it('run without --json streams the answer to stdout and metrics to stderr', async () => {
    const r = await cli(['run', EMAIL_PROMPT, '--var', `email=${THREAD}`, '--no-record'], env, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes('anthropic.claude-haiku-4-5'));
    assert.match(r.stderr, /ttft \d+ ms · \d+ ms · \d+ in \/ \d+ out/);
    assert.ok(!fs.existsSync(path.join(dir, '.prompt-workbench')), '--no-record writes nothing');
  });

  it('compare runs every model at once under one comparison id; a failing model does not stop the others', async () => {
    const models = ['bedrock/amazon.nova-lite-v1:0', 'bedrock/anthropic.sim-denied-v1:0', 'meta.llama3-1-8b-instruct-v1:0'];
    const r = await cli(['compare', EMAIL_PROMPT, '--var', 'email=@thread.txt', '--models', models.join(','), '--json', '--workspace', dir], env, dir);
    assert.equal(r.code, 3, 'some failed: exit 3');
    const doc = JSON.parse(r.stdout);
    assert.match(doc.comparisonId, /^c_/);
    assert.deepEqual(doc.runs.map((x: { model: string }) => x.model), ['bedrock/amazon.nova-lite-v1:0', 'bedrock/anthropic.sim-denied-v1:0', 'bedrock/meta.llama3-1-8b-instruct-v1:0']);
    assert.ok(doc.runs[0].output.includes('amazon.nova-lite-v1:0'));
    assert.equal(doc.runs[1].error.kind, 'access-denied');
    assert.match(doc.runs[1].error.message, /modelaccess/);
    assert.ok(doc.runs[2].output.includes('meta.llama3-1-8b-instruct-v1:0'));
    assert.match(r.stderr, /sim-denied.*access/i);
    const month = new Date().toISOString().slice(0, 7);
    const { records } = await readJsonl<RunRecord>(path.join(dir, '.prompt-workbench', 'runs', `${month}.jsonl`));
    assert.equal(records.length, 3);
    assert.ok(records.every((x) => x.comparisonId === doc.comparisonId));
  });

  it('a missing input is named before anything is sent (exit 2)', async () => {
    const before = server.requests.length;
    const r = await cli(['run', EMAIL_PROMPT, '--json'], env, dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Missing input values: email/);
    assert.equal(r.stdout, '');
    assert.equal(server.requests.length, before);
  });

  it('a broken .prompt gives an error naming the line, not a stack trace', async () => {
    const broken = path.join(dir, 'broken.prompt');
    fs.writeFileSync(broken, '---\nname: broken\nconfig: {temperature: 0.2\n---\nHello {{name}}\n');
    const r = await cli(['render', broken, '--json'], env, dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /line \d+/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('no region: the error says what to set', async () => {
    const { AWS_REGION: _drop, ...noRegion } = env;
    const r = await cli(['run', EMAIL_PROMPT, '--var', 'email=hi', '--json', '--no-record'], { ...noRegion, AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none') }, dir);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.runs[0].error.kind, 'region');
    assert.match(doc.runs[0].error.message, /AWS_REGION|promptWorkbench\.bedrock\.region/);
  });

  it('an unknown command or file is a usage error', async () => {
    assert.equal((await cli(['frobnicate', 'x'], env, dir)).code, 2);
    const r = await cli(['render', 'nope.prompt'], env, dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no such file/);
  });
});
