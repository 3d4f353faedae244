// Images, documents and prompt caching inside a real VS Code, through the real AWS SDK and the
// local Bedrock simulator: the shipped describe-image prompt sends a workspace picture as a
// Converse image block and the model's answer says what it received; cached-support run twice
// writes the prompt cache, then reads it, and the second run records the cache read and a
// lower cost.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { COMMAND } from '../../src/host/commandIds';
import type { RunOutcome } from '../../src/core/runs/promptRunner';
import { startBedrockServer, type BedrockServer } from '../support/bedrockServer';
import { poll } from './poll';
import { useFakeAwsEnv, useSimulatorSettings } from './simulatorSetup';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';
const REPO = path.resolve(__dirname, '../../..');

describe('Images, documents and prompt caching against the local Bedrock simulator', function () {
  this.timeout(60000);
  let server: BedrockServer;
  let folder: vscode.WorkspaceFolder;
  let restoreSettings: (() => Promise<void>) | undefined;
  let restoreEnv: (() => void) | undefined;
  const created: string[] = [];

  const copy = (from: string, to: string): vscode.Uri => {
    const target = path.join(folder.uri.fsPath, to);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(REPO, from), target);
    created.push(target);
    return vscode.Uri.file(target);
  };

  async function run(uri: vscode.Uri, inputs: Record<string, string> = {}): Promise<RunOutcome> {
    const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>(COMMAND.runPrompt, uri, { inputs });
    assert.ok(outcome, `${COMMAND.runPrompt} resolved with ${String(outcome)}`);
    return outcome;
  }

  before(async () => {
    restoreEnv = useFakeAwsEnv();
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f, 'the suite needs a workspace folder');
    folder = f;
    server = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 5 });
    restoreSettings = await useSimulatorSettings(folder, server.url);
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    await restoreSettings?.();
    await server?.close();
    restoreEnv?.();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const file of created) fs.rmSync(file, { force: true });
  });

  it('runs describe-image.prompt with a workspace picture: Converse gets an image block and the answer describes it', async () => {
    copy('samples/media/landscape.png', 'media/landscape.png');
    const uri = copy('prompts/describe-image.prompt', 'prompts/describe-image.prompt');
    const outcome = await run(uri, { photo: 'media/landscape.png' });
    assert.strictEqual(outcome.error, undefined, JSON.stringify(outcome.error));
    assert.match(outcome.output, /I received an image \(png, 318 bytes\)/);
    const request = [...server.requests].reverse().find((r) => r.modelId === 'amazon.nova-lite-v1:0');
    const content = (request?.body as { messages: { content: Record<string, { format?: string; source?: { bytes?: string } }>[] }[] }).messages[0].content;
    const image = content.find((block) => block.image)?.image;
    assert.strictEqual(image?.format, 'png');
    assert.strictEqual(image?.source?.bytes, fs.readFileSync(path.join(REPO, 'samples/media/landscape.png')).toString('base64'));
  });

  it('a media file of the wrong type is a sentence naming the input, and nothing is sent', async () => {
    const uri = vscode.Uri.joinPath(folder.uri, 'prompts', 'describe-image.prompt');
    const before = server.requests.length;
    fs.writeFileSync(path.join(folder.uri.fsPath, 'media', 'notes.mp3'), 'not audio');
    created.push(path.join(folder.uri.fsPath, 'media', 'notes.mp3'));
    const outcome = await vscode.commands.executeCommand<RunOutcome | { error?: { message: string } } | undefined>(COMMAND.runPrompt, uri, { inputs: { photo: 'media/notes.mp3' } });
    assert.match(JSON.stringify(outcome?.error ?? outcome), /Input “photo”: media\/notes\.mp3 is not an image or document/);
    assert.strictEqual(server.requests.length, before, 'nothing was sent');
  });

  it('cached-support.prompt twice: the first run writes the prompt cache, the second reads it, records it and costs less', async () => {
    const uri = copy('prompts/cached-support.prompt', 'prompts/cached-support.prompt');
    const first = await run(uri);
    const second = await run(uri);
    assert.strictEqual(first.error, undefined, JSON.stringify(first.error));
    assert.ok((first.metrics.cacheWriteInputTokens ?? 0) > 0, `first: ${JSON.stringify(first.metrics)}`);
    assert.strictEqual(second.metrics.cacheReadInputTokens, first.metrics.cacheWriteInputTokens);
    assert.ok(second.metrics.costUsd! < first.metrics.costUsd!, `${second.metrics.costUsd} < ${first.metrics.costUsd}`);
    const record = await poll('the second run record', () => {
      const dir = path.join(folder.uri.fsPath, '.prompt-workbench', 'runs');
      const lines = fs.readdirSync(dir).flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean));
      const line = lines.find((l) => l.includes(second.runId));
      return line ? (JSON.parse(line) as { usage?: { cacheReadInputTokens: number } }) : undefined;
    });
    assert.strictEqual(record.usage?.cacheReadInputTokens, second.metrics.cacheReadInputTokens);
  });
});
