// Improve Prompt inside a real VS Code against the local Bedrock simulator, on the shipped
// sample prompts/support-reply.prompt (its 24 cases fail `contains: next step`): both sources
// (Bedrock's OptimizePrompt event stream with its analysis; the sim-improver model's rewrites,
// one rejected), the panel's state with figures and flipped cases, nothing written until Save
// as New Version, which writes version 2 with its changelog and parent and adopts the trial runs.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ImprovePromptResult } from '../../src/host/improve/improveController';
import { COMMAND } from '../../src/host/commandIds';
import { startBedrockServer, type BedrockServer } from '../support/bedrockServer';
import { useFakeAwsEnv, useSimulatorSettings } from './simulatorSetup';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';
const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const LLAMA = 'bedrock/meta.llama3-1-8b-instruct-v1:0';

describe('Improve Prompt (local Bedrock simulator)', function () {
  this.timeout(120000);
  let server: BedrockServer;
  let folder: vscode.WorkspaceFolder;
  let promptUri: vscode.Uri;
  let original: string;
  let restoreSettings: (() => Promise<void>) | undefined;
  let restoreEnv: (() => void) | undefined;

  before(async () => {
    restoreEnv = useFakeAwsEnv();
    folder = vscode.workspace.workspaceFolders![0];
    promptUri = vscode.Uri.joinPath(folder.uri, 'prompts', 'support-reply.prompt');
    assert.ok(fs.existsSync(promptUri.fsPath), `${promptUri.fsPath} exists`);
    original = fs.readFileSync(promptUri.fsPath, 'utf8');
    server = await startBedrockServer({ tokenDelayMs: 0, firstTokenDelayMs: 2 });
    restoreSettings = await useSimulatorSettings(folder, server.url, [['runs.storeInputs', true]]);
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    fs.writeFileSync(promptUri.fsPath, original);
    await restoreSettings?.();
    await server?.close();
    restoreEnv?.();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("from your failures: the improver's rewrites, one rejected with why, the winner better on the cases, nothing written", async () => {
    const result = await vscode.commands.executeCommand<ImprovePromptResult | undefined>(COMMAND.improvePrompt, promptUri, { source: 'failures', judgeModel: 'bedrock/anthropic.sim-improver-v1:0', models: [NOVA] });
    assert.ok(result, 'Improve Prompt resolved with a result');
    const round = result.state.rounds[result.state.rounds.length - 1];
    assert.equal(round.status, 'done');
    assert.equal(round.candidates.length, 3);
    assert.deepEqual(round.candidates[1].rejected, ['it drops the input variable {{message}}']);
    const winner = round.candidates.find((c) => c.rank === 1)!;
    assert.equal(winner.index, 1);
    assert.equal(winner.verdict, 'better');
    assert.equal(winner.newlyPassing.length, 24);
    assert.match(winner.newlyPassing[0].after, /next step/);
    assert.ok(winner.diff.some((l) => l.kind === 'add' && /Always state the next step\./.test(l.text)));
    assert.match(round.baseline!.passRate, /^0% \[0%–14%\]$/);
    assert.match(winner.figures!.passRate, /^100% \[86%–100%\]$/);
    assert.equal(round.candidates[2].verdict, 'no-better');
    assert.equal(fs.readFileSync(promptUri.fsPath, 'utf8'), original, 'nothing is written before Save as New Version');
  });

  it("Bedrock's optimizer: analysis streamed into the panel, the optimized prompt wins on two models, Save as New Version writes v2", async () => {
    const result = await vscode.commands.executeCommand<ImprovePromptResult | undefined>(COMMAND.improvePrompt, promptUri, { source: 'bedrock', models: [NOVA, LLAMA] });
    assert.ok(result);
    const round = result.state.rounds[result.state.rounds.length - 1];
    assert.equal(round.round, 2, 'rounds accumulate in the panel');
    assert.deepEqual(round.analysis, ['The prompt says what to answer but not how to end the reply.', 'Adding an explicit instruction to state the next step.']);
    assert.equal(round.candidates.length, 1);
    assert.equal(round.candidates[0].verdict, 'better');
    assert.equal(round.candidates[0].newlyPassing.length, 48);
    const version = await vscode.commands.executeCommand<number | undefined>(COMMAND.saveImproveCandidate, round.round, round.candidates[0].index);
    assert.equal(version, 2);
    const saved = fs.readFileSync(promptUri.fsPath, 'utf8');
    assert.match(saved, /^version: 2$/m);
    assert.match(saved, /^workbench\.parent: 1$/m);
    assert.match(saved, /^workbench\.changelog: "Improve Prompt: Bedrock's prompt optimizer: /m);
    assert.match(saved, /\{\{role "system"\}\}Always state the next step\. Reply to the customer's message/);
    const runsDir = path.join(folder.uri.fsPath, '.prompt-workbench', 'runs');
    const adopted = fs.readdirSync(runsDir).flatMap((f) => fs.readFileSync(path.join(runsDir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)))
      .filter((r) => r.prompt?.name === 'support-reply' && r.prompt.version === 2);
    assert.equal(adopted.length, 48);
    assert.ok(adopted.every((r) => r.prompt.path === 'prompts/support-reply.prompt' && r.checks?.every((c: { pass: boolean }) => c.pass)));
  });
});
