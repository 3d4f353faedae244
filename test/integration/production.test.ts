// Knowledge Base retrieval and production-log import inside a real extension host, against the simulator.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { startBedrockServer, type BedrockServer } from '../support/bedrockServer';
import { SIM_INVOCATION_LOG_FILE_ENV } from '../support/sim/invocationLogs';
import { SIM_KNOWLEDGE_BASE_ID } from '../support/sim/knowledgeBase';
import { useFakeAwsEnv, useSimulatorSettings } from './simulatorSetup';
import { poll } from './poll';
import { COMMAND } from '../../src/host/commandIds';

const MODEL = 'amazon.nova-lite-v1:0';

describe('Knowledge Bases and production traffic (extension host, simulator)', function () {
  this.timeout(60000);
  let server: BedrockServer;
  let restoreSettings: (() => Promise<void>) | undefined;
  let restoreEnv: (() => void) | undefined;
  let folder: vscode.WorkspaceFolder;
  let work: string;
  let logFile: string;

  before(async () => {
    folder = vscode.workspace.workspaceFolders![0];
    work = fs.mkdtempSync(path.join(folder.uri.fsPath, 'kb-prod-'));
    logFile = path.join(work, 'invocations.jsonl');
    restoreEnv = useFakeAwsEnv();
    process.env[SIM_INVOCATION_LOG_FILE_ENV] = logFile;
    server = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 5 });
    delete process.env[SIM_INVOCATION_LOG_FILE_ENV];
    restoreSettings = await useSimulatorSettings(folder, server.url);
  });

  after(async () => {
    await restoreSettings?.();
    await server?.close();
    restoreEnv?.();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const runRecords = () => {
    const dir = path.join(folder.uri.fsPath, '.prompt-workbench', 'runs');
    return fs.existsSync(dir) ? fs.readdirSync(dir).flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean)).map((l) => JSON.parse(l)) : [];
  };

  it('a prompt with workbench.rag.knowledgeBaseId retrieves through Retrieve and records the S3 sources', async () => {
    const file = path.join(work, 'kb-qa.prompt');
    fs.writeFileSync(file, `---\nname: kb-qa\nmodel: bedrock/${MODEL}\ninput:\n  schema: {question: string}\nworkbench.rag: {knowledgeBaseId: ${SIM_KNOWLEDGE_BASE_ID}, numberOfResults: 2, query: "{{question}}"}\n---\n{{role "user"}}{{#each context}}[{{location}}] {{text}}\n{{/each}}Question: {{question}}\n`);
    const outcome = await vscode.commands.executeCommand<{ runId: string; error?: unknown }>(COMMAND.runPrompt, vscode.Uri.file(file), { inputs: { question: 'How do I rotate the database credentials?' } });
    assert.ok(outcome && !outcome.error, `the run succeeded: ${JSON.stringify(outcome?.error)}`);
    const record = await poll('the run record', () => runRecords().find((r) => r.id === outcome.runId));
    assert.equal(record.retrieved.length, 2);
    assert.equal(record.retrieved[0].path, 's3://sim-kb-docs/runbooks/rotate-credentials.md');
    assert.ok(server.requests.some((r) => r.path === `/knowledgebases/${SIM_KNOWLEDGE_BASE_ID}/retrieve`), 'Retrieve was called');
    const converse = [...server.requests].reverse().find((r) => /\/converse(-stream)?$/.test(r.path));
    assert.ok(JSON.stringify(converse?.body).includes('[s3://sim-kb-docs/runbooks/rotate-credentials.md] To rotate the database credentials'));
  });

  it('Import Production Logs imports the calls the simulator logged, matched to the release, once', async () => {
    const releases = path.join(folder.uri.fsPath, '.prompt-workbench', 'releases.jsonl');
    fs.mkdirSync(path.dirname(releases), { recursive: true });
    fs.appendFileSync(releases, JSON.stringify({ schema: 'prompt-workbench.release/1', kind: 'release', id: 'rel_host', ts: '2026-01-01T00:00:00Z', by: 'alice', note: '', prompt: { name: 'host-reply', version: 1, contentHash: 'abcd1234', path: null }, model: `bedrock/${MODEL}`, config: {}, evidence: { runs: 0, ratings: 0, datasetRunIds: [] } }) + '\n');
    const { BedrockRuntimeClient, ConverseCommand } = await import('@aws-sdk/client-bedrock-runtime');
    const client = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: server.url });
    for (const text of ['Reply to ann@example.com about the refund', 'Second call']) await client.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text }] }] }));
    client.destroy();
    const summary = await vscode.commands.executeCommand<{ imported: number; duplicates: number }>(COMMAND.importProductionLogs, { folder: folder.uri.fsPath, file: logFile });
    assert.equal(summary?.imported, 2);
    const imported = runRecords().filter((r) => r.releaseId === 'rel_host');
    assert.equal(imported.length, 2);
    assert.ok(imported.every((r) => r.source === 'production' && !JSON.stringify(r).includes('ann@example.com')));
    const again = await vscode.commands.executeCommand<{ imported: number; duplicates: number }>(COMMAND.importProductionLogs, { folder: folder.uri.fsPath, file: logFile });
    assert.deepEqual([again?.imported, again?.duplicates], [0, 2]);
  });
});
