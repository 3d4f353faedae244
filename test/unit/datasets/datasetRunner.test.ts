// The dataset runner with the real PromptRunner and real files: every case × model with at
// most N calls at once, records carrying datasetCaseId / datasetRunId / checks, cancel, resume
// of an interrupted run (only the missing pairs run again), and the scoreboard's pass rate.
import { promptDocument } from '../../../src/core/prompt/promptDocument';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { parseCheckSpecs } from '../../../src/core/datasets/checkSpecs';
import { parseDataset } from '../../../src/core/datasets/datasetFile';
import { listDatasetRuns } from '../../../src/core/datasets/datasetRuns';
import { runDataset } from '../../../src/core/datasets/datasetRunner';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import type { ModelProvider, ModelRequest, StreamEvent } from '../../../src/core/providers/types';
import { computeScoreboard } from '../../../src/core/ratings/scoreboard';
import { PromptRunner } from '../../../src/core/runs/promptRunner';
import { readRunHistory } from '../../../src/core/runs/runHistory';

const PROMPT = `---
name: shout
version: 3
model: gate/a
input:
  schema: {word: string}
workbench.checks:
  - notContains: forbidden
---
{{role "user"}}Say {{word}}.
`;

/** A provider whose calls take a few ms each and that counts how many run at once (a double for logic only). */
class CountingProvider implements ModelProvider {
  readonly id = 'gate';
  active = 0;
  maxActive = 0;
  calls: string[] = [];
  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    const text = request.messages.map((m) => m.content.map((p) => ('text' in p ? p.text : '')).join('')).join(' ');
    this.calls.push(`${request.modelId}:${text}`);
    try {
      yield { type: 'start' };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, request.modelId === 'slow' ? 400 : 8);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      if (signal.aborted) {
        yield { type: 'error', error: { kind: 'cancelled', message: 'The run was cancelled.' }, partial: false };
        return;
      }
      yield { type: 'text', text: `${request.modelId} says ${text}` };
      yield { type: 'usage', inputTokens: 3, outputTokens: 4 };
      yield { type: 'stop', stopReason: 'end_turn' };
    } finally {
      this.active--;
    }
  }
}

describe('Dataset runner (real PromptRunner and files)', function () {
  this.timeout(20000);
  let dir: string;
  let file: string;
  let provider: CountingProvider;
  let runner: PromptRunner;
  const rows = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ id: `c${i + 1}`, word: i === 1 ? 'forbidden' : `w${i + 1}`, checks: [{ contains: 'says' }] })).join('\n');

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-dsrun-'));
    file = path.join(dir, 'shout.prompt');
    fs.writeFileSync(file, PROMPT);
    provider = new CountingProvider();
    runner = new PromptRunner({ providers: new ProviderRegistry({ gate: () => provider }), catalog: new ModelCatalog(), workspaceFolder: dir, storeInputs: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const datasetOf = (n: number) => {
    const datasetFile = path.join(dir, 'datasets', 'words.jsonl');
    fs.mkdirSync(path.dirname(datasetFile), { recursive: true });
    fs.writeFileSync(datasetFile, rows(n));
    return parseDataset(rows(n), datasetFile, { requiredInputs: ['word'] });
  };
  const promptChecks = parseCheckSpecs([{ notContains: 'forbidden' }]).checks;

  it('runs every case on every model, never more than `concurrency` at once, recording checks with each run', async () => {
    const dataset = datasetOf(6);
    const progress: number[] = [];
    const result = await runDataset({ runner, document: promptDocument(PROMPT, file), dataset, models: ['gate/a', 'gate/b'], promptChecks, workspaceFolder: dir, concurrency: 3, onProgress: (p) => progress.push(p.done) });
    assert.equal(provider.calls.length, 12);
    assert.equal(provider.maxActive, 3, 'the bound is reached and never passed');
    assert.deepEqual(progress, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(result.cells.map((c) => `${c.caseId}/${c.model}`).slice(0, 4), ['c1/gate/a', 'c1/gate/b', 'c2/gate/a', 'c2/gate/b']);
    assert.ok(result.cells.every((c) => c.status === 'done'));
    const c2 = result.cells[2];
    assert.deepEqual(c2.checks!.map((o) => [o.check, o.pass]), [['notContains', false], ['contains', true]], 'prompt checks first, then the row\'s');
    assert.deepEqual(result.summary.map((s) => [s.model, s.checked, s.passed, s.passRate]), [['gate/a', 6, 5, 5 / 6], ['gate/b', 6, 5, 5 / 6]]);

    const { records } = await readRunHistory(path.join(dir, '.prompt-workbench', 'runs'));
    assert.equal(records.length, 12);
    assert.ok(records.every((r) => r.datasetRunId === result.datasetRunId && /^c\d$/.test(r.datasetCaseId!)));
    const rec = records.find((r) => r.datasetCaseId === 'c2' && r.model === 'gate/b')!;
    assert.deepEqual(rec.checks!.map((c) => c.pass), [false, true]);
    assert.deepEqual(rec.inputs, { word: 'forbidden' });
    // The scoreboard's pass rate reads the recorded checks.
    const row = computeScoreboard({ runs: records, ratings: [] }).rows.find((r) => r.model === 'gate/a')!;
    assert.equal(row.passRate, 5 / 6);
    const [status] = await listDatasetRuns(dir);
    assert.deepEqual([status.manifest.id, status.settled, status.total, status.interrupted], [result.datasetRunId, 12, 12, false]);
    assert.deepEqual(status.manifest.caseIds, ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    assert.equal(status.manifest.dataset.path, 'datasets/words.jsonl');
  });

  it('cancel stops the calls in flight and starts no more; resume runs only the missing pairs, under the same id', async () => {
    const dataset = datasetOf(5);
    const abort = new AbortController();
    const first = await runDataset({
      runner, document: promptDocument(PROMPT, file), dataset, models: ['gate/a', 'gate/slow'], workspaceFolder: dir, concurrency: 2, signal: abort.signal,
      onProgress: (p) => p.done === 3 && abort.abort(),
    });
    assert.equal(first.cancelled, true);
    const statuses = first.cells.map((c) => c.status);
    assert.ok(statuses.includes('not-run'), `some pairs never started: ${statuses}`);
    assert.ok(statuses.includes('cancelled') || statuses.filter((s) => s === 'done').length >= 3, `${statuses}`);
    const callsBefore = provider.calls.length;
    assert.ok(callsBefore < 10, `stopped early: ${callsBefore} calls`);
    const doneBefore = first.cells.filter((c) => c.status === 'done').length;
    const [interrupted] = await listDatasetRuns(dir, 'shout.prompt');
    assert.deepEqual([interrupted.interrupted, interrupted.settled, interrupted.total], [true, doneBefore, 10]);

    const resumed = await runDataset({ runner, document: promptDocument(PROMPT, file), dataset, models: ['gate/a', 'gate/slow'], workspaceFolder: dir, concurrency: 4, resumeId: first.datasetRunId });
    assert.equal(resumed.datasetRunId, first.datasetRunId);
    assert.ok(resumed.cells.every((c) => c.status === 'done'), `${resumed.cells.map((c) => c.status)}`);
    assert.equal(provider.calls.length - callsBefore, 10 - doneBefore, 'only the pairs without a settled record ran again');
    assert.equal(resumed.cells.filter((c) => c.resumed).length, doneBefore);
    const [finished] = await listDatasetRuns(dir);
    assert.deepEqual([finished.interrupted, finished.settled], [false, 10]);
    assert.equal((await listDatasetRuns(dir)).length, 1, 'a resume writes no second manifest');
  });

  it('a case the prompt cannot render fails in its cells without a model call', async () => {
    const ds = parseDataset('{"id":"ok","word":"a"}\n{"id":"none","other":"b"}\n', path.join(dir, 'x.jsonl'));
    const result = await runDataset({ runner, document: promptDocument(PROMPT, file), dataset: ds, models: ['gate/a'], concurrency: 1 });
    assert.deepEqual(result.cells.map((c) => c.status), ['done', 'failed']);
    assert.match(result.cells[1].error!.message, /no value for “word”/);
    assert.equal(provider.calls.length, 1);
  });
});
