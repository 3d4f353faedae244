// `prompt-workbench improve` through the built dist/cli.js, the real AWS SDK and the local
// Bedrock simulator (OptimizePrompt event stream, the sim-improver model): on the shipped sample
// prompt and dataset the scripted rewrite wins, nothing is written without --save, and --save 1
// writes version 2 with its changelog and parent, whose trial runs count in the scoreboard.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePromptSource } from '../../../src/core/prompt/parsePrompt';
import { BedrockServer, startBedrockServer } from '../../support/bedrockServer';

const ROOT = path.resolve(__dirname, '../../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const LLAMA = 'bedrock/meta.llama3-1-8b-instruct-v1:0';
const IMPROVER = 'bedrock/anthropic.sim-improver-v1:0';

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

describe('CLI improve (dist/cli.js, AWS SDK, simulator)', function () {
  this.timeout(120000);
  let server: BedrockServer;
  let dir: string;
  let env: Record<string, string>;
  const promptFile = () => path.join(dir, 'prompts', 'support-reply.prompt');
  before(async () => {
    assert.ok(fs.existsSync(CLI), 'build first (node esbuild.js)');
    server = await startBedrockServer({ firstTokenDelayMs: 2, tokenDelayMs: 0 });
  });
  after(() => server.close());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cli-improve-'));
    fs.mkdirSync(path.join(dir, 'prompts'));
    fs.mkdirSync(path.join(dir, 'datasets'));
    fs.copyFileSync(path.join(ROOT, 'prompts', 'support-reply.prompt'), promptFile());
    fs.copyFileSync(path.join(ROOT, 'samples', 'datasets', 'support-messages.jsonl'), path.join(dir, 'datasets', 'support-messages.jsonl'));
    fs.writeFileSync(path.join(dir, 'empty'), '');
    env = {
      AWS_CONFIG_FILE: path.join(dir, 'empty'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'empty'),
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-for-tests', AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.url, AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME: server.url,
    };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--source failures --json: the improver\'s rewrites, one rejected with why, the winner ranked first; nothing written', async () => {
    const before = fs.readFileSync(promptFile(), 'utf8');
    const r = await cli(['improve', 'prompts/support-reply.prompt', '--judge-model', IMPROVER, '--json'], env, dir);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.rejected.map((c: { index: number; rejected: string[] }) => [c.index, c.rejected]), [[2, ['it drops the input variable {{message}}']]]);
    assert.equal(doc.candidates.length, 2);
    const [best, other] = doc.candidates;
    assert.equal(best.index, 1);
    assert.equal(best.verdict, 'better');
    assert.equal(best.figures.passRate.rate, 1);
    assert.equal(doc.baseline.passRate.rate, 0);
    assert.equal(best.newlyPassing.length, 24);
    assert.equal(other.verdict, 'no-better');
    assert.match(best.text, /\{\{role "system"\}\}Always state the next step\. Reply/);
    assert.equal(fs.readFileSync(promptFile(), 'utf8'), before, 'nothing is written without --save');
  });

  it('--source bedrock --save 1 on two models: analysis streamed, version 2 written with changelog and parent, its runs in the scoreboard', async () => {
    const r = await cli(['improve', 'prompts/support-reply.prompt', '--source', 'bedrock', '--models', `${NOVA},${LLAMA}`, '--save', '1'], env, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /analysis: The prompt says what to answer but not how to end the reply\./);
    assert.match(r.stdout, /Better than the current version/);
    assert.match(r.stdout, /Saved prompts\/support-reply\.prompt as version 2; 48 trial runs count for it\./);
    const saved = parsePromptSource(fs.readFileSync(promptFile(), 'utf8'));
    assert.equal(saved.version, 2);
    assert.equal(saved.workbench.parent, 1);
    assert.match(String(saved.workbench.changelog), /^Improve Prompt: Bedrock's prompt optimizer: /);
    assert.ok(fs.existsSync(path.join(dir, '.prompt-workbench', 'versions', 'support-reply', 'v1.prompt')));
    const board = await cli(['scoreboard', '--json'], env, dir);
    const rows = JSON.parse(board.stdout).rows as Array<{ version: number; model: string; passRate: number }>;
    assert.deepEqual(rows.filter((x) => x.version === 2).map((x) => x.passRate), [1, 1]);
    assert.deepEqual(rows.filter((x) => x.version === 1).map((x) => x.passRate), [0, 0]);
  });

  it('optimizer errors are sentences with the fix; a prompt without a dataset is told how to make one', async () => {
    const denied = await cli(['improve', 'prompts/support-reply.prompt', '--source', 'bedrock', '--models', 'bedrock/anthropic.sim-denied-v1:0', '--no-record'], env, dir);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /You have no access to Bedrock's prompt optimizer .*Allow bedrock:OptimizePrompt/);
    fs.writeFileSync(promptFile(), fs.readFileSync(promptFile(), 'utf8').replace(/^workbench\.dataset: .*\n/m, ''));
    const none = await cli(['improve', 'prompts/support-reply.prompt'], env, dir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /has no dataset.*Add to Dataset/);
  });
});
