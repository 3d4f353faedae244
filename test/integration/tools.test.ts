// Tool calls end to end inside a real VS Code: Run Prompt on the shipped weather-outfit prompt,
// through the AWS SDK to the local Bedrock simulator's scripted tool model, the call of
// get_weather answered by the workspace's saved mock (.prompt-workbench/tools/get_weather.mocks.json),
// the model's second turn built from it, and the whole exchange recorded.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { startBedrockServer, type BedrockServer } from '../support/bedrockServer';
import { useFakeAwsEnv, useSimulatorSettings } from './simulatorSetup';
import { COMMAND } from '../../src/host/commandIds';

interface Outcome {
  runId: string;
  output: string;
  error?: { kind: string; message: string };
  toolCalls?: { name: string; input: unknown; result: unknown; answeredBy: string }[];
  recordFile?: string;
}

describe('Tool calls answered by saved mocks (Run Prompt, simulator)', function () {
  this.timeout(60000);
  let server: BedrockServer;
  let folder: vscode.WorkspaceFolder;
  let restoreSettings: (() => Promise<void>) | undefined;
  let restoreEnv: (() => void) | undefined;

  before(async () => {
    restoreEnv = useFakeAwsEnv();
    folder = vscode.workspace.workspaceFolders![0];
    server = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 5 });
    restoreSettings = await useSimulatorSettings(folder, server.url);
    await vscode.extensions.getExtension('prompt-workbench.prompt-workbench')?.activate();
  });
  after(async () => {
    await restoreSettings?.();
    await server?.close();
    restoreEnv?.();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the call is answered by the matching mock, the model answers from it, and the record keeps the exchange', async () => {
    const uri = vscode.Uri.joinPath(folder.uri, 'prompts', 'weather-outfit.prompt');
    assert.ok(fs.existsSync(path.join(folder.uri.fsPath, '.prompt-workbench', 'tools', 'get_weather.mocks.json')), 'the sample mocks are in the workspace');
    const outcome = await vscode.commands.executeCommand<Outcome>(COMMAND.runPrompt, uri, { answerToolsWithMocks: true });
    assert.strictEqual(outcome.error, undefined, JSON.stringify(outcome.error));
    assert.deepStrictEqual(outcome.toolCalls?.map((c) => [c.name, c.input, c.answeredBy]), [['get_weather', { city: 'Lisbon' }, 'mock']]);
    assert.ok(outcome.output.includes('"sky":"sunny"'), `the answer continues from the Lisbon mock: ${outcome.output}`);
    const converse = server.requests.filter((r) => /\/converse(-stream)?$/.test(r.path));
    assert.strictEqual(converse.length, 2, 'two model turns');
    assert.ok(JSON.stringify(converse[1].body).includes('toolResult'), 'the second turn carries the tool result');
    const record = fs
      .readFileSync(outcome.recordFile!, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { id: string; toolCalls?: unknown[]; turns?: { role: string }[] })
      .find((r) => r.id === outcome.runId);
    assert.strictEqual(record?.toolCalls?.length, 1);
    assert.deepStrictEqual(record?.turns?.map((t) => t.role), ['model', 'tool', 'model']);
  });
});
