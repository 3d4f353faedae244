import * as assert from 'node:assert/strict';
import { EMPTY_METRICS, finishedColumn, interruptedColumn, streamingColumn, type ColumnOutcome } from '../../../src/core/runs/column';

/** A run is a comparison of one: the run panel and Compare map every outcome with this one function. */
describe('the outcome → column mapper (run panel and Compare)', () => {
  const started = streamingColumn(1, 'bedrock/m', 1000);
  const metrics = { ttftMs: 120, latencyMs: 900, inputTokens: 10, outputTokens: 20, costUsd: 0.001 };
  const outcome = (o: Partial<ColumnOutcome>): ColumnOutcome => ({ output: '', metrics, partial: false, runId: 'r_1', ...o });

  it('a streaming column starts empty', () => {
    assert.deepEqual(started, { column: 1, model: 'bedrock/m', status: 'streaming', output: '', metrics: { ...EMPTY_METRICS }, startedAt: 1000, error: null, partial: false, runId: null });
    assert.throws(() => ((EMPTY_METRICS as { ttftMs: number | null }).ttftMs = 1), 'the shared empty metrics cannot be changed by one column');
  });

  it('complete: done, the whole answer, metrics and run id, no error, not partial', () => {
    const c = finishedColumn(started, outcome({ output: 'All of it.' }));
    assert.deepEqual(
      { status: c.status, output: c.output, metrics: c.metrics, error: c.error, partial: c.partial, runId: c.runId, guardrail: c.guardrail, column: c.column, startedAt: c.startedAt },
      { status: 'done', output: 'All of it.', metrics, error: null, partial: false, runId: 'r_1', guardrail: null, column: 1, startedAt: 1000 },
    );
  });

  it('stopped after tokens: cancelled (not an error), the text kept and partial, even if the outcome did not say partial', () => {
    const c = finishedColumn(started, outcome({ output: 'Half', error: { kind: 'cancelled', message: 'Stopped.' } }));
    assert.deepEqual([c.status, c.error, c.partial, c.output], ['cancelled', null, true, 'Half']);
  });

  it('stopped before any token: cancelled, nothing partial', () => {
    const c = finishedColumn(started, outcome({ error: { kind: 'cancelled', message: 'Stopped.' }, runId: '' }));
    assert.deepEqual([c.status, c.error, c.partial, c.runId], ['cancelled', null, false, null]);
  });

  it('an error before any token: failed with its message, not partial', () => {
    const c = finishedColumn(started, outcome({ error: { kind: 'throttled', message: 'Too many requests.' } }));
    assert.deepEqual([c.status, c.error, c.partial, c.output], ['failed', { kind: 'throttled', message: 'Too many requests.' }, false, '']);
  });

  it('an error after tokens: failed, the text that arrived kept as partial', () => {
    const c = finishedColumn(started, outcome({ output: 'The first', partial: true, error: { kind: 'network', message: 'Connection reset.' } }));
    assert.deepEqual([c.status, c.error?.kind, c.partial, c.output], ['failed', 'network', true, 'The first']);
  });

  it('blocked by a guardrail: done with the guardrail’s note (id, stage, reasons); one that did not intervene leaves no note', () => {
    const blocked = finishedColumn(
      started,
      outcome({ output: 'Sorry, I cannot help with that.', guardrail: { id: 'gr-1', version: '1', intervened: true, stage: 'input', reasons: ['content filter VIOLENCE (HIGH)'] } }),
    );
    assert.equal(blocked.status, 'done');
    assert.deepEqual(blocked.guardrail, { id: 'gr-1', stage: 'input', reasons: ['content filter VIOLENCE (HIGH)'] });
    const passed = finishedColumn(started, outcome({ output: 'ok', guardrail: { id: 'gr-1', version: '1', intervened: false, reasons: [] } }));
    assert.equal(passed.guardrail, null);
  });

  it('a column still streaming when its window went away ends cancelled, partial when text had arrived', () => {
    assert.deepEqual(interruptedColumn({ ...started, output: 'so far' }), { ...started, output: 'so far', status: 'cancelled', partial: true });
    assert.deepEqual(interruptedColumn(started), { ...started, status: 'cancelled', partial: false });
    const done = finishedColumn(started, outcome({ output: 'x' }));
    assert.equal(interruptedColumn(done), done);
  });
});
