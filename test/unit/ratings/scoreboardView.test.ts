// The Scoreboard panel's pure parts: filters (supersedes resolved before a date cut), the
// weighted score and its recommendation, the Pareto front, scores over time, CSV, the blind
// order and letters, and finding a run record by its id.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { blindLabel, positionsOf, shuffledOrder } from '../../../src/core/ratings/blindOrder';
import type { RatingRecord } from '../../../src/core/ratings/ratingRecord';
import { buildRating, type NewRating } from '../../../src/core/ratings/ratingsStore';
import { findRunRecord, timeOfId } from '../../../src/core/ratings/runLookup';
import { computeScoreboard, type ScoreboardRow } from '../../../src/core/ratings/scoreboard';
import {
  filterRows,
  filterScoreboardData,
  paretoFront,
  qualityOf,
  recommend,
  scoreboardCsv,
  scoreboardFacets,
  scoreOverTime,
  scoreRows,
} from '../../../src/core/ratings/scoreboardView';
import type { RunRecord } from '../../../src/core/runs/runRecord';
import { newId } from '../../../src/core/workspace/ids';

const A = 'bedrock/model-a';
const B = 'bedrock/model-b';

function row(model: string, extra: Partial<ScoreboardRow> = {}): ScoreboardRow {
  return {
    prompt: 'p', version: 1, model, n: 0, stars: { mean: null, lo: null, hi: null }, thumbsUp: { rate: null, lo: null, hi: null },
    winRate: null, btScore: null, passRate: null, latencyMs: { p50: null, p95: null }, ttftMs: { p50: null }, costPer1k: null, ...extra,
  };
}
let count = 0;
const stars = (model: string, value: 1 | 2 | 3 | 4 | 5, extra: Partial<NewRating> = {}): RatingRecord =>
  buildRating({ id: `g_${++count}`, kind: 'stars', model, value, prompt: { name: 'p', version: 1, contentHash: 'h' }, ts: '2026-11-10T10:00:00.000Z', ...extra } as NewRating);
function run(id: string, model: string, ts: string, extra: Partial<RunRecord> & { dataset?: string } = {}): RunRecord {
  return {
    schema: 'prompt-workbench.run/1', id, ts, comparisonId: null, prompt: { name: 'p', version: 1, contentHash: 'h', path: null }, model, config: {},
    inputsHash: 'x', output: 'o', stopReason: 'end_turn', metrics: { ttftMs: 10, latencyMs: 100, inputTokens: 1, outputTokens: 1, costUsd: 0.001 },
    error: null, partial: false, datasetCaseId: null, ...extra,
  } as RunRecord;
}

describe('scoreboard view: filters', () => {
  it('a date range that cuts off an edit does not bring back the rating it replaced', () => {
    const old = stars(A, 1, { ts: '2026-11-01T10:00:00.000Z' });
    const edit = stars(A, 5, { ts: '2026-11-20T10:00:00.000Z', supersedes: old.id });
    const { ratings } = filterScoreboardData([], [old, edit], { to: '2026-11-10' });
    assert.deepEqual(ratings, [], 'the superseded rating stays out even though its edit is after the range');
    const all = filterScoreboardData([], [old, edit], { to: '2026-11-20' });
    assert.deepEqual(all.ratings.map((r) => r.id), [edit.id], 'a bare date includes its whole day');
  });
  it('rater, dataset, version and model narrow what counts; facets list what there is', () => {
    const runs = [run('r_1', A, '2026-11-02T00:00:00.000Z', { dataset: 'emails' }), run('r_2', B, '2026-11-03T00:00:00.000Z', { datasetCaseId: 'tickets:7' })];
    const ratings = [stars(A, 4, { rater: 'alice', runId: 'r_1' }), stars(B, 2, { rater: 'bob', runId: 'r_2' }), stars(A, 2, { rater: 'bob', runId: 'r_1', prompt: { name: 'p', version: 2, contentHash: 'h2' } })];
    const facets = scoreboardFacets(runs, ratings);
    assert.deepEqual(facets.raters, ['alice', 'bob']);
    assert.deepEqual(facets.datasets, ['emails', 'tickets']);
    assert.deepEqual(facets.versions, { p: [2, 1] });
    assert.deepEqual([facets.firstDay, facets.lastDay], ['2026-11-02', '2026-11-10']);
    assert.deepEqual(filterScoreboardData(runs, ratings, { raters: ['bob'] }).ratings.map((r) => r.value), [2, 2]);
    const emails = filterScoreboardData(runs, ratings, { dataset: 'emails' });
    assert.deepEqual([emails.runs.map((r) => r.id), emails.ratings.map((r) => r.rater)], [['r_1'], ['alice', 'bob']]);
    const rows = computeScoreboard({ runs, ratings }).rows;
    assert.deepEqual(filterRows(rows, { versions: [1], models: [A] }).map((r) => [r.model, r.version]), [[A, 1]]);
  });
});

describe('scoreboard view: weighted score and recommendation', () => {
  const good = row(A, { n: 12, stars: { mean: 4.5, lo: 4.2, hi: 4.8 }, latencyMs: { p50: 2000, p95: 3000 }, costPer1k: 4 });
  const fast = row(B, { n: 12, stars: { mean: 3, lo: 2.6, hi: 3.4 }, latencyMs: { p50: 500, p95: 800 }, costPer1k: 1 });
  it('quality comes from stars on 0–1, else thumbs, else the win rate', () => {
    assert.deepEqual(qualityOf(good), { value: 0.875, lo: 0.8, hi: 0.95, n: 12, source: 'stars' });
    assert.equal(qualityOf(row(A, { thumbsUp: { rate: 0.7, lo: 0.4, hi: 0.9 } }))?.source, 'thumbs');
    assert.equal(qualityOf(row(A, { winRate: 0.6 }))?.value, 0.6);
    assert.equal(qualityOf(row(A)), null);
  });
  it('weights move the recommendation between the better and the faster, cheaper model', () => {
    const rows = [good, fast];
    const byQuality = scoreRows(rows, { quality: 1, speed: 0, cost: 0 });
    assert.deepEqual(byQuality.map((s) => s.combined), [0.875, 0.5]);
    assert.equal(recommend(rows, byQuality, { quality: 1, speed: 0, cost: 0 })?.best, 0);
    const bySpeed = scoreRows(rows, { quality: 0.2, speed: 0.4, cost: 0.4 });
    // good: 0.2·0.875 + 0 + 0 = 0.175; fast: 0.2·0.5 + 0.4 + 0.4 = 0.9
    assert.ok(Math.abs(bySpeed[0].combined! - 0.175) < 1e-12 && Math.abs(bySpeed[1].combined! - 0.9) < 1e-12, JSON.stringify(bySpeed));
    const rec = recommend(rows, bySpeed, { quality: 0.2, speed: 0.4, cost: 0.4 });
    assert.deepEqual(rec, { best: 1, runnerUp: 0, tooFewToTellApart: false });
  });
  it('an unrated row is never recommended on quality; overlapping intervals or few ratings are said', () => {
    const unrated = row('bedrock/unrated', { latencyMs: { p50: 10, p95: 10 }, costPer1k: 0 });
    const scores = scoreRows([unrated, fast], { quality: 0.5, speed: 0.25, cost: 0.25 });
    assert.equal(scores[0].combined, null);
    const close = row(A, { n: 12, stars: { mean: 3.2, lo: 2.8, hi: 3.6 } });
    const both = [close, fast];
    assert.equal(recommend(both, scoreRows(both, { quality: 1, speed: 0, cost: 0 }), { quality: 1, speed: 0, cost: 0 })?.tooFewToTellApart, true);
    const few = [row(A, { n: 3, stars: { mean: 5, lo: 5, hi: 5 } }), row(B, { n: 3, stars: { mean: 1, lo: 1, hi: 1 } })];
    assert.equal(recommend(few, scoreRows(few, { quality: 1, speed: 0, cost: 0 }), { quality: 1, speed: 0, cost: 0 })?.tooFewToTellApart, true);
    assert.equal(recommend([good, fast], scoreRows([good, fast], { quality: 1, speed: 0, cost: 0 }), { quality: 1, speed: 0, cost: 0 })?.tooFewToTellApart, false);
  });
});

describe('scoreboard view: Pareto front, scores over time, CSV', () => {
  it('marks the points no other point beats on both cost and quality', () => {
    const points = [
      { x: 1, y: 0.5 }, // cheapest
      { x: 2, y: 0.4 }, // dominated by the first
      { x: 3, y: 0.9 }, // best quality
      { x: 3, y: 0.9 }, // its exact twin stays on the front
      { x: 4, y: 0.9 }, // as good but dearer: dominated
      { x: null, y: 1 }, // no cost: never on it
    ];
    assert.deepEqual(paretoFront(points), [true, false, true, true, false, false]);
    assert.deepEqual(paretoFront([]), []);
  });
  it('mean stars per day for each version, superseded ratings left out', () => {
    const first = stars(A, 1, { ts: '2026-11-01T09:00:00.000Z' });
    const series = scoreOverTime(
      [first, stars(A, 3, { ts: '2026-11-01T10:00:00.000Z', supersedes: first.id }), stars(A, 5, { ts: '2026-11-01T11:00:00.000Z' }), stars(B, 4, { ts: '2026-11-02T10:00:00.000Z', prompt: { name: 'p', version: 2, contentHash: 'h' } })],
      'p',
    );
    assert.deepEqual(series.map((s) => [s.version, s.points.map((p) => [p.day, p.mean, p.n])]), [[1, [['2026-11-01', 4, 2]]], [2, [['2026-11-02', 4, 1]]]]);
  });
  it('CSV quotes what needs it and defuses formulas', () => {
    const csv = scoreboardCsv([row('=HYPERLINK("x")', { prompt: 'a,b', n: 2, stars: { mean: 4, lo: 3, hi: 5 } })], [0.5]);
    const [header, line] = csv.split('\r\n');
    assert.match(header, /^prompt,version,model,n,stars_mean/);
    assert.equal(line, `"a,b",1,"'=HYPERLINK(""x"")",2,4,3,5,,,,,,,,,,,0.5`);
  });
});

describe('blind order', () => {
  it('letters A…Z then AA; a shuffle is a permutation that never keeps the order', () => {
    assert.deepEqual([0, 1, 25, 26, 27].map(blindLabel), ['A', 'B', 'Z', 'AA', 'AB']);
    for (let n = 2; n <= 6; n++) {
      for (let trial = 0; trial < 50; trial++) {
        const order = shuffledOrder(n);
        assert.deepEqual([...order].sort(), Array.from({ length: n }, (_, i) => i));
        assert.ok(order.some((c, p) => c !== p), `identity for n=${n}`);
        const positions = positionsOf(order);
        order.forEach((column, position) => assert.equal(positions[column], position));
      }
    }
    assert.deepEqual(shuffledOrder(3, () => 0.999999), [1, 2, 0], 'a random source that always keeps the order falls back to a rotation');
    assert.deepEqual(shuffledOrder(1), [0]);
  });
});

describe('finding a run record by id', () => {
  it('reads the month its id names first, and finds it in another month too', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-runlookup-'));
    try {
      const now = Date.UTC(2026, 10, 15);
      const id = newId('r', now);
      assert.equal(timeOfId(id)?.toISOString(), '2026-11-15T00:00:00.000Z');
      assert.equal(timeOfId('not-an-id'), undefined);
      fs.writeFileSync(path.join(dir, '2026-11.jsonl'), JSON.stringify(run(id, A, '2026-11-15T00:00:00.000Z')) + '\n{broken\n');
      const elsewhere = newId('r', now);
      fs.writeFileSync(path.join(dir, '2026-10.jsonl'), JSON.stringify(run(elsewhere, B, '2026-10-31T23:59:59.000Z')) + '\n');
      assert.equal((await findRunRecord(dir, id))?.model, A);
      assert.equal((await findRunRecord(dir, elsewhere))?.model, B);
      assert.equal(await findRunRecord(dir, 'r_00000000000000000000000000'), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scoreboard data read incrementally', () => {
  it('an append is read from where the last read stopped, with right line numbers; a rewrite is read whole', async () => {
    const { IncrementalJsonl, ScoreboardDataReader } = await import('../../../src/core/ratings/scoreboardCache');
    const { readScoreboardData } = await import('../../../src/core/ratings/scoreboardData');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-incremental-'));
    try {
      const file = path.join(dir, '.prompt-workbench', 'ratings.jsonl');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const line = (value: number) => JSON.stringify(stars(A, value as 1)) + '\n';
      fs.writeFileSync(file, line(1) + line(2));
      const reader = new IncrementalJsonl<RatingRecord>((v) => (typeof v === 'object' && v && 'kind' in v ? undefined : 'not a rating'));
      assert.deepEqual((await reader.read(file)).records.map((r) => r.value), [1, 2]);
      fs.appendFileSync(file, '{broken\n' + line(3) + '{"kind":"stars","value":4'); // the last line is still being written
      const grown = await reader.read(file);
      assert.deepEqual(grown.records.map((r) => r.value), [1, 2, 3]);
      assert.deepEqual(grown.problems.map((p) => p.line), [3]);
      fs.appendFileSync(file, '}\n');
      assert.deepEqual((await reader.read(file)).records.map((r) => r.value), [1, 2, 3, 4], 'the finished line is read');
      fs.writeFileSync(file, line(5));
      assert.deepEqual((await reader.read(file)).records.map((r) => r.value), [5], 'a rewritten (shorter) file is read whole');

      fs.writeFileSync(file, line(1) + 'nope\n' + line(2));
      const runsDir = path.join(dir, '.prompt-workbench', 'runs');
      fs.mkdirSync(runsDir);
      fs.writeFileSync(path.join(runsDir, '2026-10.jsonl'), JSON.stringify(run('r_a', A, '2026-10-01T00:00:00.000Z')) + '\n');
      fs.writeFileSync(path.join(runsDir, '2026-11.jsonl'), JSON.stringify(run('r_b', B, '2026-11-01T00:00:00.000Z')) + '\n');
      const data = new ScoreboardDataReader(dir);
      const strip = (d: Awaited<ReturnType<typeof readScoreboardData>>) => ({ runs: d.runs.map((r) => r.id), ratings: d.ratings.map((r) => r.id), problems: d.problems.map((p) => [path.basename(p.file), p.line]) });
      assert.deepEqual(strip(await data.read()), strip(await readScoreboardData(dir)), 'the same as readScoreboardData');
      fs.appendFileSync(path.join(runsDir, '2026-11.jsonl'), JSON.stringify(run('r_c', B, '2026-11-02T00:00:00.000Z')) + '\n');
      fs.appendFileSync(file, line(3));
      assert.deepEqual(strip(await data.read()), strip(await readScoreboardData(dir)), 'and after appends');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
