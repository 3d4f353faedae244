import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findComparison, groupComparisons, latestComparison, readComparisons, readRunHistory } from '../../../src/core/runs/runHistory';
import { RUN_SCHEMA, type RunRecord } from '../../../src/core/runs/runRecord';
import { finishedColumn, interruptedState, stateFromRecords, streamingColumn } from '../../../src/host/compare/compareState';

let seq = 0;
function record(over: Partial<RunRecord> & { ts: string }): RunRecord {
  seq++;
  return {
    schema: RUN_SCHEMA,
    id: `r_${String(seq).padStart(26, '0')}`,
    comparisonId: null,
    prompt: { name: 'email-summary', version: 3, contentHash: '3f9a1c2b', path: 'prompts/email-summary.prompt' },
    model: 'bedrock/amazon.nova-lite-v1:0',
    config: {},
    inputsHash: 'sha256:x',
    output: 'answer',
    stopReason: 'end_turn',
    metrics: { ttftMs: 100, latencyMs: 900, inputTokens: 10, outputTokens: 20, costUsd: 0.0001 },
    error: null,
    partial: false,
    datasetCaseId: null,
    ...over,
  };
}

describe('run history: comparisons from the runs files', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-history-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, lines: (RunRecord | string)[]) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, name), lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  };

  it('groups by comparison id, newest first, columns in column order, the latest attempt of a retried column', () => {
    const a0 = record({ ts: '2026-11-29T10:00:00.000Z', comparisonId: 'c_A', comparisonColumn: 1, model: 'bedrock/m2' });
    const a1 = record({ ts: '2026-11-29T10:00:00.000Z', comparisonId: 'c_A', comparisonColumn: 0, model: 'bedrock/m1' });
    const a1retry = record({ ts: '2026-11-29T10:00:05.000Z', comparisonId: 'c_A', comparisonColumn: 0, model: 'bedrock/m1', output: 'second try' });
    const single = record({ ts: '2026-11-29T11:00:00.000Z' });
    const b = record({ ts: '2026-11-29T12:00:00.000Z', comparisonId: 'c_B', comparisonColumn: 0 });
    const groups = groupComparisons([a0, a1, single, a1retry, b]);
    assert.deepEqual(groups.map((g) => g.comparisonId), ['c_B', 'c_A'], 'newest first; a single run is not a comparison');
    const a = groups[1];
    assert.deepEqual(a.columns.map((r) => r.model), ['bedrock/m1', 'bedrock/m2']);
    assert.equal(a.columns[0].output, 'second try');
    assert.equal(a.runCount, 3);
    assert.equal(a.ts, '2026-11-29T10:00:00.000Z');
  });

  it('records without a column (older ones, other tools) get one column per model', () => {
    const r1 = record({ ts: '2026-11-29T10:00:00.000Z', comparisonId: 'c_X', model: 'bedrock/a' });
    const r2 = record({ ts: '2026-11-29T10:00:00.001Z', comparisonId: 'c_X', model: 'bedrock/b' });
    const r1again = record({ ts: '2026-11-29T10:00:03.000Z', comparisonId: 'c_X', model: 'bedrock/a', output: 'again' });
    const [g] = groupComparisons([r2, r1again, r1]);
    assert.deepEqual(g.columns.map((r) => [r.model, r.output]), [['bedrock/a', 'again'], ['bedrock/b', 'answer']]);
  });

  it('skips and reports corrupt lines with file and line number, keeping every other line', async () => {
    const good1 = record({ ts: '2026-11-29T10:00:00.000Z', comparisonId: 'c_1', comparisonColumn: 0 });
    const good2 = record({ ts: '2026-11-29T10:00:00.000Z', comparisonId: 'c_1', comparisonColumn: 1 });
    write('2026-11.jsonl', [good1, '{"schema":"prompt-workbench.run/1","id":"r_trunc', good2, '{"schema":"something-else/1","id":"x","model":"m"}', '[1,2]']);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a runs file');
    const history = await readRunHistory(dir);
    assert.deepEqual(history.records.map((r) => r.id), [good1.id, good2.id]);
    assert.deepEqual(history.problems.map((p) => [path.basename(p.file), p.line]), [['2026-11.jsonl', 2], ['2026-11.jsonl', 4], ['2026-11.jsonl', 5]]);
    assert.match(history.problems[0].message, /not valid JSON/);
    assert.match(history.problems[1].message, /schema/);
    const { comparisons, problems } = await readComparisons(dir);
    assert.equal(comparisons.length, 1);
    assert.equal(comparisons[0].columns.length, 2);
    assert.equal(problems.length, 3);
  });

  it('reads months oldest first; the latest comparison comes from the newest month that has one', async () => {
    const other = { name: 'other', version: 1, contentHash: 'abc', path: 'prompts/other.prompt' };
    write('2026-10.jsonl', [
      record({ ts: '2026-10-30T10:00:00.000Z', comparisonId: 'c_other', comparisonColumn: 0, prompt: other }),
      record({ ts: '2026-10-31T23:59:00.000Z', comparisonId: 'c_old', comparisonColumn: 0 }),
    ]);
    write('2026-11.jsonl', [
      record({ ts: '2026-11-02T09:00:00.000Z', comparisonId: 'c_new', comparisonColumn: 0 }),
      record({ ts: '2026-11-03T09:00:00.000Z' }),
    ]);
    write('2026-12.jsonl', [record({ ts: '2026-12-01T09:00:00.000Z' })]);
    const history = await readRunHistory(dir);
    assert.deepEqual(history.records.map((r) => r.ts.slice(0, 7)), ['2026-10', '2026-10', '2026-11', '2026-11', '2026-12']);
    assert.equal((await latestComparison(dir))?.comparisonId, 'c_new');
    assert.equal((await latestComparison(dir, 'prompts/other.prompt'))?.comparisonId, 'c_other', 'the newest of one prompt file, from an older month');
    assert.equal((await findComparison(dir, 'c_old'))?.columns.length, 1);
    assert.equal(await findComparison(dir, 'c_missing'), undefined);
    assert.equal((await readRunHistory(dir, { maxFiles: 1 })).records.length, 1, 'maxFiles reads the newest months only');
  });

  it('a workspace without runs has no history and no problems', async () => {
    const none = path.join(dir, 'no-such-folder');
    assert.deepEqual(await readRunHistory(none), { records: [], problems: [] });
    assert.equal(await latestComparison(none), undefined);
  });
});

describe('comparison panel state from outcomes and records', () => {
  it('a stopped column is cancelled (no error box), a failed one keeps its error, a good one is done', () => {
    const start = streamingColumn(0, 'bedrock/m', 1000);
    const metrics = { ttftMs: 10, latencyMs: 50, inputTokens: 1, outputTokens: 2, costUsd: null };
    const base = { runId: 'r_1', model: 'bedrock/m', stopReason: null, metrics, partial: false };
    assert.equal(finishedColumn(start, { ...base, output: 'ok' }).status, 'done');
    const stopped = finishedColumn(start, { ...base, output: 'half', partial: true, error: { kind: 'cancelled', message: 'The run was cancelled.' } });
    assert.deepEqual([stopped.status, stopped.error, stopped.partial], ['cancelled', null, true]);
    const failed = finishedColumn(start, { ...base, output: '', error: { kind: 'throttled', message: 'Slow down.' } });
    assert.deepEqual([failed.status, failed.error], ['failed', { kind: 'throttled', message: 'Slow down.' }]);
  });

  it('a column notes a guardrail that stepped in (live and reopened from the records), and nothing when it let the call through', () => {
    const start = streamingColumn(0, 'bedrock/m', 1000);
    const metrics = { ttftMs: 10, latencyMs: 50, inputTokens: 1, outputTokens: 0, costUsd: null };
    const base = { runId: 'r_1', model: 'bedrock/m', stopReason: 'guardrail_intervened', metrics, partial: false, output: 'Sorry, the model cannot answer this question.' };
    const blocked = finishedColumn(start, { ...base, guardrail: { id: 'gr-abc', version: '1', intervened: true, stage: 'input', reasons: ['content filter VIOLENCE (HIGH)'] } });
    assert.deepEqual(blocked.guardrail, { id: 'gr-abc', stage: 'input', reasons: ['content filter VIOLENCE (HIGH)'] });
    assert.equal(blocked.status, 'done', 'the guardrail message is the answer, not an error');
    assert.equal(finishedColumn(start, { ...base, guardrail: { id: 'gr-abc', version: '1', intervened: false, reasons: [] } }).guardrail, null);
    assert.equal(finishedColumn(start, { ...base }).guardrail, null);
    const recorded = record({ ts: '2026-11-29T10:00:00.000Z', comparisonId: 'c_G', comparisonColumn: 0, model: 'bedrock/a', guardrail: { id: 'local-deny-list', version: 'settings', intervened: true, stage: 'output', reasons: ['deny list: "secret"'] } });
    const [summary] = groupComparisons([recorded]);
    assert.deepEqual(stateFromRecords(summary, null, null).columns[0].guardrail, { id: 'local-deny-list', stage: 'output', reasons: ['deny list: "secret"'] });
  });

  it("a reopened comparison (after a reload too) shows the workspace sources its prompt was given, from the records or the saved panel", () => {
    const retrieved = [{ id: 'k1', path: 'docs/runbook.md', startLine: 3, endLine: 9, score: 0.81 }];
    const a = record({ ts: '2026-11-29T10:00:00.000Z', comparisonId: 'c_S', comparisonColumn: 0, model: 'bedrock/a', retrieved });
    const b = record({ ts: '2026-11-29T10:00:00.000Z', comparisonId: 'c_S', comparisonColumn: 1, model: 'bedrock/b', retrieved });
    const [summary] = groupComparisons([a, b]);
    assert.deepEqual(stateFromRecords(summary, 'file:///ws', null).sources, [{ path: 'docs/runbook.md', startLine: 3, endLine: 9, score: 0.81 }]);
    // Records without them (written before sources were recorded): what the saved panel showed.
    const [old] = groupComparisons([record({ ts: '2026-11-29T10:00:00.000Z', comparisonId: 'c_T', comparisonColumn: 0, model: 'bedrock/a' })]);
    const saved = { ...stateFromRecords(old, 'file:///ws', null), sources: [{ path: 'docs/a.md', startLine: 1, endLine: 2, score: 0.5 }] };
    assert.deepEqual(stateFromRecords(old, 'file:///ws', null, saved).sources, saved.sources);
    assert.equal(stateFromRecords(old, 'file:///ws', null).sources, null);
  });

  it('a reopened comparison keeps the column order; columns that were streaming at a reload stay, cancelled', () => {
    const c0 = record({ ts: '2026-11-29T10:00:00.000Z', comparisonId: 'c_R', comparisonColumn: 0, model: 'bedrock/a' });
    const c2 = record({ ts: '2026-11-29T10:00:00.000Z', comparisonId: 'c_R', comparisonColumn: 2, model: 'bedrock/c', error: { kind: 'access-denied', message: 'No access.' } });
    const [summary] = groupComparisons([c2, c0]);
    const saved = interruptedState({
      comparisonId: 'c_R',
      promptName: 'email-summary',
      promptVersion: 3,
      promptPath: 'prompts/email-summary.prompt',
      workspaceFolder: 'file:///ws',
      columns: [streamingColumn(0, 'bedrock/a', 0), { ...streamingColumn(1, 'bedrock/b', 0), output: 'half an answer' }, streamingColumn(2, 'bedrock/c', 0)],
      origin: 'live',
      endpointNotice: null,
      notice: null,
    });
    assert.equal(saved.columns[1].status, 'cancelled');
    assert.equal(saved.columns[1].partial, true);
    const state = stateFromRecords(summary, 'file:///ws', null, saved);
    assert.equal(state.origin, 'record');
    assert.deepEqual(state.columns.map((c) => [c.column, c.model, c.status]), [
      [0, 'bedrock/a', 'done'],
      [1, 'bedrock/b', 'cancelled'],
      [2, 'bedrock/c', 'failed'],
    ]);
    assert.equal(state.columns[1].output, 'half an answer');
    assert.equal(state.columns[2].error?.message, 'No access.');
    assert.equal(state.columns[0].runId, c0.id);
  });
});
