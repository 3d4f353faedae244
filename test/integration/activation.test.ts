// The extension loads in a real VS Code: it activates on a `.prompt` file, registers every
// command its manifest contributes and the `prompt` language.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { poll as pollUntil } from './poll';
import { COMMAND } from '../../src/host/commandIds';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';

interface Manifest {
  contributes?: {
    commands?: { command: string; title: string }[];
    languages?: { id: string; extensions?: string[] }[];
  };
  activationEvents?: string[];
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return ext;
}

function workspaceFile(rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder (the scratch copy of test/fixtures/sample-workspace)');
  return vscode.Uri.joinPath(folder.uri, ...rel.split('/'));
}

const poll = <T>(what: string, fn: () => T | Promise<T>, timeoutMs = 10000) => pollUntil(what, fn, timeoutMs, 100);

describe('Activation', () => {
  it('the extension is present', () => {
    const ext = extension();
    assert.strictEqual(ext.id.toLowerCase(), EXTENSION_ID);
    assert.strictEqual((ext.packageJSON as { name: string }).name, 'prompt-workbench');
  });

  it('opening a .prompt file activates it and the document has languageId "dotprompt"', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('prompts/email-summary.prompt'));
    await vscode.window.showTextDocument(doc);
    assert.strictEqual(doc.languageId, 'dotprompt');
    await poll('the extension to activate on language "dotprompt"', () => extension().isActive);
  });

  it('activate() resolves and the extension is active', async () => {
    await extension().activate();
    assert.strictEqual(extension().isActive, true);
  });

  it('registers every command contributed in package.json', async () => {
    const manifest = extension().packageJSON as Manifest;
    const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.includes(COMMAND.runPrompt), 'package.json contributes promptWorkbench.runPrompt');
    assert.ok(contributed.includes(COMMAND.showLog), 'package.json contributes promptWorkbench.showLog');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepStrictEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('every promptWorkbench command registered at run time is contributed in package.json', async () => {
    await extension().activate();
    const manifest = extension().packageJSON as Manifest & { contributes?: { views?: Record<string, { id: string }[]> } };
    const contributed = new Set((manifest.contributes?.commands ?? []).map((c) => c.command));
    // VS Code registers commands of its own for each contributed view (`<view id>.focus`, `.resetViewLocation`, …).
    const viewIds = Object.values(manifest.contributes?.views ?? {}).flat().map((v) => `${v.id}.`);
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('promptWorkbench.') && !viewIds.some((v) => c.startsWith(v)));
    assert.ok(registered.length >= contributed.size, `expected at least ${contributed.size} registered commands, got ${registered.length}`);
    const hidden = registered.filter((c) => !contributed.has(c));
    assert.deepStrictEqual(hidden, [], `registered but not contributed (so absent from the manifest and the palette's rules): ${hidden.join(', ')}`);
  });

  it('every contributed command has a title', () => {
    const manifest = extension().packageJSON as Manifest & { contributes: { commands: { title: string; category?: string }[] } };
    for (const c of manifest.contributes.commands) {
      assert.ok(c.title && c.title.trim(), `command ${JSON.stringify(c)} has a title`);
    }
  });

  it('registers the "dotprompt" language for .prompt files', async () => {
    const languages = await vscode.languages.getLanguages();
    assert.ok(languages.includes('dotprompt'), 'language "dotprompt" is registered');
    const contributed = (extension().packageJSON as Manifest).contributes?.languages ?? [];
    const prompt = contributed.find((l) => l.id === 'dotprompt');
    assert.ok(prompt, 'package.json contributes the "dotprompt" language');
    assert.ok(prompt.extensions?.includes('.prompt'), 'the "dotprompt" language claims the .prompt extension');
  });

  it('the shipped prompts/email-summary.prompt shows no error in Problems', async () => {
    const uri = workspaceFile('prompts/email-summary.prompt');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    // Checks run debounced after opening; give them time to report, then read what is there.
    await new Promise((r) => setTimeout(r, 1500));
    const errors = vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    const shown = errors.slice(0, 5).map((d) => `${d.source ?? '?'}: line ${d.range.start.line + 1}: ${d.message}`);
    assert.deepStrictEqual(shown, [], `${errors.length} error(s) on a shipped prompt`);
  });

  it('a new untitled document can be switched to "dotprompt"', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: '---\nname: x\n---\nHello {{name}}\n' });
    const changed = await vscode.languages.setTextDocumentLanguage(doc, 'dotprompt');
    assert.strictEqual(changed.languageId, 'dotprompt');
  });

  it('promptWorkbench.showLog runs without error', async () => {
    await vscode.commands.executeCommand(COMMAND.showLog);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
