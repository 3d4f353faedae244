// Datasets inside a real VS Code against the local Bedrock simulator: Run Dataset on the sample
// workspace's prompts/dataset-demo.prompt (workbench.dataset: datasets/emails.jsonl, four cases
// with checks) on two models; the grid's state, the run records with datasetCaseId, datasetRunId
// and checks, the manifest; Resume after lost results runs only the missing pairs; Add to
// Dataset appends the last run's inputs (and answer as reference) and sets workbench.dataset.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunDatasetResult } from '../../src/host/datasets/datasetController';
import type { AddToDatasetResult } from '../../src/host/datasets/datasetCommands';
import { appendRating } from '../../src/core/ratings/ratingsStore';
import { startBedrockServer, type BedrockServer } from '../support/bedrockServer';
import { useFakeAwsEnv, useSimulatorSettings } from './simulatorSetup';
import { poll } from './poll';
import { COMMAND } from '../../src/host/commandIds';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';
const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const LLAMA = 'bedrock/meta.llama3-1-8b-instruct-v1:0';

function runRecords(folder: string): Array<Record<string, any>> {
  const dir = path.join(folder, '.prompt-workbench', 'runs');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) =>
    fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)),
  );
}

describe('Datasets: Run Dataset, Resume, Add to Dataset (local Bedrock simulator)', function () {
  this.timeout(90000);
  let server: BedrockServer;
  let folder: vscode.WorkspaceFolder;
  let promptUri: vscode.Uri;
  let first: RunDatasetResult;
  let restoreSettings: (() => Promise<void>) | undefined;
  let restoreEnv: (() => void) | undefined;
  const cleanup: string[] = [];

  before(async () => {
    restoreEnv = useFakeAwsEnv();
    folder = vscode.workspace.workspaceFolders![0];
    promptUri = vscode.Uri.joinPath(folder.uri, 'prompts', 'dataset-demo.prompt');
    assert.ok(fs.existsSync(promptUri.fsPath), `${promptUri.fsPath} exists`);
    server = await startBedrockServer({ tokenDelayMs: 0, firstTokenDelayMs: 5 });
    restoreSettings = await useSimulatorSettings(folder, server.url, [['runs.storeInputs', true], ['datasets.judgeModel', 'bedrock/anthropic.sim-judge-v1:0']]);
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    await restoreSettings?.();
    await server?.close();
    restoreEnv?.();
    for (const f of cleanup) fs.rmSync(f, { force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Run Dataset runs every case on the prompt\'s two models and fills the grid with outputs, checks and pass rates', async () => {
    const result = await vscode.commands.executeCommand<RunDatasetResult | undefined>(COMMAND.runDataset, promptUri, { resume: false });
    assert.ok(result, 'Run Dataset resolved with a result');
    first = result;
    const { state } = result;
    assert.match(result.datasetRunId, /^d_[0-9A-Z]{26}$/);
    assert.strictEqual(state.status, 'done');
    assert.strictEqual(state.datasetPath, 'datasets/emails.jsonl');
    assert.deepStrictEqual(state.models, [NOVA, LLAMA], 'model + workbench.compare');
    assert.deepStrictEqual(state.cases.map((c) => c.id), ['launch-date', 'pool-size', 'v1-sunset', 'refund-policy']);
    assert.strictEqual(state.cells.length, 8);
    for (const cell of state.cells) {
      assert.strictEqual(cell.status, 'done', `${cell.caseId} on ${cell.model}: ${cell.error}`);
      assert.ok(cell.output.includes(cell.model.slice('bedrock/'.length)), 'the simulator names the model');
      assert.ok(cell.runId && cell.latencyMs !== null);
      assert.ok(cell.checks && cell.checks.length >= 3, 'prompt checks + the row\'s');
    }
    const refund = state.cells.find((c) => c.caseId === 'refund-policy' && c.model === NOVA)!;
    assert.deepStrictEqual(refund.checks!.map((c) => [c.check, c.pass]), [['maxLength', true], ['notContains', true], ['contains', false]]);
    const judged = state.cells.find((c) => c.caseId === 'pool-size' && c.model === NOVA)!.checks!.find((c) => c.check === 'llmJudge')!;
    assert.ok(judged.pass && /sim-judge/.test(judged.detail), judged.detail);
    assert.deepStrictEqual(state.summary.map((s) => [s.model, s.passed, s.checked]), [[NOVA, 3, 4], [LLAMA, 3, 4]]);
    await poll('a "Dataset: dataset-demo" tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.label === 'Dataset: dataset-demo'));
  });

  it('records each call with datasetCaseId, datasetRunId, its inputs and check outcomes; the manifest names the run', () => {
    const mine = runRecords(folder.uri.fsPath).filter((r) => r.datasetRunId === first.datasetRunId);
    assert.strictEqual(mine.length, 8);
    assert.deepStrictEqual(new Set(mine.map((r) => r.datasetCaseId)), new Set(['launch-date', 'pool-size', 'v1-sunset', 'refund-policy']));
    for (const r of mine) {
      assert.strictEqual(r.prompt.name, 'dataset-demo');
      assert.ok(Array.isArray(r.checks) && r.checks.every((c: { check: string; pass: boolean; detail: string }) => typeof c.pass === 'boolean' && c.detail));
      assert.strictEqual(typeof r.inputs.email, 'string', 'runs.storeInputs is on');
    }
    const manifests = fs.readFileSync(path.join(folder.uri.fsPath, '.prompt-workbench', 'dataset-runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const manifest = manifests.find((m) => m.id === first.datasetRunId);
    assert.deepStrictEqual([manifest.schema, manifest.dataset.path, manifest.models, manifest.caseIds.length], ['prompt-workbench.datasetRun/1', 'datasets/emails.jsonl', [NOVA, LLAMA], 4]);
  });

  it('Resume runs only the pairs that have no result (lines lost in a crash), under the same dataset run id', async () => {
    const runsDir = path.join(folder.uri.fsPath, '.prompt-workbench', 'runs');
    // A crash that lost three results: drop their lines from the month file.
    let dropped = 0;
    for (const f of fs.readdirSync(runsDir)) {
      const file = path.join(runsDir, f);
      const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
      const kept = lines.filter((l) => {
        const r = JSON.parse(l);
        if (r.datasetRunId === first.datasetRunId && r.datasetCaseId !== 'launch-date' && r.model === LLAMA && dropped < 3) {
          dropped++;
          return false;
        }
        return true;
      });
      fs.writeFileSync(file, kept.join('\n') + '\n');
    }
    assert.strictEqual(dropped, 3);
    const calls = () => server.requests.filter((q) => q.path.includes('converse') && !q.modelId?.includes('sim-judge')).length;
    // The response cache would answer the lost pairs without a call: empty it, so the calls count what Resume asks for.
    const cleared = await vscode.commands.executeCommand<{ entries: number } | undefined>(COMMAND.clearResponseCache);
    assert.ok(cleared && cleared.entries > 0, 'the first run filled the response cache');
    const before = calls();
    const resumed = await vscode.commands.executeCommand<RunDatasetResult | undefined>(COMMAND.runDataset, promptUri, { resume: first.datasetRunId });
    assert.ok(resumed);
    assert.strictEqual(resumed.datasetRunId, first.datasetRunId);
    assert.strictEqual(calls() - before, 3, 'only the three missing pairs were called');
    assert.ok(resumed.state.cells.every((c) => c.status === 'done'));
    assert.strictEqual(runRecords(folder.uri.fsPath).filter((r) => r.datasetRunId === first.datasetRunId).length, 8);
  });

  it('Export Fine-Tuning Data writes the outputs rated 4+ stars as Bedrock conversations', async () => {
    const cell = first.state.cells.find((c) => c.caseId === 'launch-date' && c.model === NOVA)!;
    const record = runRecords(folder.uri.fsPath).find((r) => r.id === cell.runId)!;
    await appendRating(path.join(folder.uri.fsPath, '.prompt-workbench', 'ratings.jsonl'), {
      kind: 'stars', value: 5, runId: cell.runId, model: NOVA, prompt: { name: 'dataset-demo', version: 1, contentHash: record.prompt.contentHash },
    });
    const target = path.join(folder.uri.fsPath, 'datasets', 'dataset-demo-finetune.jsonl');
    cleanup.push(target);
    const exported = await vscode.commands.executeCommand<{ file: string; examples: number } | undefined>(COMMAND.exportFineTuneData, { prompt: 'dataset-demo', minStars: 4, target });
    assert.deepStrictEqual(exported, { file: target, examples: 1 });
    const [line] = fs.readFileSync(target, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.strictEqual(line.schemaVersion, 'bedrock-conversation-2024');
    assert.match(line.system[0].text, /^You summarize email threads/);
    assert.deepStrictEqual(line.messages.map((m: { role: string }) => m.role), ['user', 'assistant']);
    assert.match(line.messages[0].content[0].text, /^Subject: Go\/no-go for the Orders API v2 launch/);
    assert.strictEqual(line.messages[1].content[0].text, cell.output);
  });

  it('Add to Dataset appends the last run\'s inputs and answer as a JSONL row and sets workbench.dataset', async () => {
    const prompt = path.join(folder.uri.fsPath, 'prompts', 'add-case-demo.prompt');
    const datasetFile = path.join(folder.uri.fsPath, 'datasets', 'add-case-demo.jsonl');
    cleanup.push(prompt, datasetFile);
    fs.writeFileSync(prompt, `---\nname: add-case-demo\nversion: 1\nmodel: ${NOVA}\ninput:\n  schema: {topic: string}\n---\n{{role "user"}}Explain {{topic}}.\n`);
    const uri = vscode.Uri.file(prompt);
    await vscode.window.showTextDocument(uri);
    const run = await vscode.commands.executeCommand<{ output: string; error?: unknown }>(COMMAND.runPrompt, uri, { inputs: { topic: 'rate limits' } });
    assert.ok(run && !run.error && run.output.length > 0, JSON.stringify(run?.error));
    const added = await vscode.commands.executeCommand<AddToDatasetResult | undefined>(COMMAND.addToDataset, uri, { reference: true, setDefault: true });
    assert.ok(added, 'Add to Dataset resolved');
    assert.strictEqual(added.file, datasetFile);
    const rows = fs.readFileSync(datasetFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepStrictEqual(rows, [{ topic: 'rate limits', reference: run.output }]);
    await poll('workbench.dataset in the prompt', () => fs.readFileSync(prompt, 'utf8').includes('workbench.dataset: datasets/add-case-demo.jsonl\n---'));
    // A second case goes to the same file, now named by the prompt.
    await vscode.commands.executeCommand(COMMAND.runPrompt, uri, { inputs: { topic: 'retries' } });
    const second = await vscode.commands.executeCommand<AddToDatasetResult | undefined>(COMMAND.addToDataset, uri, { reference: false });
    assert.strictEqual(second?.file, datasetFile);
    assert.deepStrictEqual(fs.readFileSync(datasetFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l))[1], { topic: 'retries' });
  });
});
