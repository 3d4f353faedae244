// Releases inside a real VS Code: Approve for Production appends a release line with its evidence,
// the Releases view lists it, Publish to Bedrock Prompt Management (against the simulator) records
// the prompt ARN and version, Verify reports parity, Import from Bedrock writes a new .prompt file,
// and editing the released version in place warns like an unbumped edit.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { COMMAND } from '../../src/host/commandIds';
import { startBedrockServer, type BedrockServer } from '../support/bedrockServer';
import { poll } from './poll';
import { useFakeAwsEnv, useSimulatorSettings } from './simulatorSetup';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';
const NAME = 'releases-it';
const MODEL = 'bedrock/amazon.nova-lite-v1:0';
const PROMPT = `---
name: ${NAME}
version: 3
model: ${MODEL}
config: {temperature: 0.1, maxOutputTokens: 200}
input:
  schema: {question: string}
workbench.dataset: releases-it.jsonl
---
{{role "system"}}You answer in one line.
{{role "user"}}{{question}}
`;

describe('Releases', function () {
  this.timeout(90000);
  let server: BedrockServer;
  let folder: vscode.WorkspaceFolder;
  let uri: vscode.Uri;
  let releasesFile: string;
  let restoreSettings: (() => Promise<void>) | undefined;
  let restoreEnv: (() => void) | undefined;
  let releaseId: string;

  before(async () => {
    restoreEnv = useFakeAwsEnv();
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f, 'the suite needs a workspace folder');
    folder = f;
    uri = vscode.Uri.joinPath(folder.uri, 'prompts', `${NAME}.prompt`);
    fs.writeFileSync(uri.fsPath, PROMPT);
    fs.writeFileSync(path.join(folder.uri.fsPath, 'prompts', 'releases-it.jsonl'), '{"id":"q1","question":"What is a release?"}\n');
    releasesFile = path.join(folder.uri.fsPath, '.prompt-workbench', 'releases.jsonl');
    fs.rmSync(releasesFile, { force: true });
    server = await startBedrockServer({ tokenDelayMs: 0, firstTokenDelayMs: 1 });
    restoreSettings = await useSimulatorSettings(folder, server.url, [['aws.endpointUrls', { 'bedrock-agent': server.url }]]);
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    await restoreSettings?.();
    await server?.close();
    restoreEnv?.();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Approve for Production appends a release with the version hash, config and evidence of the scoreboard row', async () => {
    const run = await vscode.commands.executeCommand<{ runs?: unknown[] } | undefined>(COMMAND.runPrompt, uri, { inputs: { question: 'hi' } });
    assert.ok(run, 'the run finished');
    await poll('the run record', () => fs.existsSync(path.join(folder.uri.fsPath, '.prompt-workbench', 'runs')), 10000, 100);
    const line = await vscode.commands.executeCommand<{ id: string; prompt: { version: number; contentHash: string }; config: object; evidence: { runs: number } } | undefined>(COMMAND.approveRelease, {
      prompt: NAME,
      version: 3,
      model: MODEL,
      note: 'one line answers, cheapest model',
    });
    assert.ok(line, 'approveRelease resolved with the release line');
    releaseId = line.id;
    assert.strictEqual(line.prompt.version, 3);
    assert.deepStrictEqual(line.config, { temperature: 0.1, maxOutputTokens: 200 });
    assert.ok(line.evidence.runs >= 1);
    const written = fs.readFileSync(releasesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.strictEqual(written.length, 1);
    assert.strictEqual(written[0].kind, 'release');
    assert.strictEqual(written[0].note, 'one line answers, cheapest model');
    assert.ok(fs.existsSync(path.join(folder.uri.fsPath, '.prompt-workbench', 'versions', NAME, 'v3.prompt')), 'the approved text is kept');
  });

  it('Publish records the prompt ARN and version from Bedrock Prompt Management; Verify reports parity', async () => {
    const published = await vscode.commands.executeCommand<{ promptArn: string; promptVersion: string } | undefined>(COMMAND.publishRelease, { releaseId });
    assert.ok(published, 'publishRelease resolved');
    assert.match(published.promptArn, /^arn:aws:bedrock:us-east-1:\d+:prompt\/[A-Z0-9]+$/);
    const lines = fs.readFileSync(releasesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepStrictEqual(lines[1].published, published);
    assert.strictEqual(lines[1].state, 'published');
    assert.ok(server.requests.some((r) => r.method === 'POST' && r.path.endsWith('/versions')), 'CreatePromptVersion reached the simulator');

    const report = await vscode.commands.executeCommand<{ parity: boolean; cases: unknown[] } | undefined>(COMMAND.verifyRelease, { releaseId }, { show: false });
    assert.ok(report, 'verifyRelease resolved');
    assert.strictEqual(report.parity, true, JSON.stringify(report));
    assert.strictEqual(report.cases.length, 1);
  });

  it('Import from Bedrock creates a new .prompt file from the published version', async () => {
    const lines = fs.readFileSync(releasesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const target = path.join(folder.uri.fsPath, 'prompts', 'imported-it.prompt');
    fs.rmSync(target, { force: true });
    const created = await vscode.commands.executeCommand<vscode.Uri | undefined>(COMMAND.importFromBedrock, { identifier: lines[1].published.promptArn, version: lines[1].published.promptVersion, target });
    assert.ok(created, 'importFromBedrock resolved');
    const text = fs.readFileSync(target, 'utf8');
    assert.match(text, /model: bedrock\/amazon\.nova-lite-v1:0/);
    assert.match(text, /\{\{role "system"\}\}You answer in one line\.\n\{\{role "user"\}\}\{\{question\}\}/);
    fs.rmSync(target, { force: true });
  });

  it('Open Lineage shows the version with its runs and the published release', async () => {
    const lineage = await vscode.commands.executeCommand<{ chain: { version: number }[]; runs: { total: number }; releases: { id: string; state: string; publishedAs: string | null }[] } | undefined>(
      COMMAND.openLineage,
      { prompt: NAME, version: 3 },
    );
    assert.ok(lineage, 'openLineage resolved with the snapshot');
    assert.strictEqual(lineage.chain[0].version, 3);
    assert.ok(lineage.runs.total >= 2, 'the run and the verify run of the file');
    assert.strictEqual(lineage.releases[0].id, releaseId);
    assert.strictEqual(lineage.releases[0].state, 'published');
    assert.match(lineage.releases[0].publishedAs ?? '', /:prompt\/[A-Z0-9]+:\d+$/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('editing the released version in place warns at its version line', async () => {
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await editor.edit((e) => e.insert(new vscode.Position(10, 0), 'Be precise. '));
    const diagnostic = await poll(
      'the edited-after-release warning',
      () => vscode.languages.getDiagnostics(uri).find((d) => d.code === 'version-edited-after-release'),
      15000,
      100,
    );
    assert.match(diagnostic.message, new RegExp(`release ${releaseId}`));
    assert.strictEqual(diagnostic.range.start.line, 2);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
