// `prompt-workbench import-logs` (file, S3 prefix, log group) and `import-feedback` through dist/cli.js,
// with traffic an application sent to the simulator through the real Bedrock runtime SDK.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { RELEASE_SCHEMA } from '../../../src/core/releases/releaseRecord';
import type { RunRecord } from '../../../src/core/runs/runRecord';
import { readJsonl } from '../../../src/core/workspace/jsonl';
import { FAKE_AWS_CREDENTIALS } from '../../support/awsEnv';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';
import { startS3Server, type S3Server } from '../../support/s3Server';
import { SIM_INVOCATION_LOG_FILE_ENV, SIM_LOG_GROUP } from '../../support/sim/invocationLogs';

const ROOT = path.resolve(__dirname, '../../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const MODEL = 'amazon.nova-lite-v1:0';

function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...FAKE_AWS_CREDENTIALS, AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('CLI import-logs / import-feedback (dist/cli.js, simulator invocation logs, s3rver)', function () {
  this.timeout(60000);
  let dir: string;
  let server: BedrockServer;
  let s3: S3Server;
  let logFile: string;
  const requestIds: string[] = [];
  before(async () => {
    assert.ok(fs.existsSync(CLI), 'build first (node esbuild.js)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cli-prod-'));
    logFile = path.join(dir, 'invocations.jsonl');
    process.env[SIM_INVOCATION_LOG_FILE_ENV] = logFile;
    server = await startBedrockServer({ tokenDelayMs: 0, firstTokenDelayMs: 0 });
    delete process.env[SIM_INVOCATION_LOG_FILE_ENV];
    s3 = await startS3Server({ buckets: ['app-logs'], accessKeyIds: [FAKE_AWS_CREDENTIALS.AWS_ACCESS_KEY_ID] });
    fs.mkdirSync(path.join(dir, '.prompt-workbench'));
    fs.writeFileSync(
      path.join(dir, '.prompt-workbench', 'releases.jsonl'),
      JSON.stringify({ schema: RELEASE_SCHEMA, kind: 'release', id: 'rel_a', ts: '2026-01-01T00:00:00Z', by: 'alice', note: 'ship it', prompt: { name: 'support-reply', version: 2, contentHash: 'c0ffee12', path: 'prompts/support-reply.prompt' }, model: `bedrock/${MODEL}`, config: {}, evidence: { runs: 3, ratings: 3, datasetRunIds: [] } }) + '\n',
    );
    // The application's traffic: three calls on the released model, one on a model no release uses.
    const runtime = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: server.url, credentials: { accessKeyId: FAKE_AWS_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: FAKE_AWS_CREDENTIALS.AWS_SECRET_ACCESS_KEY } });
    for (const [model, text] of [[MODEL, 'My email is jane.doe@example.com, please reset my password'], [MODEL, 'Where is my order?'], [MODEL, 'Cancel my plan'], ['meta.llama3-1-8b-instruct-v1:0', 'hello']]) {
      const answer = await runtime.send(new ConverseCommand({ modelId: model, messages: [{ role: 'user', content: [{ text }] }] }));
      requestIds.push(answer.$metadata.requestId!);
    }
    runtime.destroy();
  });
  after(async () => {
    await server.close();
    await s3.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const runs = async () => (await readJsonl<RunRecord>(path.join(dir, '.prompt-workbench', 'runs', `${new Date().toISOString().slice(0, 7)}.jsonl`))).records;

  it('the simulator logged each call it served in the documented shape, keyed by the request id the app saw', () => {
    const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 4);
    assert.deepEqual(lines.map((l) => l.requestId), requestIds);
    assert.equal(lines[0].schemaType, 'ModelInvocationLog');
    assert.equal(lines[0].input.inputBodyJson.messages[0].content[0].text, 'My email is jane.doe@example.com, please reset my password');
  });

  it('import-logs FILE imports the matched calls masked, says what matched nothing, and is idempotent', async () => {
    const r = await cli(['import-logs', logFile, '--json', '--workspace', dir], dir);
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.deepEqual([summary.records, summary.imported, summary.unmatched], [4, 3, 1]);
    assert.match(summary.unmatchedReasons[0].reason, /no release on meta\.llama3/);
    const records = await runs();
    assert.equal(records.length, 3);
    assert.ok(records.every((x) => x.source === 'production' && x.releaseId === 'rel_a' && x.prompt.name === 'support-reply'));
    assert.deepEqual(records.map((x) => x.requestId), requestIds.slice(0, 3));
    const again = await cli(['import-logs', '--file', logFile, '--workspace', dir], dir);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /Imported 0 production calls from 4 log records \(3 already imported, 1 matching no release\)/);
    assert.equal((await runs()).length, 3);
  });

  it('import-logs --s3 reads every object under the prefix (gzip too) and --log-group pages through FilterLogEvents', async () => {
    const client = new S3Client({ region: 'us-east-1', endpoint: s3.url, forcePathStyle: true, credentials: { accessKeyId: FAKE_AWS_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: FAKE_AWS_CREDENTIALS.AWS_SECRET_ACCESS_KEY } });
    const text = fs.readFileSync(logFile, 'utf8');
    await client.send(new PutObjectCommand({ Bucket: 'app-logs', Key: 'AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/a.json.gz', Body: (await import('node:zlib')).gzipSync(text) }));
    await client.send(new PutObjectCommand({ Bucket: 'app-logs', Key: 'AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/b.json', Body: '{"torn\n' }));
    client.destroy();
    fs.rmSync(path.join(dir, '.prompt-workbench', 'runs'), { recursive: true, force: true });
    const fromS3 = await cli(['import-logs', '--s3', 's3://app-logs/AWSLogs/', '--json', '--workspace', dir], dir, { AWS_ENDPOINT_URL_S3: s3.url });
    assert.equal(fromS3.status, 0, fromS3.stderr);
    assert.deepEqual([JSON.parse(fromS3.stdout).imported, JSON.parse(fromS3.stdout).problems.length], [3, 1]);
    assert.match(fromS3.stderr, /b\.json:1: not a whole JSON record/);
    fs.rmSync(path.join(dir, '.prompt-workbench', 'runs'), { recursive: true, force: true });
    const fromLogs = await cli(['import-logs', '--log-group', SIM_LOG_GROUP, '--since', '2026-01-01T00:00:00Z', '--json', '--workspace', dir], dir, { AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: server.url });
    assert.equal(fromLogs.status, 0, fromLogs.stderr);
    assert.equal(JSON.parse(fromLogs.stdout).imported, 3);
    assert.ok(server.requests.filter((q) => q.headers['x-amz-target'] === 'Logs_20140328.FilterLogEvents').length >= 2, 'paged');
    const missing = await cli(['import-logs', '--log-group', '/nope', '--workspace', dir], dir, { AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: server.url });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /the log group does not exist/);
  });

  it('import-feedback records thumbs for imported calls through the rating service, once', async () => {
    const feedback = path.join(dir, 'feedback.jsonl');
    fs.writeFileSync(feedback, [JSON.stringify({ requestId: requestIds[0], thumbs: 'up' }), JSON.stringify({ requestId: requestIds[1], thumbs: 'down' })].join('\n') + '\n');
    const r = await cli(['import-feedback', feedback, '--json', '--workspace', dir], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).rated, 2);
    const again = await cli(['import-feedback', feedback, '--json', '--workspace', dir], dir);
    assert.equal(JSON.parse(again.stdout).unchanged, 2);
    const ratings = fs.readFileSync(path.join(dir, '.prompt-workbench', 'ratings.jsonl'), 'utf8').trim().split('\n');
    assert.equal(ratings.length, 2);
  });

  it('scoreboard --source production shows each release\'s production figures beside evaluation', async () => {
    const r = await cli(['scoreboard', '--source', 'production', '--json', '--workspace', dir], dir);
    assert.equal(r.status, 0, r.stderr);
    const [release] = JSON.parse(r.stdout).releases;
    assert.equal(release.releaseId, 'rel_a');
    assert.equal(release.production.n, 3);
    assert.ok(release.production.latencyMs.p50 > 0);
    assert.deepEqual([release.production.thumbsUp.rate, release.production.thumbsUp.n], [0.5, 2]);
    assert.equal(release.periods.length, 1);
    const table = await cli(['scoreboard', '--source', 'all', '--workspace', dir], dir);
    assert.match(table.stdout, /support-reply v2 bedrock\/amazon\.nova-lite-v1:0 \(approved\)\s+evaluation/);
    assert.match(table.stdout, /production\s+3\s/);
    assert.equal((await cli(['scoreboard', '--source', 'nope', '--workspace', dir], dir)).status, 2);
  });
});
