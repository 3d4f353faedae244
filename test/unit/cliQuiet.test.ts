// The CLI's stderr stays clean on a clean run: no AWS SDK "upgrade to node >=22" notice
// (issue 19 item 8), while the SDK's own opt-out stays the user's to turn back on.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BedrockServer, startBedrockServer } from '../support/bedrockServer';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const PROMPT = `---
name: explain
version: 1
model: ${NOVA}
input:
  schema: {topic: string}
---
{{role "user"}}Explain {{topic}} briefly.
`;
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

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

describe('CLI output is clean (no AWS SDK Node-version notice)', function () {
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
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cli-quiet-'));
    fs.writeFileSync(path.join(dir, 'explain.prompt'), PROMPT);
    fs.writeFileSync(path.join(dir, 'cases.jsonl'), `${JSON.stringify({ id: 'limits', topic: 'rate limits', checks: [{ contains: 'rate limits' }] })}\n`);
    fs.writeFileSync(path.join(dir, 'empty'), '');
    env = {
      AWS_CONFIG_FILE: path.join(dir, 'empty'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'empty'),
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-for-tests', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.url,
    };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('render --json and eval print nothing on stderr', async () => {
    const render = await cli(['render', 'explain.prompt', '--var', 'topic=rate limits', '--json'], env, dir);
    assert.equal(render.code, 0, render.stderr);
    assert.equal(render.stderr, '');
    assert.match(render.stdout, /rate limits/);
    const evaluation = await cli(['eval', 'explain.prompt', '--dataset', 'cases.jsonl', '--models', NOVA], env, dir);
    assert.equal(evaluation.code, 0, evaluation.stderr);
    assert.ok(server.requests.some((q) => q.path.includes('converse')), 'the SDK client was built and called');
    assert.equal(evaluation.stderr, '');
    assert.match(evaluation.stdout, /100% \(1\/1\)/);
  });

  it("keeps the user's own choice: with the SDK's opt-out set to false the notice is the SDK's again", async () => {
    const r = await cli(['eval', 'explain.prompt', '--dataset', 'cases.jsonl', '--models', NOVA], { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' }, dir);
    assert.equal(r.code, 0, r.stderr);
    // The SDK only emits it below Node 22; on a newer Node stderr is clean either way.
    if (NODE_MAJOR < 22) assert.match(r.stderr, /NodeVersionSupportWarning[\s\S]*node >=22/);
    else assert.equal(r.stderr, '');
  });
});
