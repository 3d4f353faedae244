// Rating where the output is, inside a real VS Code against the local Bedrock simulator: a
// rating from the run panel's host API lands in .prompt-workbench/ratings.jsonl linked to the
// run, the prompt version and its content hash; a change supersedes; blind mode hides the
// names in the state the comparison webview gets and records how each answer was shown;
// pairwise records name both sides; the Scoreboard follows an append made outside the window.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { startBedrockServer, type BedrockServer } from '../support/bedrockServer';
import { useFakeAwsEnv, useSimulatorSettings } from './simulatorSetup';
import { poll as pollUntil } from './poll';
import { COMMAND } from '../../src/host/commandIds';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';
const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const LLAMA = 'bedrock/meta.llama3-1-8b-instruct-v1:0';
const MISTRAL = 'bedrock/mistral.mistral-small-2402-v1:0';

const PROMPT = `---
name: rating-test
version: 2
model: ${NOVA}
config: {maxOutputTokens: 60}
input:
  schema: {topic: string}
  default: {topic: connection pools}
workbench.rubric: {accuracy: Facts match the input, concision: Short and to the point}
---
{{role "user"}}Say one sentence about {{topic}}.
`;

interface Rating {
  schema: string;
  id: string;
  rater: string | null;
  runId: string | null;
  prompt: { name: string; version: number; contentHash: string | null };
  model: string | null;
  kind: string;
  criterion: string;
  value: unknown;
  comment: string;
  tags: string[];
  blind: { shownAs: string; position: number; pair?: { A: { shownAs: string; position: number }; B: { shownAs: string; position: number } } } | null;
  supersedes: string | null;
  pair?: { A: { runId: string; model: string }; B: { runId: string; model: string } };
}
interface ShownColumn {
  model: string;
  runId: string | null;
  status: string;
  metrics: { costUsd: number | null };
}
interface ShownState {
  comparisonId: string | null;
  columns: ShownColumn[];
  ratings?: { blind: boolean; revealed: boolean; labels: string[] };
}
interface Row {
  prompt: string;
  version: number;
  model: string;
  n: number;
  stars: { mean: number | null };
}
interface Snapshot {
  prompt: string | null;
  rows: { row: Row; combined: number | null }[];
  problems: { count: number; first: { line: number } | null };
  recommendation: { model: string } | null;
}

const poll = <T>(what: string, fn: () => T | Promise<T>, timeoutMs = 15000) => pollUntil(what, fn, timeoutMs, 100);
const rate = (target: unknown, input: unknown) => vscode.commands.executeCommand<Rating>(COMMAND.rateOutput, target, input) as Promise<Rating>;

describe('Ratings: run panel, blind comparison, pairwise, scoreboard', function () {
  this.timeout(90000);
  let server: BedrockServer;
  let folder: vscode.WorkspaceFolder;
  let promptUri: vscode.Uri;
  let ratingsFile: string;
  let restoreSettings: (() => Promise<void>) | undefined;
  let restoreEnv: (() => void) | undefined;

  const lines = (): Rating[] =>
    fs.existsSync(ratingsFile) ? fs.readFileSync(ratingsFile, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Rating) : [];
  const runRecord = (runId: string): { prompt: { contentHash: string; version: number }; model: string } | undefined => {
    const dir = path.join(folder.uri.fsPath, '.prompt-workbench', 'runs');
    for (const f of fs.readdirSync(dir)) {
      for (const l of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        if (l.includes(runId)) return JSON.parse(l);
      }
    }
    return undefined;
  };

  before(async () => {
    restoreEnv = useFakeAwsEnv();
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f, 'the suite needs a workspace folder');
    folder = f;
    ratingsFile = path.join(folder.uri.fsPath, '.prompt-workbench', 'ratings.jsonl');
    promptUri = vscode.Uri.joinPath(folder.uri, 'prompts', 'rating-test.prompt');
    fs.writeFileSync(promptUri.fsPath, PROMPT);
    server = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 5 });
    restoreSettings = await useSimulatorSettings(folder, server.url, [['costGuard.thresholdUsd', 1000]]);
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    await restoreSettings?.();
    await server?.close();
    restoreEnv?.();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a rating in the run panel is linked to the run, the prompt version and its hash; a change supersedes it', async () => {
    const outcome = await vscode.commands.executeCommand<{ runId: string; error?: unknown }>(COMMAND.runPrompt, promptUri, { inputs: { topic: 'pools' } });
    assert.ok(outcome && !outcome.error, `the run succeeded: ${JSON.stringify(outcome?.error)}`);
    const before = lines().length;
    const first = await rate({ promptUri: promptUri.toString() }, { kind: 'stars', criterion: 'overall', value: 4 });
    const record = runRecord(outcome.runId);
    assert.ok(record, 'the run was recorded');
    assert.strictEqual(first.schema, 'prompt-workbench.rating/1');
    assert.match(first.id, /^g_[0-9A-Z]{26}$/);
    assert.strictEqual(first.runId, outcome.runId);
    assert.deepStrictEqual(first.prompt, { name: 'rating-test', version: 2, contentHash: record.prompt.contentHash });
    assert.strictEqual(first.model, NOVA);
    assert.strictEqual(first.kind, 'stars');
    assert.strictEqual(first.value, 4);
    assert.strictEqual(first.blind, null);
    assert.strictEqual(first.supersedes, null);
    assert.ok(first.rater && first.rater.length > 0, 'the rater is named (git user.name or the OS user)');

    const changed = await rate({ promptUri: promptUri.toString() }, { kind: 'stars', criterion: 'overall', value: 2, comment: 'misses the owner', tags: ['owners', ' '] });
    assert.strictEqual(changed.supersedes, first.id, 'the changed rating supersedes the first');
    assert.deepStrictEqual([changed.comment, changed.tags], ['misses the owner', ['owners']]);
    const accuracy = await rate({ promptUri: promptUri.toString() }, { kind: 'stars', criterion: 'accuracy', value: 5 });
    assert.strictEqual(accuracy.criterion, 'accuracy');
    assert.strictEqual(accuracy.supersedes, null, 'another criterion is its own rating');
    const thumbs = await rate({ promptUri: promptUri.toString() }, { kind: 'thumbs', value: 'down' });
    assert.deepStrictEqual([thumbs.kind, thumbs.value, thumbs.supersedes], ['thumbs', 'down', null]);

    const written = lines().slice(before);
    assert.deepStrictEqual(written.map((r) => r.id), [first.id, changed.id, accuracy.id, thumbs.id], 'each rating is one appended line, in order');
    assert.deepStrictEqual(written[1], changed, 'the line is the record the command returned');
  });

  it('blind comparison: names, run ids and costs hidden from the webview, shown position recorded, revealed once all are rated; pairwise names both sides', async () => {
    const result = await vscode.commands.executeCommand<{ comparisonId: string; runs: { runId: string; model: string; error?: unknown }[] }>(COMMAND.compareModels, promptUri, {
      inputs: { topic: 'pools' },
      models: [NOVA, LLAMA, MISTRAL],
    });
    assert.ok(result?.comparisonId, 'the comparison ran');
    for (const r of result.runs) assert.strictEqual(r.error, undefined, `${r.model}: ${JSON.stringify(r.error)}`);
    const shown = await vscode.commands.executeCommand<ShownState>(COMMAND.toggleBlindRating, true, result.comparisonId);
    assert.ok(shown, 'blind mode is on for the open comparison');
    assert.deepStrictEqual(shown.columns.map((c) => c.model), ['Model A', 'Model B', 'Model C']);
    for (const c of shown.columns) {
      assert.strictEqual(c.runId, null, 'no run id reaches the webview');
      assert.strictEqual(c.metrics.costUsd, null, 'no cost reaches the webview');
    }
    // Everything the webview gets, the answers included (the simulator names its model in each answer).
    const visible = JSON.stringify(shown.columns);
    assert.ok(shown.columns.every((c) => (c as unknown as { output: string }).output.includes('Model ')), 'the answers name the shown letter instead');
    for (const m of [NOVA, LLAMA, MISTRAL]) assert.ok(!visible.includes(m) && !visible.includes(m.slice('bedrock/'.length)), `${m} is not in what the webview gets`);
    assert.deepStrictEqual([shown.ratings?.blind, shown.ratings?.revealed, shown.ratings?.labels], [true, false, ['A', 'B', 'C']]);

    const target = (column: number) => ({ comparisonId: result.comparisonId, column });
    const a = await rate(target(0), { kind: 'stars', criterion: 'overall', value: 5 });
    const b = await rate(target(1), { kind: 'stars', criterion: 'overall', value: 3 });
    assert.deepStrictEqual(a.blind, { shownAs: 'A', position: 0 });
    assert.deepStrictEqual(b.blind, { shownAs: 'B', position: 1 });
    const pair = await rate({ comparisonId: result.comparisonId }, { kind: 'pairwise', a: 0, b: 2, value: 'B' });
    const stillHidden = await vscode.commands.executeCommand<ShownState>(COMMAND.revealBlindRating, 'c_not-this-one');
    assert.strictEqual(stillHidden, undefined, 'an unknown comparison reveals nothing');

    const c = await rate(target(2), { kind: 'stars', criterion: 'overall', value: 1 });
    assert.deepStrictEqual(c.blind, { shownAs: 'C', position: 2 });
    // Every answer has an overall rating: the names are revealed, so the next rating is not blind.
    const again = await rate(target(0), { kind: 'stars', criterion: 'overall', value: 4 });
    assert.strictEqual(again.blind, null, 'rated after the reveal: not blind');
    assert.strictEqual(again.supersedes, a.id, 'and it supersedes the blind rating of the same answer');
    const session = lines().filter((r) => r.runId && result.runs.some((x) => x.runId === r.runId));
    assert.strictEqual(session.length, 4, 'three blind star ratings and the edit are recorded');
    const modelsByPosition = [a, b, c].map((r) => r.model);
    assert.deepStrictEqual([...modelsByPosition].sort(), [LLAMA, MISTRAL, NOVA].sort(), 'each shown column was a different model');
    assert.notDeepStrictEqual(modelsByPosition, [NOVA, LLAMA, MISTRAL], 'the columns were shuffled');
    for (const r of [a, b, c]) {
      const run = result.runs.find((x) => x.runId === r.runId);
      assert.strictEqual(run?.model, r.model, 'the record names the model that made the rated run');
    }
    assert.strictEqual(pair.kind, 'pairwise');
    assert.strictEqual(pair.model, null);
    assert.strictEqual(pair.value, 'B');
    assert.strictEqual(pair.runId, null);
    assert.deepStrictEqual(pair.pair, { A: { runId: a.runId, model: a.model }, B: { runId: c.runId, model: c.model } });
    assert.deepStrictEqual(pair.blind, { shownAs: 'A', position: 0, pair: { A: { shownAs: 'A', position: 0 }, B: { shownAs: 'C', position: 2 } } });
  });

  it('revealed after every answer is rated: the webview gets the names back in the same order', async () => {
    const result = await vscode.commands.executeCommand<{ comparisonId: string; runs: { runId: string; model: string }[] }>(COMMAND.compareModels, promptUri, {
      inputs: { topic: 'timeouts' },
      models: [NOVA, LLAMA],
    });
    const hidden = await vscode.commands.executeCommand<ShownState>(COMMAND.toggleBlindRating, true, result.comparisonId);
    assert.deepStrictEqual(hidden.columns.map((c) => c.model), ['Model A', 'Model B']);
    const first = await rate({ comparisonId: result.comparisonId, column: 0 }, { kind: 'thumbs', value: 'up' });
    const second = await rate({ comparisonId: result.comparisonId, column: 1 }, { kind: 'stars', criterion: 'overall', value: 2 });
    const shown = await vscode.commands.executeCommand<ShownState>(COMMAND.revealBlindRating, result.comparisonId);
    assert.deepStrictEqual(shown.columns.map((c) => c.model), [first.model, second.model], 'names shown where they were rated');
    assert.ok(shown.ratings?.revealed, 'the panel says it is revealed');
    assert.ok(shown.columns.every((c) => c.runId), 'run ids are back');
    const after = await rate({ comparisonId: result.comparisonId, column: 1 }, { kind: 'stars', criterion: 'overall', value: 3 });
    assert.strictEqual(after.blind, null, 'a rating given after the names were revealed is not blind');
    assert.strictEqual(after.supersedes, second.id);
  });

  it('the scoreboard shows the ratings and follows an append made outside this window; a corrupt line is reported and skipped', async () => {
    const open = (options?: unknown) => vscode.commands.executeCommand<Snapshot>(COMMAND.openScoreboard, options) as Promise<Snapshot>;
    const snapshot = await open({ filters: { prompt: 'rating-test' } });
    assert.strictEqual(snapshot.prompt, 'rating-test');
    const nova = () => snapshot.rows.find((r) => r.row.model === NOVA && r.row.version === 2);
    assert.ok(nova(), `a row for nova v2: ${JSON.stringify(snapshot.rows.map((r) => [r.row.model, r.row.version]))}`);
    const llamaBefore = snapshot.rows.find((r) => r.row.model === LLAMA)?.row.n ?? 0;
    const someLlamaRun = lines().find((r) => r.model === LLAMA)?.runId ?? null;
    const line = {
      schema: 'prompt-workbench.rating/1', id: 'g_01JEXTERNAL000000000000000', ts: new Date().toISOString(), rater: 'someone-else', runId: someLlamaRun,
      prompt: { name: 'rating-test', version: 2, contentHash: null }, model: LLAMA, kind: 'stars', criterion: 'overall', value: 5, comment: '', tags: [], blind: null, supersedes: null,
    };
    const lineCount = lines().length;
    fs.appendFileSync(ratingsFile, '{"schema": "prompt-workbench.rating/1", broken\n' + JSON.stringify(line) + '\n');
    const updated = await poll('the scoreboard to count the appended rating', async () => {
      const s = await open();
      const n = s.rows.find((r) => r.row.model === LLAMA)?.row.n ?? 0;
      return n === llamaBefore + 1 ? s : undefined;
    });
    assert.strictEqual(updated.problems.count, 1, 'one corrupt line reported');
    assert.strictEqual(updated.problems.first?.line, lineCount + 1, 'with its line number');
    assert.ok(updated.recommendation, 'a model is recommended');

    const exported = vscode.Uri.joinPath(folder.uri, 'scoreboard-export.csv');
    await vscode.commands.executeCommand(COMMAND.exportScoreboard, 'csv', exported);
    const csv = fs.readFileSync(exported.fsPath, 'utf8').split('\r\n');
    assert.match(csv[0], /^prompt,version,model,n,stars_mean/);
    assert.ok(csv.some((l) => l.startsWith(`rating-test,2,${LLAMA},`)), 'the CSV has the llama row');
  });
});
