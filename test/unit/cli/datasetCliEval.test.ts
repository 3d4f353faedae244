// `prompt-workbench eval` through the built dist/cli.js, the real AWS SDK and the local Bedrock
// server: per case × model results with check outcomes, a summary per model, exit 1 under
// --min-pass (for CI), 2 for a CSV that lacks a required column, records for the scoreboard,
// and a clean stderr (issue 19: no AWS SDK Node-version notice).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRunHistory } from '../../../src/core/runs/runHistory';
import { BedrockServer, startBedrockServer } from '../../support/bedrockServer';

const CLI = path.resolve(__dirname, '../../../..', 'dist', 'cli.js');
const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const DENIED = 'bedrock/anthropic.sim-denied-v1:0';
const PROMPT = `---
name: explain
version: 1
model: ${NOVA}
input:
  schema: {topic: string}
workbench.dataset: cases.jsonl
workbench.checks:
  - maxLength: {words: 400}
---
{{role "user"}}Explain {{topic}} briefly.
`;
const CASES = [
  { id: 'limits', topic: 'rate limits', checks: [{ contains: 'rate limits' }] },
  { id: 'rollback', topic: 'rollback plans', checks: [{ contains: 'rollback' }, { llmJudge: { rubric: 'Mentions "rollback"', model: 'bedrock/anthropic.sim-judge-v1:0' } }] },
  { id: 'never', topic: 'canary releases', checks: [{ contains: 'this text is not in the answer' }] },
];

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

describe('CLI eval (dist/cli.js, AWS SDK, local Bedrock server)', function () {
  this.timeout(60000);
  let server: BedrockServer;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    assert.ok(fs.existsSync(CLI), 'build first (node esbuild.js)');
    server = await startBedrockServer({ firstTokenDelayMs: 2, tokenDelayMs: 0 });
  });
  after(() => server.close());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cli-eval-'));
    fs.writeFileSync(path.join(dir, 'explain.prompt'), PROMPT);
    fs.writeFileSync(path.join(dir, 'cases.jsonl'), CASES.map((c) => JSON.stringify(c)).join('\n') + '\n{broken\n');
    fs.writeFileSync(path.join(dir, 'empty'), '');
    env = {
      AWS_CONFIG_FILE: path.join(dir, 'empty'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'empty'),
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-for-tests', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.url,
    };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--json: every case × model with its checks and a summary per model; exit 1 under --min-pass', async () => {
    const r = await cli(['eval', 'explain.prompt', '--models', `${NOVA},${DENIED}`, '--min-pass', '0.9', '--json', '--concurrency', '2'], env, dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cases\.jsonl:4: skipped: not valid JSON/);
    const doc = JSON.parse(r.stdout);
    assert.match(doc.datasetRunId, /^d_[0-9A-Z]{26}$/);
    assert.equal(doc.results.length, 6);
    const cell = (caseId: string, model: string) => doc.results.find((x: { caseId: string; model: string }) => x.caseId === caseId && x.model === model);
    const limits = cell('limits', NOVA);
    assert.equal(limits.status, 'done');
    assert.match(limits.output, /rate limits/);
    assert.deepEqual(limits.checks.map((c: { check: string; pass: boolean }) => [c.check, c.pass]), [['maxLength', true], ['contains', true]]);
    const rollback = cell('rollback', NOVA);
    assert.deepEqual(rollback.checks.map((c: { check: string; pass: boolean }) => [c.check, c.pass]), [['maxLength', true], ['contains', true], ['llmJudge', true]]);
    assert.match(rollback.checks[2].detail, /sim-judge.*pass \(1\)/);
    assert.equal(cell('never', NOVA).checks[1].pass, false);
    const denied = cell('limits', DENIED);
    assert.equal(denied.status, 'failed');
    assert.equal(denied.error.kind, 'access-denied');
    assert.ok(denied.checks.every((c: { pass: boolean }) => !c.pass));
    const [nova, deniedSummary] = doc.summary;
    assert.deepEqual([nova.model, nova.cases, nova.checked, nova.passed], [NOVA, 3, 3, 2]);
    assert.ok(Math.abs(nova.passRate - 2 / 3) < 1e-12);
    assert.equal(typeof nova.latencyMs.p50, 'number');
    assert.equal(typeof nova.costUsd, 'number');
    assert.deepEqual([deniedSummary.passRate, deniedSummary.failed], [0, 3]);
    assert.deepEqual([doc.minPass, doc.passed], [0.9, false]);
    assert.match(r.stderr, /amazon\.nova-lite-v1:0: pass rate 66\.7% is under --min-pass 90%/);
    // Recorded for the scoreboard: datasetCaseId, datasetRunId and checks on each run.
    const { records } = await readRunHistory(path.join(dir, '.prompt-workbench', 'runs'));
    assert.equal(records.filter((x) => x.datasetRunId === doc.datasetRunId).length, 6);
    assert.deepEqual(new Set(records.map((x) => x.datasetCaseId)), new Set(['limits', 'rollback', 'never']));
    const score = await cli(['scoreboard', '--json'], env, dir);
    const row = JSON.parse(score.stdout).rows.find((x: { model: string }) => x.model === NOVA);
    assert.ok(Math.abs(row.passRate - 2 / 3) < 1e-12, `scoreboard passRate ${row.passRate}`);
  });

  it('exit 0 when every model meets --min-pass; the human table names pass rate, p50 latency and cost', async () => {
    fs.writeFileSync(path.join(dir, 'cases.jsonl'), JSON.stringify(CASES[0]) + '\n');
    const r = await cli(['eval', 'explain.prompt', '--dataset', 'cases.jsonl', '--models', NOVA, '--min-pass', '1'], env, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✓ limits {2}bedrock\/amazon\.nova-lite-v1:0/);
    assert.match(r.stdout, /model\s+pass rate\s+p50 latency\s+cost/);
    assert.match(r.stdout, /100% \(1\/1\)/);
  });

  it('clean output: render and eval print nothing on stderr (no AWS SDK "upgrade to node >=22" notice)', async () => {
    fs.writeFileSync(path.join(dir, 'cases.jsonl'), JSON.stringify(CASES[0]) + '\n');
    const render = await cli(['render', 'explain.prompt', '--var', 'topic=rate limits', '--json'], env, dir);
    assert.equal(render.code, 0, render.stderr);
    assert.deepEqual([render.stderr, /rate limits/.test(render.stdout)], ['', true]);
    const calls = server.requests.length;
    const evaluation = await cli(['eval', 'explain.prompt', '--models', NOVA], env, dir);
    assert.equal(evaluation.code, 0, evaluation.stderr);
    assert.ok(server.requests.length > calls, 'the SDK client was built and called');
    assert.equal(evaluation.stderr, '');
    // The SDK's own switch for exactly that notice stays the user's: set to false, the notice is back (below Node 22).
    const noisy = await cli(['eval', 'explain.prompt', '--models', NOVA, '--no-cache'], { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' }, dir);
    if (Number(process.versions.node.split('.')[0]) < 22) assert.match(noisy.stderr, /NodeVersionSupportWarning[\s\S]*node >=22/);
    else assert.equal(noisy.stderr, '');
  });

  it('exit 2 for a CSV without a column the prompt requires, naming it', async () => {
    fs.writeFileSync(path.join(dir, 'cases.csv'), 'id,subject\n1,Rates\n');
    const before = server.requests.length;
    const r = await cli(['eval', 'explain.prompt', '--dataset', 'cases.csv', '--models', NOVA], env, dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing column topic, which the prompt's input schema requires/);
    assert.equal(server.requests.length, before, 'no model was called');
  });
});
