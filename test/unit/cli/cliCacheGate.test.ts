// `prompt-workbench eval` with the response cache, --rerun-failed and the CI gate (--baseline),
// through the built dist/cli.js, the real AWS SDK and the local Bedrock server.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRunHistory } from '../../../src/core/runs/runHistory';
import { BedrockServer, startBedrockServer } from '../../support/bedrockServer';
import { CLI_PATH, runCli } from '../../support/cliProcess';

const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const LLAMA = 'bedrock/meta.llama3-1-8b-instruct-v1:0';
const prompt = (body: string) => `---
name: explain
version: 1
model: ${NOVA}
input:
  schema: {topic: string}
workbench.dataset: cases.jsonl
---
{{role "user"}}${body}
`;
const CASES = [
  { id: 'limits', topic: 'rate limits', checks: [{ contains: 'rate limits' }] },
  { id: 'rollback', topic: 'rollback plans', checks: [{ contains: 'rollback' }] },
  { id: 'never', topic: 'canary releases', checks: [{ contains: 'this text is not in the answer' }] },
];

describe('CLI eval: response cache, --rerun-failed, --baseline (dist/cli.js, local Bedrock server)', function () {
  this.timeout(60000);
  let server: BedrockServer;
  let dir: string;
  let env: Record<string, string>;
  const calls = () => server.requests.filter((r) => r.path.includes('/converse')).length;
  const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: dir, env: { ...env, ...extra } });

  before(async () => {
    assert.ok(fs.existsSync(CLI_PATH), 'build first (node esbuild.js)');
    server = await startBedrockServer({ firstTokenDelayMs: 2, tokenDelayMs: 0 });
  });
  after(() => server.close());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cli-cache-'));
    fs.writeFileSync(path.join(dir, 'explain.prompt'), prompt('Explain {{topic}} briefly.'));
    fs.writeFileSync(path.join(dir, 'cases.jsonl'), CASES.map((c) => JSON.stringify(c)).join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'empty'), '');
    env = {
      AWS_CONFIG_FILE: path.join(dir, 'empty'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'empty'),
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-for-tests', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.url,
    };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a second eval of the same dataset makes no model call, says so, and records cached: true with the original run id', async () => {
    const first = await cli(['eval', 'explain.prompt', '--models', `${NOVA},${LLAMA}`, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const before = calls();
    const second = await cli(['eval', 'explain.prompt', '--models', `${NOVA},${LLAMA}`, '--json']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(calls(), before, 'no model call');
    const a = JSON.parse(first.stdout);
    const b = JSON.parse(second.stdout);
    assert.deepEqual(b.cache, { hits: 6, misses: 0 });
    for (const r of b.results) {
      assert.equal(r.cached, true);
      const original = a.results.find((x: { caseId: string; model: string }) => x.caseId === r.caseId && x.model === r.model);
      assert.equal(r.cachedFrom, original.runId);
      assert.equal(r.output, original.output);
    }
    assert.deepEqual(b.summary.map((s: { passed: number; cached: number }) => [s.passed, s.cached]), [[2, 3], [2, 3]]);
    const { records } = await readRunHistory(path.join(dir, '.prompt-workbench', 'runs'));
    const cached = records.filter((r) => r.datasetRunId === b.datasetRunId);
    assert.equal(cached.length, 6);
    assert.ok(cached.every((r) => r.cached === true && typeof r.cachedFrom === 'string'));
    assert.ok(fs.existsSync(path.join(dir, '.prompt-workbench', 'cache', '.gitignore')));

    const human = await cli(['eval', 'explain.prompt', '--models', NOVA]);
    assert.match(human.stdout, /response cache: 3 of 3 answers from the cache/);
    const fresh = await cli(['eval', 'explain.prompt', '--models', NOVA, '--no-cache', '--json']);
    assert.equal(calls(), before + 3, '--no-cache calls every model');
    assert.equal(JSON.parse(fresh.stdout).cache, undefined);
  });

  it('--rerun-failed runs only the failed pairs of the latest (or named) dataset run and merges them back into it', async () => {
    const first = await cli(['eval', 'explain.prompt', '--models', `${NOVA},${LLAMA}`, '--json']);
    const id = JSON.parse(first.stdout).datasetRunId;
    const before = calls();
    const rerun = await cli(['eval', 'explain.prompt', '--rerun-failed', '--json']);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal(calls(), before + 2, 'only case "never" on both models, fresh (not from the cache)');
    const doc = JSON.parse(rerun.stdout);
    assert.equal(doc.datasetRunId, id);
    assert.equal(doc.results.length, 6, 'the whole run, merged');
    assert.equal(doc.results.filter((r: { resumed?: boolean }) => r.resumed).length, 4);
    const named = await cli(['eval', 'explain.prompt', '--rerun-failed', id, '--json']);
    assert.equal(JSON.parse(named.stdout).datasetRunId, id);
    assert.equal(calls(), before + 4);
    const missing = await cli(['eval', 'explain.prompt', '--rerun-failed', 'd_NOSUCHRUN']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such dataset run/);
  });

  it('--baseline GIT_REV: an unchanged prompt costs no call and passes; a worse one fails with a report (file and step summary)', async () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
    git('init', '-q');
    git('add', 'explain.prompt', 'cases.jsonl');
    git('commit', '-qm', 'v1');
    const same = await cli(['eval', 'explain.prompt', '--models', NOVA, '--baseline', 'HEAD', '--report', 'gate.md']);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(calls() > 0, true);
    const afterFirst = calls();
    assert.match(fs.readFileSync(path.join(dir, 'gate.md'), 'utf8'), /No regression/);

    const again = await cli(['eval', 'explain.prompt', '--models', NOVA, '--baseline', 'HEAD']);
    assert.equal(again.code, 0);
    assert.equal(calls(), afterFirst, 'both sides from the cache');

    fs.writeFileSync(path.join(dir, 'explain.prompt'), prompt('Explain it briefly, in general terms.'));
    const summary = path.join(dir, 'summary.md');
    const worse = await cli(['eval', 'explain.prompt', '--models', NOVA, '--baseline', 'HEAD', '--report', 'gate.md', '--json'], { GITHUB_STEP_SUMMARY: summary });
    assert.equal(worse.code, 1, worse.stderr);
    const gate = JSON.parse(worse.stdout).gate;
    assert.equal(gate.regressed, true);
    assert.deepEqual(gate.changes.filter((c: { change: string }) => c.change === 'newly-failing').map((c: { caseId: string }) => c.caseId).sort(), ['limits', 'rollback']);
    assert.equal(gate.models[0].baseline.passed, 2);
    assert.equal(gate.models[0].current.passed, 0);
    assert.ok(gate.models[0].lo < gate.models[0].diff && gate.models[0].diff < 0);
    const report = fs.readFileSync(path.join(dir, 'gate.md'), 'utf8');
    assert.match(report, /Regression/);
    assert.match(report, /Newly failing \(2\)/);
    assert.equal(fs.readFileSync(summary, 'utf8'), report + '\n');
    assert.match(worse.stderr, /pass rate fell from 66\.7% to 0\.0%/);

    // A drop within --max-drop passes; --must-pass fails the gate on its own.
    const allowed = await cli(['eval', 'explain.prompt', '--models', NOVA, '--baseline', 'HEAD', '--max-drop', '0.7']);
    assert.equal(allowed.code, 0, allowed.stderr);
    const must = await cli(['eval', 'explain.prompt', '--models', NOVA, '--baseline', 'HEAD', '--max-drop', '1', '--must-pass', 'limits']);
    assert.equal(must.code, 1);
    assert.match(must.stderr, /must-pass case limits did not pass/);
  });

  it('--baseline a dataset run id or an eval --json file; bad input is refused before any call', async () => {
    const first = await cli(['eval', 'explain.prompt', '--models', NOVA, '--json']);
    fs.writeFileSync(path.join(dir, 'base.json'), first.stdout);
    const id = JSON.parse(first.stdout).datasetRunId;
    for (const ref of [id, 'base.json']) {
      const r = await cli(['eval', 'explain.prompt', '--models', NOVA, '--baseline', ref]);
      assert.equal(r.code, 0, `${ref}: ${r.stderr}`);
      assert.match(r.stderr, /No regression/);
    }
    const before = calls();
    for (const [args, message] of [
      [['--baseline', id, '--max-drop', '1.5'], /--max-drop 1\.5: give the largest allowed fall/],
      [['--baseline', id, '--max-drop=-0.1'], /--max-drop -0\.1/],
      [['--max-drop', '0.1'], /go with --baseline/],
      [['--baseline', id, '--must-pass', 'nosuch'], /no case nosuch/],
      [['--baseline', 'no-such-ref'], /--baseline no-such-ref: not found: no file .*no-such-ref; no git revision no-such-ref of explain\.prompt/],
    ] as [string[], RegExp][]) {
      const r = await cli(['eval', 'explain.prompt', '--models', NOVA, ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
    assert.equal(calls(), before, 'no call for refused input');
  });
});
