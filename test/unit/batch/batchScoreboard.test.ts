// Batch answers have no latency or TTFT (null in the record): the scoreboard's latency figures
// come from live runs only, while batch runs still count for cost and pass rate.
import * as assert from 'node:assert/strict';
import { computeScoreboard } from '../../../src/core/ratings/scoreboard';
import type { RunRecord } from '../../../src/core/runs/runRecord';

const NOVA = 'bedrock/amazon.nova-lite-v1:0';
let n = 0;
function record(metrics: RunRecord['metrics'], extra: Partial<RunRecord> = {}): RunRecord {
  return {
    schema: 'prompt-workbench.run/1', id: `r_${++n}`, ts: '2026-12-05T07:00:00.000Z', comparisonId: null,
    prompt: { name: 'p', version: 1, contentHash: 'h', path: null }, model: NOVA, config: {}, inputsHash: 'sha256:x',
    output: 'o', stopReason: 'end_turn', metrics, error: null, partial: false, datasetCaseId: `c${n}`,
    checks: [{ check: 'contains', pass: true, detail: '' }], ...extra,
  };
}

describe('batch: the scoreboard does not count batch answers in latency figures', () => {
  it('latency and TTFT from live runs only; batch runs in the pass rate', () => {
    const live = [record({ ttftMs: 100, latencyMs: 1000, inputTokens: 10, outputTokens: 10, costUsd: 0.001 }), record({ ttftMs: 200, latencyMs: 2000, inputTokens: 10, outputTokens: 10, costUsd: 0.001 }), record({ ttftMs: 300, latencyMs: 3000, inputTokens: 10, outputTokens: 10, costUsd: 0.001 })];
    const batch = Array.from({ length: 5 }, () => record({ ttftMs: null, latencyMs: null, inputTokens: 10, outputTokens: 10, costUsd: 0.0005 }, { batchJobId: 'job1', checks: [{ check: 'contains', pass: false, detail: '' }] }));
    const [row] = computeScoreboard({ runs: [...live, ...batch], ratings: [] }).rows;
    assert.equal(row.latencyMs.p50, 2000);
    assert.equal(row.ttftMs.p50, 200);
    assert.equal(row.passRate, 3 / 8);
    const onlyBatch = computeScoreboard({ runs: batch, ratings: [] }).rows[0];
    assert.equal(onlyBatch.latencyMs.p50, null);
    assert.equal(onlyBatch.ttftMs.p50, null);
  });
});
