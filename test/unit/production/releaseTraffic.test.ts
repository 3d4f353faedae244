import * as assert from 'node:assert/strict';
import { driftOf, releaseTraffic } from '../../../src/core/production/releaseTraffic';
import { foldReleases, RELEASE_SCHEMA } from '../../../src/core/releases/releaseRecord';
import type { RunRecord } from '../../../src/core/runs/runRecord';

const MODEL = 'bedrock/amazon.nova-lite-v1:0';
const { releases } = foldReleases([
  { schema: RELEASE_SCHEMA, kind: 'release', id: 'rel_1', ts: '2026-11-01T00:00:00Z', by: 'a', note: '', prompt: { name: 'p', version: 2, contentHash: 'h', path: null }, model: MODEL, config: {}, evidence: { runs: 0, ratings: 0, datasetRunIds: [] } },
]);

let n = 0;
function run(o: { source?: 'production'; day?: string; latencyMs: number; costUsd: number; version?: number }): RunRecord {
  return {
    schema: 'prompt-workbench.run/1', id: `r${++n}`, ts: `${o.day ?? '2026-12-01'}T10:00:00.000Z`, comparisonId: null,
    prompt: { name: 'p', version: o.version ?? 2, contentHash: 'h', path: null }, model: MODEL, config: {}, inputsHash: 'x', output: 'o', stopReason: 'end_turn',
    metrics: { ttftMs: null, latencyMs: o.latencyMs, inputTokens: 10, outputTokens: 10, costUsd: o.costUsd }, error: null, partial: false, datasetCaseId: null,
    ...(o.source ? { source: o.source, releaseId: 'rel_1', requestId: `q${n}` } : {}),
  };
}

describe('production figures per release and drift (releaseTraffic.ts)', () => {
  it('puts production latency, cost per 1,000 calls and thumbs-up beside evaluation, per day, marking drift', () => {
    const evaluation = Array.from({ length: 20 }, (_, i) => run({ latencyMs: 800 + i * 10, costUsd: 0.001 }));
    const other = run({ latencyMs: 99999, costUsd: 5, version: 1 });
    const dayOne = Array.from({ length: 10 }, () => run({ source: 'production', day: '2026-12-02', latencyMs: 900, costUsd: 0.001 }));
    const dayTwo = Array.from({ length: 10 }, () => run({ source: 'production', day: '2026-12-03', latencyMs: 3000, costUsd: 0.004 }));
    const thumbs = new Map<string, 'up' | 'down'>([...evaluation.map((r) => [r.id, 'up'] as const), ...dayTwo.map((r) => [r.id, 'down'] as const)]);
    const [traffic] = releaseTraffic(releases, [...evaluation, other, ...dayOne, ...dayTwo], thumbs);
    assert.equal(traffic.evaluation?.n, 20, 'evaluation is the release version × model, production runs and other versions left out');
    assert.deepEqual(traffic.evaluation?.intervals.latencyMs, [800, 980]);
    assert.equal(traffic.production?.n, 20);
    assert.equal(traffic.production?.latencyMs.p50, 900);
    assert.equal(traffic.production?.latencyMs.p95, 3000);
    assert.ok(Math.abs((traffic.production?.costPer1k ?? 0) - 2.5) < 1e-9);
    assert.deepEqual(traffic.periods.map((p) => [p.period, p.drift]), [['2026-12-02', []], ['2026-12-03', ['latency', 'cost', 'thumbsUp']]]);
    assert.equal(traffic.periods[1].figures.thumbsUp.rate, 0);
    assert.deepEqual(traffic.drift, ['cost', 'thumbsUp'], 'overall p50 stays in range; the mean cost and the thumbs do not');
  });

  it('marks nothing without evaluation intervals, and uses the release evidence when there are no evaluation runs', () => {
    const figures = { n: 5, latencyMs: { p50: 5000, p95: 9000 }, costPer1k: 9, thumbsUp: { rate: 0.1, lo: 0, hi: 0.3, n: 5 } };
    assert.deepEqual(driftOf(figures, null), []);
    const [traffic] = releaseTraffic([{ ...releases[0], evidence: { runs: 30, ratings: 30, datasetRunIds: [], latencyP50Ms: 700, latencyP95Ms: 1200, thumbsUpRate: 0.8, thumbsUpInterval: [0.62, 0.91] } }], [run({ source: 'production', latencyMs: 5000, costUsd: 0.001 })], new Map());
    assert.deepEqual(traffic.evaluation?.intervals.thumbsUp, [0.62, 0.91]);
    assert.deepEqual(traffic.drift, ['latency']);
  });
});
