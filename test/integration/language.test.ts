// The `.prompt` language features inside a real VS Code: diagnostics as you type (both the
// syntax checks and the semantic ones), completion, hover, outline, go to definition, the
// CodeLenses, snippets and New Prompt, through the same commands VS Code's UI uses. Files are
// written into a folder of the scratch workspace and removed afterwards.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { poll } from './poll';
import { COMMAND } from '../../src/host/commandIds';

const LANGUAGE_ID = 'dotprompt';
const HAIKU = 'bedrock/anthropic.claude-haiku-4-5-20251001-v1:0';
const MAIN = [
  '---',
  'name: language-test',
  `model: ${HAIKU}`,
  'config: {temperature: 0.2}',
  'input:',
  '  schema: {email: string, audience?: string}',
  '---',
  '{{role "system"}}You write for a busy {{audience}}.',
  '# Rules',
  '{{> header}}',
  '{{role "user"}}{{email}}',
  '',
].join('\n');

function folderUri(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder (the scratch copy of test/fixtures/sample-workspace)');
  return folder.uri;
}


function codes(uri: vscode.Uri): string[] {
  return vscode.languages.getDiagnostics(uri).map((d) => String(typeof d.code === 'object' ? d.code.value : d.code));
}

async function write(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  assert.strictEqual(document.languageId, LANGUAGE_ID);
  return vscode.window.showTextDocument(document);
}

/** The position just after the first `needle` on the line that has it. */
function positionAfter(document: vscode.TextDocument, needle: string): vscode.Position {
  const offset = document.getText().indexOf(needle);
  assert.ok(offset >= 0, `${needle} is in the document`);
  return document.positionAt(offset + needle.length);
}

function markdownOf(hovers: vscode.Hover[]): string {
  return hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
}

describe('Language features of .prompt files', function () {
  this.timeout(60000);
  const dir = () => vscode.Uri.joinPath(folderUri(), 'prompts', `language-test-${process.pid}`);
  const main = () => vscode.Uri.joinPath(dir(), 'main.prompt');

  before(async () => {
    await vscode.workspace.fs.createDirectory(dir());
    await write(vscode.Uri.joinPath(dir(), '_header.prompt'), 'Answer for {{audience}}.\n');
    await write(main(), MAIN);
    const extension = vscode.extensions.getExtension('prompt-workbench.prompt-workbench');
    assert.ok(extension, 'the extension is installed');
    await extension.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(dir(), { recursive: true, useTrash: false });
  });

  it('a clean prompt shows no problem; typing errors brings each diagnostic, at its place', async () => {
    const editor = await open(main());
    const document = editor.document;
    // The checks are debounced: wait for the semantic pass to have run on the clean file.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepStrictEqual(codes(document.uri), [], 'no problem on the clean prompt');

    const edited = await editor.edit((edit) => {
      edit.replace(new vscode.Range(positionAfter(document, 'name: language-test\n'), positionAfter(document, 'name: language-test\n')), 'modle: x\n');
      edit.replace(new vscode.Range(positionAfter(document, 'temperature: ').translate(0, 0), positionAfter(document, 'temperature: 0.2')), '3');
      edit.insert(positionAfter(document, '{{email}}'), ' {{emial}} {{> missing}} {{#if email}}');
    });
    assert.ok(edited, 'the edits applied');
    const wanted = ['frontmatter-unknown-key', 'config-out-of-range', 'template-unclosed-block'];
    await poll(`diagnostics ${wanted.join(', ')}`, () => wanted.every((code) => codes(document.uri).includes(code))).catch((error: Error) => {
      throw new Error(`${error.message}; have ${codes(document.uri).join(', ') || 'none'} on:\n${document.getText()}`);
    });
    const byCode = (code: string) => vscode.languages.getDiagnostics(document.uri).find((d) => String(d.code) === code)!;
    assert.strictEqual(document.getText(byCode('frontmatter-unknown-key').range), 'modle');
    assert.match(byCode('frontmatter-unknown-key').message, /did you mean "model"/);
    assert.strictEqual(document.getText(byCode('config-out-of-range').range), '3');
    assert.strictEqual(byCode('config-out-of-range').severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(document.getText(byCode('template-unclosed-block').range), '{{#if email}}');
    // While the template does not parse, what it reads is unknown: no variable or partial check.
    assert.ok(!codes(document.uri).includes('input-undeclared'));

    // Closing the block lets the template parse again: now the undeclared input and the missing partial show.
    assert.ok(await editor.edit((edit) => edit.insert(positionAfter(document, '{{#if email}}'), '{{/if}}')));
    await poll('the input-undeclared and partial-not-found diagnostics', () => {
      const now = codes(document.uri);
      return now.includes('partial-not-found') && now.includes('input-undeclared') && !now.includes('template-unclosed-block');
    });
    assert.strictEqual(document.getText(byCode('input-undeclared').range), 'emial');
    assert.match(byCode('input-undeclared').message, /did you mean "email"/);
    assert.strictEqual(document.getText(byCode('partial-not-found').range), '{{> missing}}');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('completion: model ids with price in the detail, variables and helpers in {{ }}, partial names after {{>', async () => {
    const { document } = await open(main());
    const models = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, positionAfter(document, 'model: '));
    const haiku = models.items.find((item) => (typeof item.label === 'string' ? item.label : item.label.label) === HAIKU);
    assert.ok(haiku, `${HAIKU} is offered after model:`);
    assert.match(String(haiku.detail), /Anthropic · 200K context · \$1\.00 \/ \$5\.00 per M tokens/);

    const inTag = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, positionAfter(document, '{{role "user"}}{{'));
    const labels = inTag.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    for (const wanted of ['email', 'audience', 'history', 'section']) assert.ok(labels.includes(wanted), `${wanted} is offered inside {{ }}`);

    const partials = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, positionAfter(document, '{{> '));
    assert.ok(partials.items.some((item) => item.label === 'header' && item.kind === vscode.CompletionItemKind.File), 'the partial header is offered after {{>');
  });

  it('snippets are contributed for the language', async () => {
    const editor = await open(main());
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    await editor.edit((edit) => edit.insert(end, 'ifEq'));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, end.translate(0, 4));
    assert.ok(list.items.some((item) => item.kind === vscode.CompletionItemKind.Snippet && /ifEquals/.test(typeof item.label === 'string' ? item.label : item.label.label)), 'the ifEquals snippet');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('hover: the model\'s context window and price; a variable\'s type', async () => {
    const { document } = await open(main());
    const onModel = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionAfter(document, 'model: bedrock/anth'));
    const model = markdownOf(onModel);
    assert.match(model, /Claude Haiku 4\.5/);
    assert.match(model, /200,000 tokens/);
    assert.match(model, /\$1\.00 input · \$5\.00 output/);
    assert.match(model, /Price source \| built-in table, as of/);
    const onVariable = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionAfter(document, 'busy {{aud'));
    assert.match(markdownOf(onVariable), /\*\*audience\*\*: `string` \(optional input\)/);
  });

  it('outline: the frontmatter, each message and the headings in it', async () => {
    const { document } = await open(main());
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    assert.deepStrictEqual(symbols.map((s) => s.name), ['Frontmatter', 'system', 'user']);
    assert.deepStrictEqual(symbols[1].children.map((s) => s.name), ['Rules']);
    assert.deepStrictEqual(symbols[1].children[0].children.map((s) => s.name), ['header']);
    assert.ok(symbols[0].children.some((s) => s.name === 'model'));
  });

  it('go to definition on a partial opens its file', async () => {
    const { document } = await open(main());
    const found = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', document.uri, positionAfter(document, '{{> hea'));
    assert.strictEqual(found.length, 1);
    const target = 'targetUri' in found[0] ? found[0].targetUri : found[0].uri;
    assert.strictEqual(target.toString(), vscode.Uri.joinPath(dir(), '_header.prompt').toString());
  });

  it('CodeLenses: Run Prompt, Compare Models and Versions', async () => {
    const { document } = await open(main());
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    const commands = lenses.map((lens) => lens.command?.command);
    for (const id of [COMMAND.runPrompt, COMMAND.compareModels, COMMAND.showVersions]) assert.ok(commands.includes(id), `a lens runs ${id}`);
    const versions = lenses.find((lens) => lens.command?.command === COMMAND.showVersions);
    assert.match(versions?.command?.title ?? '', /Versions/);
    assert.strictEqual((versions?.command?.arguments?.[0] as vscode.Uri).toString(), document.uri.toString());
  });

  it('New Prompt writes prompts/<name>.prompt from the template, opens it, and it has no problem', async () => {
    const name = `language-test-new-${process.pid}`;
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>(COMMAND.newPrompt, name);
    try {
      assert.ok(uri, 'the command resolves with the new file');
      assert.strictEqual(uri.toString(), vscode.Uri.joinPath(folderUri(), 'prompts', `${name}.prompt`).toString());
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      assert.match(text, new RegExp(`^---\\nname: ${name}\\n`));
      assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
      assert.strictEqual(vscode.window.activeTextEditor?.document.getText(vscode.window.activeTextEditor.selection), 'Say what this prompt is for in one sentence');
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepStrictEqual(codes(uri), [], 'the new prompt has no problem');
      assert.strictEqual(await vscode.commands.executeCommand(COMMAND.newPrompt, name), undefined, 'an existing name is refused');
    } finally {
      if (uri) await vscode.workspace.fs.delete(uri, { useTrash: false });
    }
  });

  it('a 5 MB file gets one "too large" diagnostic and the editor keeps answering', async () => {
    const big = vscode.Uri.joinPath(dir(), 'big.prompt');
    await write(big, `${MAIN}\n${'A line of text with {{audience}} in it, and a few more words.\n'.repeat(82000)}`);
    const { document } = await open(big);
    assert.ok(document.getText().length > 5_000_000);
    await poll('the file-too-large diagnostic', () => codes(big).includes('file-too-large'), 30000);
    assert.deepStrictEqual(codes(big), ['file-too-large']);
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', big);
    assert.deepStrictEqual(symbols.map((s) => s.name), ['Frontmatter', 'system', 'user']);
  });
});
