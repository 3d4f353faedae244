// Prompt versions inside a real VS Code: Save New Version keeps the text of the version
// immutable under .prompt-workbench/versions/<name>/ and bumps the file; the version diff
// opens in VS Code's diff editor; a version that has runs, edited without a bump, gets a
// warning at its `version:` line whose quick fix saves a new version.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { poll } from './poll';
import { COMMAND } from '../../src/host/commandIds';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';
const NAME = 'versions-it';
const EDITED_WITHOUT_BUMP = 'version-edited-without-bump';

const V1 = `---
name: ${NAME}
# Versions are bumped by Save New Version.
version: 1   # first
model: echo/echo
config: {temperature: 0.1}
input:
  schema: {question: string}
  default: {question: What changed?}
workbench.changelog: First version
---
{{role "system"}}You answer in one line.
{{role "user"}}{{question}}
`;

interface SaveResult {
  name: string;
  fromVersion: number;
  newVersion: number;
  snapshot: string | null;
  notice: string | null;
}


function diffTabs(): vscode.TabInputTextDiff[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.input)).filter((i): i is vscode.TabInputTextDiff => i instanceof vscode.TabInputTextDiff);
}

describe('Prompt versions', function () {
  this.timeout(60000);
  let folder: vscode.WorkspaceFolder;
  let uri: vscode.Uri;
  let versionsDir: string;

  before(async () => {
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f, 'the suite needs a workspace folder');
    folder = f;
    uri = vscode.Uri.joinPath(folder.uri, 'prompts', `${NAME}.prompt`);
    versionsDir = path.join(folder.uri.fsPath, '.prompt-workbench', 'versions', NAME);
    fs.rmSync(versionsDir, { recursive: true, force: true });
    fs.writeFileSync(uri.fsPath, V1);
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(uri.fsPath, { force: true });
    fs.rmSync(versionsDir, { recursive: true, force: true });
  });

  it('Save New Version keeps v1 as it was and moves the file to v2 with the changelog and parent', async () => {
    const result = await vscode.commands.executeCommand<SaveResult>(COMMAND.saveNewVersion, uri, { changelog: 'Answer in two lines' });
    assert.ok(result, 'the command resolves with what it did');
    assert.deepStrictEqual([result.fromVersion, result.newVersion, result.notice], [1, 2, null]);
    assert.strictEqual(result.snapshot, `.prompt-workbench/versions/${NAME}/v1.prompt`);
    assert.strictEqual(fs.readFileSync(path.join(versionsDir, 'v1.prompt'), 'utf8'), V1, 'v1 is kept byte for byte');
    const document = await vscode.workspace.openTextDocument(uri);
    // The dirty flag reaches the extension host a moment after the save.
    await poll('the bumped file to be saved', () => !document.isDirty);
    const expected = V1.replace('version: 1   # first', 'version: 2   # first')
      .replace('workbench.changelog: First version', 'workbench.changelog: Answer in two lines')
      .replace('---\n{{role', 'workbench.parent: 1\n---\n{{role');
    assert.strictEqual(document.getText(), expected, 'only the version lines changed; the comments stayed');
    assert.strictEqual(fs.readFileSync(uri.fsPath, 'utf8'), expected);
  });

  it('Compare with Previous Version opens the diff editor: v1 read-only on the left, the working file on the right', async () => {
    const result = await vscode.commands.executeCommand<{ left: string; right: string; title: string }>(COMMAND.compareWithPreviousVersion, uri);
    assert.ok(result, 'a diff was opened');
    assert.strictEqual(result.title, `${NAME}: v1 ↔ v2 (working copy)`);
    const tab = await poll('a diff tab of v1 and the working file', () =>
      diffTabs().find((d) => d.original.scheme === 'prompt-version' && d.modified.toString() === uri.toString()),
    );
    const left = await vscode.workspace.openTextDocument(tab.original);
    assert.strictEqual(left.getText(), V1, 'the left side is the kept v1');
    assert.ok(left.uri.path.endsWith(`/${NAME}/v1.prompt`), left.uri.toString());
    assert.strictEqual(vscode.workspace.fs.isWritableFileSystem('prompt-version'), undefined, 'kept versions are not on a writable file system');
  });

  it('a version that has runs, edited without a bump, is flagged at version: and the quick fix saves a new version', async () => {
    const ran = await vscode.commands.executeCommand<{ error?: unknown; runId: string }>(COMMAND.runPrompt, uri, { model: 'echo/echo' });
    assert.ok(ran && !ran.error, `the run worked: ${JSON.stringify(ran)}`);
    const textThatRan = (await vscode.workspace.openTextDocument(uri)).getText();
    await poll('v2 kept at its first run', () => fs.existsSync(path.join(versionsDir, 'v2.prompt')));

    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    assert.ok(await editor.edit((b) => b.insert(end, 'Be brief.\n')), 'the edit applied');
    const diagnostic = await poll('the edited-without-bump warning', () =>
      vscode.languages.getDiagnostics(uri).find((d) => d.code === EDITED_WITHOUT_BUMP),
    );
    assert.strictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(diagnostic.message, /Version 2 already has 1 run; edits change its content hash/);
    const versionLine = editor.document.getText().split('\n').findIndex((l) => l.startsWith('version:'));
    assert.strictEqual(diagnostic.range.start.line, versionLine, 'shown at the version: line');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
    const fix = actions.find((a) => a.title === 'Save as a new version…');
    assert.ok(fix?.command, `a quick fix is offered (got: ${actions.map((a) => a.title).join(', ')})`);
    assert.strictEqual(fix.command.command, COMMAND.saveNewVersion);
    // The quick fix asks for the changelog; pass it as the command's option instead of typing it.
    const result = await vscode.commands.executeCommand<SaveResult>(fix.command.command, ...(fix.command.arguments ?? []), { changelog: 'Be brief' });
    assert.ok(result);
    assert.deepStrictEqual([result.fromVersion, result.newVersion], [2, 3]);
    assert.strictEqual(fs.readFileSync(path.join(versionsDir, 'v2.prompt'), 'utf8'), textThatRan, 'v2 is still the text that ran, not the edit');
    const now = (await vscode.workspace.openTextDocument(uri)).getText();
    assert.match(now, /^version: 3 {3}# first$/m);
    assert.match(now, /^workbench\.parent: 2$/m);
    assert.ok(now.endsWith('Be brief.\n'), 'the edit is in v3');
    await poll('the warning to go away', () => !vscode.languages.getDiagnostics(uri).some((d) => d.code === EDITED_WITHOUT_BUMP));
  });

  it('a kept version is never overwritten, and Compare Versions diffs any two', async () => {
    const before = fs.readFileSync(path.join(versionsDir, 'v1.prompt'), 'utf8');
    const result = await vscode.commands.executeCommand<{ left: string; right: string; title: string }>(COMMAND.compareVersions, uri, { from: 1, to: 2 });
    assert.ok(result);
    assert.strictEqual(result.title, `${NAME}: v1 ↔ v2`);
    const tab = await poll('a diff tab of v1 and v2', () => diffTabs().find((d) => d.original.path.endsWith('/v1.prompt') && d.modified.path.endsWith('/v2.prompt')));
    assert.strictEqual(tab.modified.scheme, 'prompt-version');
    assert.strictEqual(fs.readFileSync(path.join(versionsDir, 'v1.prompt'), 'utf8'), before);
    assert.deepStrictEqual(fs.readdirSync(versionsDir).filter((f) => f.endsWith('.prompt')).sort(), ['v1.prompt', 'v2.prompt']);
  });

  it('Show Versions focuses the Prompt Versions view on the prompt', async () => {
    const revealed = await vscode.commands.executeCommand<boolean>(COMMAND.showVersions, uri);
    assert.strictEqual(revealed, true);
  });
});
