// Production traffic stays out of the evaluation rows: imported invocation-log runs (source
// "production") and the feedback ratings imported for them (tagged "production") are not
// counted in a version × model row, while an evaluation run and its rating are.
import * as assert from 'node:assert/strict';
import { computeScoreboard } from '../../../src/core/ratings/scoreboard';
import { feedbackRating } from '../../../src/core/production/importFeedback';
import type { RatingRecord } from '../../../src/core/ratings/ratingRecord';
import type { RunRecord } from '../../../src/core/runs/runRecord';

function run(id: string, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    schema: 'prompt-workbench.run/1', id, ts: '2026-12-01T00:00:00.000Z', comparisonId: null,
    prompt: { name: 'p', version: 1, contentHash: 'h', path: null }, model: 'm', config: {},
    inputsHash: 'x', output: 'o', stopReason: 'end_turn',
    metrics: { ttftMs: 10, latencyMs: 100, inputTokens: 1, outputTokens: 1, costUsd: 0.001 },
    error: null, partial: false, datasetCaseId: null, ...extra,
  } as RunRecord;
}

function thumbs(id: string, runId: string, value: 'up' | 'down', tags: string[] = []): RatingRecord {
  return { schema: 'prompt-workbench.rating/1', id, ts: '2026-12-01T00:00:00.000Z', runId, prompt: { name: 'p', version: 1, contentHash: 'h' }, model: 'm', kind: 'thumbs', value, criterion: 'overall', comment: '', tags, rater: 'r' } as unknown as RatingRecord;
}

describe('scoreboard: production traffic is not an evaluation', () => {
  it('leaves production runs and production feedback out of the rows', () => {
    const runs = [run('eval1'), run('prod1', { source: 'production', metrics: { ttftMs: 1, latencyMs: 9000, inputTokens: 1, outputTokens: 1, costUsd: 5 } } as Partial<RunRecord>)];
    const ratings = [thumbs('t1', 'eval1', 'up'), thumbs('t2', 'prod1', 'down', ['production'])];
    const [row] = computeScoreboard({ runs, ratings, prompt: 'p' } as never).rows;
    assert.equal(row.n, 1, 'only the evaluation rating counts');
    assert.equal(row.thumbsUp.rate, 1, 'the production thumbs-down is not in the evaluation row');
    assert.equal(row.latencyMs.p95, 100, 'production latency stays out of the evaluation latency');
    assert.ok(row.costPer1k !== null && Math.abs(row.costPer1k - 1) < 1e-9, 'production cost stays out: $0.001 per call is $1 per 1,000');
  });

  it('tags every imported feedback rating "production"', () => {
    assert.deepEqual(feedbackRating({ requestId: 'r1', thumbs: 'up' }).input?.tags, ['production']);
    assert.deepEqual(feedbackRating({ requestId: 'r1', stars: 4, comment: 'ok' }).input?.tags, ['production']);
  });
});
