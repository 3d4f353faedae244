// `prompt-workbench run` and `compare` as DESIGN.md specifies them, through the built
// dist/cli.js, the real AWS SDK and the local Bedrock server, configured the ways the AWS SDK
// is: environment variables, a named profile in ~/.aws/config, the CLI's own flags.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readComparisons } from '../../../src/core/runs/runHistory';
import { BedrockServer, startBedrockServer } from '../../support/bedrockServer';

const ROOT = path.resolve(__dirname, '../../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const PROMPT = `---
name: cli-compare
version: 2
model: bedrock/amazon.nova-lite-v1:0
config: {maxOutputTokens: 30}
input:
  schema: {topic: string}
---
{{role "user"}}Explain {{topic}} in one paragraph.
`;

interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string>, cwd: string, onSpawn?: (kill: (s: NodeJS.Signals) => void, stderrSoFar: () => string) => void): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH, HOME: cwd, AWS_EC2_METADATA_DISABLED: 'true', ...env } as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onSpawn?.((s) => child.kill(s), () => stderr);
  });
}

/** The Region a request was signed for (SigV4 credential scope). */
const signedRegion = (authorization: string | undefined) => /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(authorization ?? '')?.[1];

describe('CLI run/compare as DESIGN.md specifies (dist/cli.js, AWS SDK configuration)', function () {
  this.timeout(30000);
  let server: BedrockServer;
  let dir: string;
  let file: string;
  /** No credentials or config from the machine: only what each test gives. */
  let isolated: Record<string, string>;

  before(async () => {
    assert.ok(fs.existsSync(CLI), 'build first (node esbuild.js)');
    server = await startBedrockServer({ firstTokenDelayMs: 5, tokenDelayMs: 2 });
  });
  after(() => server.close());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cli-compare-'));
    file = path.join(dir, 'cli-compare.prompt');
    fs.writeFileSync(file, PROMPT);
    fs.writeFileSync(path.join(dir, 'empty'), '');
    isolated = { AWS_CONFIG_FILE: path.join(dir, 'empty'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'empty') };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const envKeys = () => ({ ...isolated, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-for-tests', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.url });

  it('compare --json prints exactly {comparisonId, runs:[{model, output, metrics{5}, error?{kind, message}}]} and records each run', async () => {
    const models = ['bedrock/amazon.nova-lite-v1:0', 'anthropic.sim-denied-v1:0'];
    const r = await cli(['compare', file, '--var', 'topic=rate limits', '--models', models.join(','), '--json', '--workspace', dir], envKeys(), dir);
    assert.equal(r.code, 3, `one of two failed: exit 3 (${r.stderr})`);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(doc).sort(), ['comparisonId', 'runs']);
    assert.match(doc.comparisonId, /^c_[0-9A-Z]{26}$/);
    const [good, denied] = doc.runs;
    assert.equal(good.model, 'bedrock/amazon.nova-lite-v1:0');
    assert.equal(typeof good.output, 'string');
    assert.ok(good.output.length > 0);
    assert.deepEqual(Object.keys(good.metrics).sort(), ['costUsd', 'inputTokens', 'latencyMs', 'outputTokens', 'ttftMs']);
    assert.ok(good.metrics.latencyMs >= good.metrics.ttftMs);
    assert.equal('error' in good, false, 'no error key on a good run');
    assert.equal(denied.model, 'bedrock/anthropic.sim-denied-v1:0', 'a bare id means Bedrock');
    assert.deepEqual(Object.keys(denied.error).sort(), ['kind', 'message']);
    assert.equal(denied.error.kind, 'access-denied');
    const { comparisons } = await readComparisons(path.join(dir, '.prompt-workbench', 'runs'));
    assert.equal(comparisons.length, 1);
    assert.equal(comparisons[0].comparisonId, doc.comparisonId);
    assert.deepEqual(comparisons[0].columns.map((c) => [c.model, c.comparisonColumn, c.id]), doc.runs.map((x: { model: string; runId: string }, i: number) => [x.model, i, x.runId]));
  });

  it('run --json has comparisonId null and one run; --model overrides the prompt', async () => {
    const r = await cli(['run', file, '--var', 'topic=retries', '--model', 'meta.llama3-1-8b-instruct-v1:0', '--json', '--no-record'], envKeys(), dir);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.comparisonId, null);
    assert.equal(doc.runs.length, 1);
    assert.equal(doc.runs[0].model, 'bedrock/meta.llama3-1-8b-instruct-v1:0');
  });

  it('a named profile from the AWS config file gives the Region and the endpoint (AWS_PROFILE or --profile)', async () => {
    const config = path.join(dir, 'aws-config');
    const credentials = path.join(dir, 'aws-credentials');
    fs.writeFileSync(config, `[profile sim]\nregion = eu-west-3\nendpoint_url = ${server.url}\n`);
    fs.writeFileSync(credentials, '[sim]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n');
    const base = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
    for (const [how, env, extra] of [
      ['AWS_PROFILE', { ...base, AWS_PROFILE: 'sim' }, []],
      ['--profile', base, ['--profile', 'sim']],
    ] as const) {
      const before = server.requests.length;
      const r = await cli(['compare', file, '--var', 'topic=regions', '--models', 'amazon.nova-lite-v1:0,amazon.nova-micro-v1:0', '--json', '--no-record', ...extra], env, dir);
      assert.equal(r.code, 0, `${how}: ${r.stderr}`);
      const sent = server.requests.slice(before).filter((q) => q.path.endsWith('/converse-stream'));
      assert.equal(sent.length, 2, `${how}: both models reached the profile's endpoint`);
      for (const q of sent) {
        assert.equal(signedRegion(q.headers.authorization), 'eu-west-3', `${how}: signed for the profile's Region`);
        assert.match(q.headers.authorization, /Credential=AKIDPROFILE\//, `${how}: the profile's credentials`);
      }
    }
  });

  it('AWS_ENDPOINT_URL (all services) and --region/--endpoint-url work as the SDK documents', async () => {
    const { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: _drop, AWS_REGION: _region, ...rest } = envKeys();
    let before = server.requests.length;
    let r = await cli(['run', file, '--var', 'topic=x', '--json', '--no-record'], { ...rest, AWS_REGION: 'ap-south-1', AWS_ENDPOINT_URL: server.url }, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(signedRegion(server.requests.slice(before).find((q) => q.path.endsWith('/converse-stream'))?.headers.authorization), 'ap-south-1');
    before = server.requests.length;
    r = await cli(['run', file, '--var', 'topic=x', '--json', '--no-record', '--region', 'us-west-2', '--endpoint-url', server.url], rest, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(signedRegion(server.requests.slice(before).find((q) => q.path.endsWith('/converse-stream'))?.headers.authorization), 'us-west-2');
  });

  it('compare needs --models (exit 2, nothing sent)', async () => {
    const before = server.requests.length;
    const r = await cli(['compare', file, '--var', 'topic=x', '--json'], envKeys(), dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--models/);
    assert.equal(r.stdout, '');
    assert.equal(server.requests.length, before);
  });

  it('compare without --json prints each answer under its model on stdout, metrics on stderr', async () => {
    const r = await cli(['compare', file, '--var', 'topic=x', '--models', 'amazon.nova-lite-v1:0,amazon.nova-micro-v1:0', '--no-record'], envKeys(), dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /=== bedrock\/amazon\.nova-lite-v1:0 ===/);
    assert.match(r.stdout, /=== bedrock\/amazon\.nova-micro-v1:0 ===/);
    assert.equal((r.stderr.match(/ttft \d+ ms/g) ?? []).length, 2);
  });

  it('Ctrl+C stops every model of a comparison: the partial answers are printed and recorded as cancelled', async () => {
    // Ctrl+C only once the CLI itself says both columns have text (PROMPT_WORKBENCH_TRACE), not when the server has sent some.
    const r = await cli(
      ['compare', file, '--var', 'topic=x', '--models', 'anthropic.sim-slow-v1:0,meta.sim-slow-v1:0', '--json', '--workspace', dir],
      { ...envKeys(), PROMPT_WORKBENCH_TRACE: '1' },
      dir,
      (kill, stderrSoFar) => {
        const poll = setInterval(() => {
          if ((stderrSoFar().match(/^trace: column \d .*: first token after \d+ ms$/gm) ?? []).length === 2) {
            clearInterval(poll);
            kill('SIGINT');
          }
        }, 20);
      },
    );
    assert.equal(r.code, 1, `all cancelled: exit 1 (${r.stderr})`);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.runs.map((x: { error?: { kind: string } }) => x.error?.kind), ['cancelled', 'cancelled']);
    assert.ok(doc.runs.every((x: { output: string; partial?: boolean }) => x.output.length > 0 && x.partial === true), 'partial answers kept');
    const { comparisons } = await readComparisons(path.join(dir, '.prompt-workbench', 'runs'));
    assert.deepEqual(comparisons[0].columns.map((c) => c.error?.kind), ['cancelled', 'cancelled']);
  });
});
