// The scoreboard's statistics against textbook values, tiny samples, and a coverage simulation.
import * as assert from 'node:assert/strict';
import {
  bradleyTerry, meanInterval, PairwiseOutcome, percentile, tooFewToTellApart, tQuantile975, wilsonInterval, winRate,
} from '../../../src/core/ratings/statistics';

const close = (actual: number | null, expected: number, digits = 4) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < 0.5 * 10 ** -digits, `${actual} ≠ ${expected} (to ${digits} decimals)`);

/** mulberry32: a seeded PRNG, so the simulation is the same on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('statistics: mean with a 95% t-interval', () => {
  it('matches the textbook interval of [1,2,3,4,5]: 3 ± 1.9632', () => {
    const r = meanInterval([1, 2, 3, 4, 5]);
    assert.equal(r.mean, 3);
    close(r.lo, 1.0368);
    close(r.hi, 4.9632);
  });
  it('uses t quantiles from the table and the expansion beyond 30 degrees of freedom', () => {
    close(tQuantile975(1), 12.7062);
    close(tQuantile975(4), 2.7764);
    close(tQuantile975(30), 2.0423);
    close(tQuantile975(40), 2.0211);
    close(tQuantile975(60), 2.0003);
    close(tQuantile975(120), 1.9799);
    close(tQuantile975(1e6), 1.96, 3);
  });
  it('n = 0 gives nulls; n = 1 gives the mean and no interval', () => {
    assert.deepEqual(meanInterval([]), { mean: null, lo: null, hi: null, n: 0 });
    assert.deepEqual(meanInterval([4]), { mean: 4, lo: null, hi: null, n: 1 });
  });
  it('all-equal ratings give a zero-width interval at that value', () => {
    assert.deepEqual(meanInterval([5, 5, 5]), { mean: 5, lo: 5, hi: 5, n: 3 });
  });
  it('clamps to the scale when given bounds', () => {
    const r = meanInterval([1, 5], [1, 5]);
    assert.equal(r.mean, 3);
    assert.equal(r.lo, 1);
    assert.equal(r.hi, 5);
  });
  it('covers the true mean in 93–97% of 2,000 simulated experiments (n = 8, normal data)', () => {
    const rand = prng(20261129);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const trueMean = 3.2;
    let covered = 0;
    for (let e = 0; e < 2000; e++) {
      const sample = Array.from({ length: 8 }, () => trueMean + 0.9 * normal());
      const r = meanInterval(sample);
      if (r.lo! <= trueMean && trueMean <= r.hi!) covered++;
    }
    const rate = covered / 2000;
    assert.ok(rate >= 0.93 && rate <= 0.97, `coverage ${rate}`);
  });
});

describe('statistics: Wilson interval, win rate, percentiles', () => {
  it('Wilson for 8/10 at 95% is [0.4902, 0.9433]', () => {
    const r = wilsonInterval(8, 10);
    assert.equal(r.rate, 0.8);
    close(r.lo, 0.4902);
    close(r.hi, 0.9433);
  });
  it('Wilson stays inside [0, 1] and is not degenerate at 0/n and n/n', () => {
    const none = wilsonInterval(0, 5);
    assert.equal(none.lo, 0);
    close(none.hi, 0.4345);
    const all = wilsonInterval(5, 5);
    close(all.lo, 0.5655);
    assert.equal(all.hi, 1);
    assert.deepEqual(wilsonInterval(0, 0), { rate: null, lo: null, hi: null, n: 0 });
  });
  it('win rate counts a tie as half a win', () => {
    assert.equal(winRate(2, 2, 0), 0.75);
    assert.equal(winRate(0, 1, 1), 0.25);
    assert.equal(winRate(0, 0, 0), null);
  });
  it('percentiles use the nearest rank (always an observed value)', () => {
    const xs = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
    assert.equal(percentile(xs, 50), 100);
    assert.equal(percentile(xs, 95), 190);
    assert.equal(percentile([1, 2, 3, 4], 50), 2);
    assert.equal(percentile([7], 95), 7);
    assert.equal(percentile([], 50), null);
  });
  it('too few to tell apart: small n or overlapping intervals', () => {
    const a = { lo: 4.1, hi: 4.6, n: 30 };
    assert.equal(tooFewToTellApart(a, { lo: 3.0, hi: 3.5, n: 30 }), false);
    assert.equal(tooFewToTellApart(a, { lo: 3.0, hi: 4.2, n: 30 }), true, 'overlap');
    assert.equal(tooFewToTellApart(a, { lo: 1, hi: 2, n: 3 }), true, 'n below the threshold');
    assert.equal(tooFewToTellApart(a, { lo: null, hi: null, n: 30 }), true, 'no interval');
  });
});

describe('statistics: Bradley–Terry (MM, Hunter 2004)', () => {
  const games = (list: Array<[number, number, number]>): PairwiseOutcome[] => list.map(([a, b, scoreA]) => ({ a, b, scoreA }));

  it('two players, 3 wins to 1, give strengths 3:1 without a prior (0.75, 0.25)', () => {
    const s = bradleyTerry(2, games([[0, 1, 1], [0, 1, 1], [0, 1, 1], [1, 0, 1]]), { prior: 0 });
    close(s[0], 0.75, 6);
    close(s[1], 0.25, 6);
  });
  it('a cycle (A>B, B>C, C>A) gives equal scores', () => {
    const s = bradleyTerry(3, games([[0, 1, 1], [1, 2, 1], [2, 0, 1]]), { prior: 0 });
    for (const x of s) close(x, 1 / 3, 6);
  });
  it('solves the likelihood equations W_i = Σ n_ij p_i/(p_i+p_j) on a known tournament', () => {
    // A beats B 2–1, B beats C 3–1, A and C tie twice, C beats A once.
    const outcomes = games([[0, 1, 1], [0, 1, 1], [1, 0, 1], [1, 2, 1], [1, 2, 1], [1, 2, 1], [2, 1, 1], [0, 2, 0.5], [0, 2, 0.5], [2, 0, 1]]);
    const p = bradleyTerry(3, outcomes, { prior: 0 });
    const wins = [0, 0, 0];
    const n = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    for (const o of outcomes) {
      wins[o.a] += o.scoreA;
      wins[o.b] += 1 - o.scoreA;
      n[o.a][o.b]++;
      n[o.b][o.a]++;
    }
    for (let i = 0; i < 3; i++) {
      let expected = 0;
      for (let j = 0; j < 3; j++) if (j !== i) expected += (n[i][j] * p[i]) / (p[i] + p[j]);
      close(expected, wins[i], 6);
    }
    close(p[0] + p[1] + p[2], 1, 9);
    assert.ok(p[1] > p[0] && p[0] > p[2], `ranking B > A > C: ${p}`);
  });
  it('with the default prior a player that never won still gets a finite positive score, below the others', () => {
    const s = bradleyTerry(3, games([[0, 2, 1], [1, 2, 1], [0, 1, 0.5]]));
    assert.ok(s.every((x) => Number.isFinite(x) && x > 0), String(s));
    assert.ok(s[2] < s[0] && s[2] < s[1]);
    close(s[0], s[1], 6);
    close(s[0] + s[1] + s[2], 1, 9);
  });
  it('no games: everyone equal; no players: empty', () => {
    assert.deepEqual(bradleyTerry(2, []), [0.5, 0.5]);
    assert.deepEqual(bradleyTerry(0, []), []);
  });
});
