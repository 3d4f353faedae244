// "Prompt Workbench: Summarize Email" inside a real VS Code, against the local Bedrock
// simulator: the command's sources (a paste, the selection, an open .eml), masking on and off,
// related workspace documents, and that the run record keeps placeholders, never the details.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { EmailPanelState } from '../../src/shared/emailPanelProtocol';
import { startBedrockServer, type BedrockServer } from '../support/bedrockServer';
import { poll } from './poll';
import { COMMAND } from '../../src/host/commandIds';
import { updateSetting } from './simulatorSetup';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';
const REPO = path.resolve(__dirname, '../../..');

// The simulator's answer quotes the thread's sentences with "decided"/"will": masked details in them must come back restored.
const THREAD = `We decided that Ann Lee owns the rollout; write to ann.lee@example.org with questions about the OrdersService.
Bo Chen will call +1 415 555 0199 to confirm the date by Friday, and the payment goes to IBAN DE89 3704 0044 0532 0130 00 as agreed in the review.

From: Ann Lee <ann.lee@example.org>
Sent: Monday, March 3, 2025 9:00 AM
To: Bo Chen <bo.chen@example.org>
Subject: OrdersService rollout

Bo, can we agree on the rollout date for the OrdersService this week? The checklist in docs/launch-checklist.md needs an owner and the rollback runbook needs a review before we decide anything.

Thanks,
Ann`;

function runRecords(folder: string): string {
  const dir = path.join(folder, '.prompt-workbench', 'runs');
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('') : '';
}

describe('Summarize Email against the local Bedrock simulator', function () {
  this.timeout(90000);
  let server: BedrockServer;
  let folder: vscode.WorkspaceFolder;
  const restore: (() => Thenable<void>)[] = [];
  const setEnv: string[] = [];

  const summarize = (arg?: unknown) => vscode.commands.executeCommand<EmailPanelState>(COMMAND.summarizeEmail, arg) as Promise<EmailPanelState>;

  async function setting(section: string, key: string, value: unknown): Promise<void> {
    restore.push(await updateSetting(section, key, value, folder.uri));
    await poll(`${section}.${key} to apply`, () => JSON.stringify(vscode.workspace.getConfiguration(section, folder.uri).get(key)) === JSON.stringify(value));
  }

  before(async () => {
    for (const [k, v] of Object.entries({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', AWS_EC2_METADATA_DISABLED: 'true' })) {
      if (!process.env[k]) {
        process.env[k] = v;
        setEnv.push(k);
      }
    }
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f, 'the suite needs a workspace folder');
    folder = f;
    server = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 5 });
    await setting('promptWorkbench.bedrock', 'endpointUrl', server.url);
    await setting('promptWorkbench.bedrock', 'region', 'us-east-1');
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    for (const undo of restore.reverse()) await undo();
    await server?.close();
    for (const k of setEnv) delete process.env[k];
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a pasted thread: parsed, masked, summarized; details restored in the panel, placeholders only in the record', async () => {
    const state = await summarize({ source: 'paste', text: THREAD });
    assert.equal(state.status, 'done', state.error ?? '');
    assert.equal(state.source, 'paste');
    assert.equal(state.messages, 2);
    assert.ok(state.masked);
    assert.ok(state.redactions.distinct >= 5, JSON.stringify(state.redactions));
    assert.ok(state.redactions.byKind.email && state.redactions.byKind.IBAN && state.redactions.byKind.phone && state.redactions.byKind.name, JSON.stringify(state.redactions));
    assert.ok(state.tokens && state.tokens.original > 0 && state.tokens.saved === Math.max(0, state.tokens.original - state.tokens.cleaned), JSON.stringify(state.tokens));
    assert.equal(state.promptName, 'email-summary');
    assert.match(state.output, /ann\.lee@example\.org/, 'the address is restored for display');
    assert.ok(!/\[(EMAIL|NAME|PHONE|IBAN)_\d+\]/.test(state.output), state.output);
    assert.ok(state.runId);
    const records = runRecords(folder.uri.fsPath);
    const record = records.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; output: string }).find((r) => r.id === state.runId);
    assert.ok(record, 'the run is recorded');
    assert.match(record.output, /\[EMAIL_\d+\]/);
    for (const secret of ['ann.lee@example.org', 'Ann Lee', '+1 415 555 0199', 'DE89 3704']) assert.ok(!records.includes(secret), `${secret} is not in the run records`);
  });

  it('the selection in an editor is the source when there is one', async () => {
    const document = await vscode.workspace.openTextDocument({ content: `Notes before\n\n${THREAD}\n`, language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(2, 0, document.lineCount - 1, 0);
    const state = await summarize();
    assert.equal(state.source, 'selection');
    assert.equal(state.status, 'done', state.error ?? '');
    assert.equal(state.messages, 2);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('an open .eml editor is the source without a selection (HTML-only mail through mailparser)', async () => {
    const target = path.join(folder.uri.fsPath, 'emails', 'canary.eml');
    fs.copyFileSync(path.join(REPO, 'test', 'fixtures', 'emails', 'html-only.eml'), target);
    await vscode.window.showTextDocument(vscode.Uri.file(target));
    const state = await summarize();
    assert.equal(state.source, 'editor');
    assert.equal(state.sourceLabel, 'canary.eml');
    assert.equal(state.status, 'done', state.error ?? '');
    assert.equal(state.messages, 2);
  });

  it('bad input keeps the pasted text and says what to do', async () => {
    const state = await summarize({ source: 'paste', text: '   \n  ' });
    assert.equal(state.status, 'failed');
    assert.match(state.error ?? '', /nothing to summarize/i);
    assert.equal(state.pasteText, '   \n  ');
  });

  it('masking off for the workspace: nothing is masked and the record has the thread as it is', async () => {
    await setting('promptWorkbench.privacy', 'maskPii', false);
    try {
      const state = await summarize({ source: 'paste', text: THREAD });
      assert.equal(state.status, 'done', state.error ?? '');
      assert.equal(state.masked, false);
      assert.equal(state.redactions.distinct, 0);
      const record = runRecords(folder.uri.fsPath).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; output: string }).find((r) => r.id === state.runId);
      // The simulator quotes the thread's sentences: unmasked, the name and the phone number are in its answer and the record.
      assert.match(record?.output ?? '', /We decided that Ann Lee owns the rollout/);
      assert.match(record?.output ?? '', /\+1 415 555 0199/);
    } finally {
      await vscode.workspace.getConfiguration('promptWorkbench.privacy', folder.uri).update('maskPii', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('the thread\'s technical terms find the related workspace documents', async () => {
    const thread = fs.readFileSync(path.join(folder.uri.fsPath, 'emails', 'launch-thread.txt'), 'utf8');
    const state = await summarize({ source: 'paste', text: thread });
    assert.equal(state.status, 'done', state.error ?? '');
    assert.ok(state.related.length > 0, 'related documents are listed');
    assert.ok(state.related.some((d) => d.path.startsWith('docs/')), JSON.stringify(state.related));
  });
});
