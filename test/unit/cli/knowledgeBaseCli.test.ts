// `prompt-workbench retrieval-eval --knowledge-base ID` through the built dist/cli.js against the simulator's Retrieve.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRetrievalEvals } from '../../../src/core/rag/retrievalEvalRecords';
import { FAKE_AWS_CREDENTIALS } from '../../support/awsEnv';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';
import { SIM_KNOWLEDGE_BASE_ID, SIM_MISSING_KNOWLEDGE_BASE_ID } from '../../support/sim/knowledgeBase';

const ROOT = path.resolve(__dirname, '../../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

/** Runs the CLI without blocking this process, so the in-process simulator can answer it. */
function cli(args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...FAKE_AWS_CREDENTIALS, AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('CLI retrieval-eval --knowledge-base (dist/cli.js, simulator Retrieve)', function () {
  this.timeout(60000);
  let dir: string;
  let server: BedrockServer;
  before(async () => {
    assert.ok(fs.existsSync(CLI), 'build first (node esbuild.js)');
    server = await startBedrockServer({ tokenDelayMs: 0, firstTokenDelayMs: 0 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cli-kb-'));
    fs.writeFileSync(
      path.join(dir, 'questions.jsonl'),
      [
        '{"question":"how do I rotate the database credentials?","files":["runbooks/rotate-credentials.md"]}',
        '{"question":"when does the deployment freeze start?","files":["s3://sim-kb-docs/policies/deployment-freeze.md"]}',
        '{"question":"what is the weather on mars?","files":["nowhere.md"]}',
      ].join('\n'),
    );
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('scores hit@k and MRR against the knowledge base and records it beside the local index', async () => {
    const r = await cli(['retrieval-eval', 'questions.jsonl', '--knowledge-base', SIM_KNOWLEDGE_BASE_ID, '--k', '3', '--json', '--workspace', dir, '--endpoint-url', server.url], dir);
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.questions, 3);
    assert.deepEqual(result.results.map((q: { rank: number | null }) => q.rank), [1, 1, null]);
    assert.ok(Math.abs(result.mrr - 2 / 3) < 1e-9);
    const sent = server.requests.filter((q) => q.path === `/knowledgebases/${SIM_KNOWLEDGE_BASE_ID}/retrieve`);
    assert.equal(sent.length, 3);
    assert.deepEqual((sent[0].body as { retrievalConfiguration: unknown }).retrievalConfiguration, { vectorSearchConfiguration: { numberOfResults: 3, overrideSearchType: 'HYBRID' } });
    const { records } = await readRetrievalEvals(path.join(dir, '.prompt-workbench', 'retrieval-evals.jsonl'));
    assert.equal(records[0].embedder, `knowledge-base:${SIM_KNOWLEDGE_BASE_ID}`);
    assert.equal(records[0].hitAtK, 2 / 3);
  });

  it('a knowledge base that does not exist is a sentence on stderr and a non-zero exit', async () => {
    const r = await cli(['retrieval-eval', 'questions.jsonl', '--knowledge-base', SIM_MISSING_KNOWLEDGE_BASE_ID, '--workspace', dir, '--endpoint-url', server.url], dir);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /The knowledge base KBMISSING0 does not exist/);
  });
});
