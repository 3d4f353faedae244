// `prompt-workbench release …` through the built dist/cli.js against the Bedrock simulator (Prompt Management included).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';
import { runCli } from '../../support/cliProcess';

const PROMPT = `---
name: ticket-triage
version: 2
model: bedrock/amazon.nova-lite-v1:0
config: {temperature: 0}
input:
  schema: {ticket: string}
workbench.dataset: tickets.jsonl
---
{{role "system"}}Classify the support ticket.
{{role "user"}}{{ticket}}
`;

describe('release CLI: approve → publish → verify → list (dist/cli.js, simulator)', function () {
  this.timeout(60000);
  let server: BedrockServer;
  let ws: string;
  let env: Record<string, string>;
  before(async () => {
    server = await startBedrockServer({ tokenDelayMs: 0, firstTokenDelayMs: 0 });
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-release-cli-'));
    fs.mkdirSync(path.join(ws, '.prompt-workbench'));
    fs.writeFileSync(path.join(ws, 'triage.prompt'), PROMPT);
    fs.writeFileSync(path.join(ws, 'tickets.jsonl'), '{"id":"t1","ticket":"My invoice is wrong","checks":[{"type":"contains","value":"invoice"}]}\n{"id":"t2","ticket":"The app crashes on start"}\n');
    env = { AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.url, AWS_ENDPOINT_URL_BEDROCK_AGENT: server.url };
  });
  after(async () => {
    await server?.close();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('records a release with its evidence, publishes it (ARN recorded), verifies parity and lists it', async () => {
    const run = await runCli(['run', 'triage.prompt', '--var', 'ticket=hello', '--json'], { cwd: ws, env });
    assert.equal(run.status, 0, run.stderr);

    const noNote = await runCli(['release', 'approve', 'triage.prompt', '--model', 'amazon.nova-lite-v1:0'], { cwd: ws, env });
    assert.equal(noNote.status, 2);
    assert.match(noNote.stderr, /--note/);

    const approved = await runCli(['release', 'approve', 'triage.prompt', '--model', 'amazon.nova-lite-v1:0', '--note', 'cheapest that passes', '--json'], { cwd: ws, env });
    assert.equal(approved.status, 0, approved.stderr);
    const { release } = approved.json<{ release: { id: string; prompt: { version: number }; evidence: { runs: number } } }>();
    assert.equal(release.prompt.version, 2);
    assert.equal(release.evidence.runs, 1);

    const published = await runCli(['release', 'publish', release.id, '--json'], { cwd: ws, env });
    assert.equal(published.status, 0, published.stderr);
    const { published: where } = published.json<{ published: { promptArn: string; promptVersion: string } }>();
    assert.match(where.promptArn, /:prompt\/[A-Z0-9]+$/);

    const verified = await runCli(['release', 'verify', release.id, '--json'], { cwd: ws, env });
    assert.equal(verified.status, 0, verified.stderr + verified.stdout);
    const report = verified.json<{ parity: boolean; cases: { caseId: string; sameAnswer: boolean; filePassed: boolean | null }[] }>();
    assert.equal(report.parity, true);
    assert.deepEqual(report.cases.map((c) => [c.caseId, c.sameAnswer, c.filePassed]), [['t1', true, true], ['t2', true, null]]);

    const listed = await runCli(['release', 'list', '--json'], { cwd: ws, env });
    const { releases } = listed.json<{ releases: { id: string; state: string; published?: { promptVersion: string } }[] }>();
    assert.deepEqual(releases.map((r) => [r.id, r.state, r.published?.promptVersion]), [[release.id, 'published', where.promptVersion]]);
    const human = await runCli(['release', 'list'], { cwd: ws, env });
    assert.match(human.stdout, new RegExp(`${release.id}  ticket-triage v2  bedrock/amazon.nova-lite-v1:0  published  ${where.promptArn.replace(/[/.]/g, '\\$&')}:`));
  });
});
