// computeScoreboard: rows per prompt × version × model, each figure checked against a value
// worked out by hand from the fixture below.
import * as assert from 'node:assert/strict';
import type { RunRecord } from '../../../src/core/runs/runRecord';
import type { RatingRecord } from '../../../src/core/ratings/ratingRecord';
import { buildRating, NewRating } from '../../../src/core/ratings/ratingsStore';
import { computeScoreboard, ScoreboardRow } from '../../../src/core/ratings/scoreboard';

const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const HAIKU = 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0';

let runCount = 0;
function run(model: string, version: number, metrics: Partial<RunRecord['metrics']>, extra: Partial<RunRecord> & { checks?: unknown } = {}): RunRecord {
  return {
    schema: 'prompt-workbench.run/1', id: `r_${++runCount}`, ts: '2026-11-29T10:00:00.000Z', comparisonId: null,
    prompt: { name: 'email-summary', version, contentHash: 'h', path: null }, model, config: {}, inputsHash: 'sha256:x',
    output: 'out', stopReason: 'end_turn', metrics: { ttftMs: null, latencyMs: 0, inputTokens: null, outputTokens: null, costUsd: null, ...metrics },
    error: null, partial: false, datasetCaseId: null, ...extra,
  } as RunRecord;
}
let ratingCount = 0;
const rating = (r: Partial<NewRating> & Pick<NewRating, 'kind' | 'value'>): RatingRecord =>
  buildRating({ id: `g_${++ratingCount}`, prompt: { name: 'email-summary', version: 3, contentHash: 'h' }, model: NOVA, ...r } as NewRating);
const stars = (model: string, value: 1 | 2 | 3 | 4 | 5, extra: Partial<NewRating> = {}) => rating({ kind: 'stars', model, value, ...extra } as NewRating);
const rowOf = (rows: ScoreboardRow[], model: string, version = 3) => {
  const row = rows.find((r) => r.model === model && r.version === version);
  assert.ok(row, `no row for ${model} v${version}`);
  return row;
};

describe('scoreboard: computeScoreboard', () => {
  const novaRuns = [
    run(NOVA, 3, { latencyMs: 100, ttftMs: 10, costUsd: 0.001 }),
    run(NOVA, 3, { latencyMs: 300, ttftMs: 30, costUsd: 0.003 }),
    run(NOVA, 3, { latencyMs: 200, ttftMs: 20, costUsd: null }),
    run(NOVA, 3, { latencyMs: 9999, ttftMs: null, costUsd: 0.5 }, { error: { kind: 'throttled', message: 'slow down' } } as Partial<RunRecord>),
  ];
  const haikuRuns = [run(HAIKU, 3, { latencyMs: 50, ttftMs: 5, costUsd: 0.002 }), run(HAIKU, 2, { latencyMs: 60 })];

  it('one row per prompt × version × model with the DESIGN.md shape, null where there is no data', () => {
    const { rows } = computeScoreboard({ runs: [...novaRuns, ...haikuRuns], ratings: [] });
    assert.equal(rows.length, 3);
    assert.deepEqual(Object.keys(rows[0]), ['prompt', 'version', 'model', 'n', 'stars', 'thumbsUp', 'winRate', 'btScore', 'passRate', 'latencyMs', 'ttftMs', 'costPer1k']);
    const haiku2 = rowOf(rows, HAIKU, 2);
    assert.deepEqual(haiku2, {
      prompt: 'email-summary', version: 2, model: HAIKU, n: 0, stars: { mean: null, lo: null, hi: null }, thumbsUp: { rate: null, lo: null, hi: null },
      winRate: null, btScore: null, passRate: null, latencyMs: { p50: 60, p95: 60 }, ttftMs: { p50: null }, costPer1k: null,
    });
  });
  it('latency, ttft and cost leave out failed runs; costPer1k is the mean cost × 1000', () => {
    const nova = rowOf(computeScoreboard({ runs: novaRuns, ratings: [] }).rows, NOVA);
    assert.deepEqual(nova.latencyMs, { p50: 200, p95: 300 });
    assert.deepEqual(nova.ttftMs, { p50: 20 });
    assert.ok(Math.abs(nova.costPer1k! - 2) < 1e-12, String(nova.costPer1k));
  });
  it('stars, thumbs and n for the overall criterion; other criteria and superseded ratings do not count', () => {
    const first = stars(NOVA, 1);
    const ratings = [
      first, stars(NOVA, 2), stars(NOVA, 3), stars(NOVA, 4), stars(NOVA, 5, { supersedes: first.id }), stars(NOVA, 1, { criterion: 'accuracy' }),
      ...Array.from({ length: 10 }, (_, i) => rating({ kind: 'thumbs', model: NOVA, value: i < 8 ? 'up' : 'down' } as NewRating)),
    ];
    const nova = rowOf(computeScoreboard({ runs: novaRuns, ratings }).rows, NOVA);
    assert.equal(nova.n, 14);
    assert.equal(nova.stars.mean, 3.5);
    assert.ok(Math.abs(nova.stars.lo! - 1.4457) < 1e-4 && Math.abs(nova.stars.hi! - 5) < 1e-12, JSON.stringify(nova.stars));
    assert.equal(nova.thumbsUp.rate, 0.8);
    assert.ok(Math.abs(nova.thumbsUp.lo! - 0.4902) < 1e-4 && Math.abs(nova.thumbsUp.hi! - 0.9433) < 1e-4);
    const accuracy = rowOf(computeScoreboard({ runs: novaRuns, ratings, criterion: 'accuracy' }).rows, NOVA);
    assert.deepEqual([accuracy.n, accuracy.stars], [1, { mean: 1, lo: null, hi: null }]);
  });
  it('pairwise: win rate with ties as half, Bradley–Terry per prompt, sides placed by their run\'s version', () => {
    const [nova] = novaRuns;
    const [haiku3, haiku2] = haikuRuns;
    const pair = (A: RunRecord, B: RunRecord, value: 'A' | 'B' | 'tie') =>
      rating({ kind: 'pairwise', model: null, value, pair: { A: { runId: A.id, model: A.model }, B: { runId: B.id, model: B.model } } } as unknown as NewRating);
    const ratings = [pair(nova, haiku3, 'A'), pair(nova, haiku3, 'A'), pair(haiku3, nova, 'tie'), pair(nova, haiku3, 'B'), pair(haiku2, nova, 'A')];
    const { rows } = computeScoreboard({ runs: [...novaRuns, ...haikuRuns], ratings });
    const n = rowOf(rows, NOVA);
    const h3 = rowOf(rows, HAIKU, 3);
    const h2 = rowOf(rows, HAIKU, 2);
    assert.deepEqual([n.n, h3.n, h2.n], [5, 4, 1]);
    assert.equal(n.winRate, 2.5 / 5);
    assert.equal(h3.winRate, 1.5 / 4);
    assert.equal(h2.winRate, 1);
    assert.ok(Math.abs(n.btScore! + h3.btScore! + h2.btScore! - 1) < 1e-9);
    assert.ok(h2.btScore! > n.btScore! && n.btScore! > h3.btScore!, `${h2.btScore} > ${n.btScore} > ${h3.btScore}`);
  });
  it('cached answers (cached: true) stay out of latency and cost, and count once in the pass rate', () => {
    const original = run(NOVA, 1, { latencyMs: 3000, costUsd: 0.03 }, { checks: [{ check: 'contains', pass: false }] });
    const paid = run(NOVA, 1, { latencyMs: 3000, costUsd: 0.03 }, { checks: [{ check: 'contains', pass: true }] });
    const repeats = [1, 2, 3].map(() => run(NOVA, 1, { latencyMs: 1000, costUsd: 0.01 }, { cached: true, cachedFrom: original.id, checks: [{ check: 'contains', pass: false }] }));
    const row = rowOf(computeScoreboard({ runs: [original, paid, ...repeats], ratings: [] }).rows, NOVA, 1);
    assert.equal(row.passRate, 0.5, 'the repeated answer counts once');
    assert.equal(row.latencyMs.p50, 3000, 'only the two paid calls (the three cached ones say 1000)');
    assert.ok(Math.abs(row.costPer1k! - 30) < 1e-9, 'mean cost of the paid calls × 1000');
  });

  it('passRate counts runs whose every check passed, once runs carry checks', () => {
    const runs = [
      run(NOVA, 3, { latencyMs: 1 }, { checks: [{ name: 'json', pass: true }, { name: 'len', pass: true }] }),
      run(NOVA, 3, { latencyMs: 1 }, { checks: [{ name: 'json', pass: true }, { name: 'len', pass: false }] }),
      run(NOVA, 3, { latencyMs: 1 }),
    ];
    assert.equal(rowOf(computeScoreboard({ runs, ratings: [] }).rows, NOVA).passRate, 0.5);
  });
  it('--prompt keeps only that prompt\'s rows; rows sort by prompt, newest version, best stars', () => {
    const other = { ...run(NOVA, 1, { latencyMs: 5 }), prompt: { name: 'another', version: 1, contentHash: 'h', path: null } };
    const ratings = [stars(NOVA, 2), stars(HAIKU, 5)];
    const all = computeScoreboard({ runs: [...novaRuns, ...haikuRuns, other], ratings }).rows;
    assert.deepEqual(all.map((r) => `${r.prompt} v${r.version} ${r.model}`), [
      `another v1 ${NOVA}`, `email-summary v3 ${HAIKU}`, `email-summary v3 ${NOVA}`, `email-summary v2 ${HAIKU}`,
    ]);
    const only = computeScoreboard({ runs: [...novaRuns, other], ratings, prompt: 'another' }).rows;
    assert.deepEqual(only.map((r) => r.prompt), ['another']);
  });
});
