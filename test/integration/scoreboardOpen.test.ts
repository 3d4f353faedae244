// Which prompt Open Scoreboard shows (issue 19 item 5): the one named in `{ prompt }` (the run
// and compare panels' Scoreboard button), else the active editor's prompt, else, for a new
// panel, the prompt most recently rated or run, never just the alphabetically first.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';
interface Snapshot {
  prompt: string | null;
  facets: { prompts: string[] };
}
const open = (options?: unknown) => vscode.commands.executeCommand<Snapshot>('promptWorkbench.openScoreboard', options) as Promise<Snapshot>;

describe('Open Scoreboard: the prompt it opens on', function () {
  this.timeout(60000);
  let folder: vscode.WorkspaceFolder;
  let ratingsFile: string;
  let promptFile: string;
  const rating = (id: string, prompt: string, ts: string) =>
    JSON.stringify({
      schema: 'prompt-workbench.rating/1', id, ts, rater: null, runId: null, prompt: { name: prompt, version: 1, contentHash: null },
      model: 'bedrock/amazon.nova-lite-v1:0', kind: 'stars', criterion: 'overall', value: 4, comment: '', tags: [], blind: null, supersedes: null,
    }) + '\n';

  before(async () => {
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f, 'the suite needs a workspace folder');
    folder = f;
    ratingsFile = path.join(folder.uri.fsPath, '.prompt-workbench', 'ratings.jsonl');
    fs.mkdirSync(path.dirname(ratingsFile), { recursive: true });
    promptFile = path.join(folder.uri.fsPath, 'prompts', 'scoreboard-open-file.prompt');
    fs.mkdirSync(path.dirname(promptFile), { recursive: true });
    // The prompt's name comes from its front matter, not the file name.
    fs.writeFileSync(promptFile, '---\nname: sbopen-editor\nmodel: bedrock/amazon.nova-lite-v1:0\n---\nSay hi.\n');
    const now = Date.now();
    // An alphabetically first prompt rated long ago, the editor's prompt, then the newest.
    fs.appendFileSync(
      ratingsFile,
      rating('g_SBOPEN0000000000000000001', '0-sbopen-first', new Date(now - 86400000).toISOString()) +
        rating('g_SBOPEN0000000000000000002', 'sbopen-editor', new Date(now - 3600000).toISOString()) +
        rating('g_SBOPEN0000000000000000003', 'sbopen-latest', new Date(now).toISOString()),
    );
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(promptFile, { force: true });
  });

  it('with no prompt editor, a new panel opens on the prompt most recently rated or run', async () => {
    const snapshot = await open();
    assert.ok(snapshot.facets.prompts.includes('0-sbopen-first'), 'the alphabetically first prompt is there');
    assert.strictEqual(snapshot.prompt, 'sbopen-latest');
  });

  it("on the active editor's prompt (its front-matter name)", async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.window.showTextDocument(vscode.Uri.file(promptFile));
    const snapshot = await open();
    assert.strictEqual(snapshot.prompt, 'sbopen-editor');
  });

  it('on the prompt named by `{ prompt }`, over the active editor', async () => {
    await vscode.window.showTextDocument(vscode.Uri.file(promptFile));
    const snapshot = await open({ prompt: '0-sbopen-first' });
    assert.strictEqual(snapshot.prompt, '0-sbopen-first');
  });
});
