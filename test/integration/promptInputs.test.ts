// Inputs and the preview inside a real VS Code: a run with a required input missing names it
// in the run panel's form and sends nothing; a saved sample set (with an @file value) feeds a
// run; Preview Rendered Prompt shows the exact messages and follows the file as it changes.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { poll } from './poll';
import { COMMAND } from '../../src/host/commandIds';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';
const NAME = 'inputs-it';

const PROMPT = `---
name: ${NAME}
version: 1
model: echo/echo
config: {temperature: 0.3, maxOutputTokens: 200}
input:
  schema: {email: string, audience?: string}
  default: {audience: engineer}
---
{{role "system"}}You summarize email threads for a busy {{audience}}.
{{role "user"}}{{email}}
`;

interface RunResult {
  runId?: string;
  output: string;
  model: string;
  error?: { kind: string; message: string; missing?: string[] };
}

interface PreviewState {
  promptName: string;
  promptVersion: number | null;
  model: string | null;
  config: Record<string, unknown>;
  messages: { role: string; parts: { kind: string; text: string }[] }[];
  missingInputs: string[];
  selectedSet: string | null;
  error: string | null;
}


function runRecordCount(folder: string): number {
  const dir = path.join(folder, '.prompt-workbench', 'runs');
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir).reduce((n, f) => n + fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l.includes(`"name":"${NAME}"`)).length, 0);
}

const textOf = (state: PreviewState, role: string) => state.messages.filter((m) => m.role === role).flatMap((m) => m.parts.map((p) => p.text)).join('');

describe('Prompt inputs and preview', function () {
  this.timeout(60000);
  let folder: vscode.WorkspaceFolder;
  let uri: vscode.Uri;
  let samples: string;

  before(async () => {
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f, 'the suite needs a workspace folder');
    folder = f;
    uri = vscode.Uri.joinPath(folder.uri, 'prompts', `${NAME}.prompt`);
    samples = path.join(folder.uri.fsPath, '.prompt-workbench', 'samples', `${NAME}.json`);
    fs.writeFileSync(uri.fsPath, PROMPT);
    fs.rmSync(samples, { force: true });
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(uri.fsPath, { force: true });
    fs.rmSync(samples, { force: true });
    fs.rmSync(path.join(folder.uri.fsPath, '.prompt-workbench', 'versions', NAME), { recursive: true, force: true });
  });

  it('a required input without a value is named in the run panel and nothing is sent', async () => {
    const before = runRecordCount(folder.uri.fsPath);
    const result = await vscode.commands.executeCommand<RunResult>(COMMAND.runPrompt, uri);
    assert.ok(result?.error, `the run was stopped: ${JSON.stringify(result)}`);
    assert.strictEqual(result.error.kind, 'missing-inputs');
    assert.deepStrictEqual(result.error.missing, ['email']);
    assert.match(result.error.message, /“email”.*nothing was sent/);
    assert.strictEqual(runRecordCount(folder.uri.fsPath), before, 'no run was recorded');
    await poll(`a "Run: ${NAME}" panel showing the form`, () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label === `Run: ${NAME}`)));
  });

  it('a saved sample set feeds the run, @path values read from the workspace', async () => {
    fs.mkdirSync(path.dirname(samples), { recursive: true });
    fs.writeFileSync(samples, JSON.stringify({ schema: 'prompt-workbench.samples/1', sets: { launch: { email: '@emails/launch-thread.txt', audience: 'manager' } } }));
    const result = await vscode.commands.executeCommand<RunResult>(COMMAND.runPrompt, uri, { sampleSet: 'launch' });
    assert.ok(result && !result.error, JSON.stringify(result?.error));
    const thread = fs.readFileSync(path.join(folder.uri.fsPath, 'emails', 'launch-thread.txt'), 'utf8');
    // echo/echo answers with the rendered messages.
    assert.ok(result.output.includes(thread.trim().split('\n')[0]), `the thread's first line was sent: ${result.output.slice(0, 300)}`);
    assert.ok(result.output.includes('busy manager'), 'the set overrides input.default');
    const given = await vscode.commands.executeCommand<RunResult>(COMMAND.runPrompt, uri, { inputs: { audience: 'director' } });
    assert.ok(given && !given.error, JSON.stringify(given?.error));
    assert.ok(given.output.includes('busy director'), 'values passed to the command win over the set');
  });

  it('Preview Rendered Prompt shows messages, model and config, and follows edits of the file', async () => {
    await vscode.commands.executeCommand(COMMAND.runPrompt, uri, { sampleSet: '' });
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const first = await vscode.commands.executeCommand<PreviewState>(COMMAND.previewPrompt, uri);
    assert.ok(first, 'the preview resolves with what it shows');
    assert.strictEqual(first.error, null);
    // The user message holds only {{email}}: without a value it is empty, and dotprompt sends no empty message.
    assert.deepStrictEqual(first.messages.map((m) => m.role), ['system']);
    assert.strictEqual(textOf(first, 'system'), 'You summarize email threads for a busy engineer.\n');
    assert.deepStrictEqual(first.missingInputs, ['email']);
    assert.strictEqual(first.model, 'echo/echo');
    assert.deepStrictEqual(first.config, { temperature: 0.3, maxOutputTokens: 200 });
    await poll(`a "Preview: ${NAME}" panel`, () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label === `Preview: ${NAME}`)));

    const at = editor.document.getText().indexOf('for a busy');
    assert.ok(await editor.edit((b) => b.insert(editor.document.positionAt(at), 'in three bullets ')));
    // Asking again only reveals the panel: the new text must come from the panel following the edit.
    const updated = await poll('the preview to follow the edit', async () => {
      const state = await vscode.commands.executeCommand<PreviewState>(COMMAND.previewPrompt, uri);
      return textOf(state, 'system').includes('in three bullets for a busy engineer') ? state : undefined;
    });
    assert.strictEqual(updated.promptVersion, 1);

    fs.writeFileSync(samples, JSON.stringify({ sets: { short: { email: 'Hi team, ship it.' } } }));
    await vscode.commands.executeCommand(COMMAND.runPrompt, uri, { sampleSet: 'short', model: 'echo/echo' });
    const withSet = await poll('the preview to use the picked set', async () => {
      const state = await vscode.commands.executeCommand<PreviewState>(COMMAND.previewPrompt, uri);
      return state.selectedSet === 'short' && textOf(state, 'user') === 'Hi team, ship it.' ? state : undefined;
    });
    assert.deepStrictEqual(withSet.missingInputs, []);
    assert.deepStrictEqual(withSet.messages.map((m) => m.role), ['system', 'user']);
    await editor.document.save();
  });
});
