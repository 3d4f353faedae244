/**
 * The scoreboard's statistics, all at 95%: small, dependency-free, and exact enough to
 * match textbook values to four decimals.
 */

export interface Interval {
  lo: number | null;
  hi: number | null;
}

export interface MeanInterval extends Interval {
  mean: number | null;
  n: number;
}

export interface RateInterval extends Interval {
  rate: number | null;
  n: number;
}

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/** Student's t 0.975 quantiles for 1–30 degrees of freedom (Abramowitz & Stegun, table 26.10). */
const T975 = [
  12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139, 2.200985, 2.178813,
  2.160369, 2.144787, 2.13145, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
  2.059539, 2.055529, 2.051831, 2.048407, 2.04523, 2.042272,
];

/**
 * The 0.975 quantile of Student's t with `df` degrees of freedom: the table up to 30, then
 * the Cornish–Fisher expansion in 1/df (error below 1e-6 from 30 on).
 */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) throw new RangeError('degrees of freedom must be at least 1');
  if (df <= 30 && Number.isInteger(df)) return T975[df - 1];
  const z = Z95;
  const z2 = z * z;
  const g1 = (z2 + 1) * z / 4;
  const g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  const g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  const g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/**
 * Mean with a 95% Student-t interval. n = 0 gives nulls. n = 1 gives the mean with a null
 * interval: one rating says nothing about spread, and a made-up interval (say, the whole
 * 1–5 scale) would read as a measurement. Equal values give a zero-width interval: that is
 * what the data says; `tooFewToTellApart` guards small n separately. `bounds` clamps the
 * interval to a scale (stars: 1–5).
 */
export function meanInterval(values: ArrayLike<number>, bounds?: [number, number]): MeanInterval {
  const n = values.length;
  if (n === 0) return { mean: null, lo: null, hi: null, n };
  // Welford: one pass, numerically stable.
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    const d = x - mean;
    mean += d / (i + 1);
    m2 += d * (x - mean);
  }
  return intervalOfMoments(n, mean, m2, bounds);
}

/**
 * The same interval from a histogram of integer values (`counts[i]` values equal to
 * `first + i`): stars kept as five counts, so a rating can be added or taken back exactly.
 */
export function meanIntervalOfCounts(counts: ArrayLike<number>, first: number, bounds?: [number, number]): MeanInterval {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    n += counts[i];
    sum += counts[i] * (first + i);
  }
  if (n === 0) return { mean: null, lo: null, hi: null, n };
  const mean = sum / n;
  let m2 = 0;
  for (let i = 0; i < counts.length; i++) m2 += counts[i] * (first + i - mean) ** 2;
  return intervalOfMoments(n, mean, m2, bounds);
}

/** Mean and 95% interval from n, the mean and the sum of squared deviations (n ≥ 1). */
function intervalOfMoments(n: number, mean: number, m2: number, bounds?: [number, number]): MeanInterval {
  if (n === 1) return { mean, lo: null, hi: null, n };
  const half = tQuantile975(n - 1) * Math.sqrt(m2 / (n - 1) / n);
  let lo = mean - half;
  let hi = mean + half;
  if (bounds) {
    lo = Math.max(bounds[0], lo);
    hi = Math.min(bounds[1], hi);
  }
  return { mean, lo, hi, n };
}

/** The rate of successes with the Wilson score 95% interval (sensible at 0/n, n/n and small n). */
export function wilsonInterval(successes: number, n: number, z = Z95): RateInterval {
  if (n <= 0) return { rate: null, lo: null, hi: null, n: 0 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { rate: p, lo: Math.max(0, center - half), hi: Math.min(1, center + half), n };
}

/** Share of pairwise comparisons won, a tie counting half; null with no comparisons. */
export function winRate(wins: number, ties: number, losses: number): number | null {
  const n = wins + ties + losses;
  return n === 0 ? null : (wins + ties / 2) / n;
}

/** One pairwise outcome between two players (indices into the player list). */
export interface PairwiseOutcome {
  a: number;
  b: number;
  /** 1: a won, 0: b won, 0.5: tie. */
  scoreA: number;
}

export interface BradleyTerryOptions {
  /**
   * Pseudo-games against a virtual opponent of strength 1: each player is credited `prior`
   * wins and `prior` losses against it. Keeps every score finite and positive when a player
   * never won (or never lost) and ties disconnected players to one scale. 0 = plain MLE.
   */
  prior?: number;
  maxIterations?: number;
  tolerance?: number;
}

/**
 * Bradley–Terry strengths by Hunter's (2004) MM algorithm:
 *   p_i ← W_i / Σ_j n_ij / (p_i + p_j),
 * a tie counting half a win for each side. Scores are normalised to sum to 1 over the
 * players, so a score reads as a share of strength (with 2 players: the chance to win).
 */
export function bradleyTerry(playerCount: number, outcomes: readonly PairwiseOutcome[], options: BradleyTerryOptions = {}): number[] {
  const prior = options.prior ?? 1;
  const maxIterations = options.maxIterations ?? 10000;
  const tolerance = options.tolerance ?? 1e-9;
  const k = playerCount;
  if (k === 0) return [];
  // Aggregate to a k×k table of games and a wins vector: the loop is then O(k²) per step, whatever the number of ratings.
  const games = new Float64Array(k * k);
  const wins = new Float64Array(k).fill(prior);
  for (const o of outcomes) {
    if (o.a === o.b) continue;
    games[o.a * k + o.b] += 1;
    games[o.b * k + o.a] += 1;
    wins[o.a] += o.scoreA;
    wins[o.b] += 1 - o.scoreA;
  }
  let p = new Float64Array(k).fill(1);
  let next = new Float64Array(k);
  for (let iter = 0; iter < maxIterations; iter++) {
    for (let i = 0; i < k; i++) {
      // The virtual opponent (strength 1) played 2·prior games with everyone.
      let denom = prior > 0 ? (2 * prior) / (p[i] + 1) : 0;
      for (let j = 0; j < k; j++) {
        const n = games[i * k + j];
        if (n) denom += n / (p[i] + p[j]);
      }
      next[i] = denom > 0 ? wins[i] / denom : p[i];
    }
    if (prior === 0) {
      // Without the anchor the scale floats: fix it by the geometric mean each step.
      let logSum = 0;
      for (let i = 0; i < k; i++) logSum += Math.log(next[i] || Number.MIN_VALUE);
      const g = Math.exp(logSum / k);
      for (let i = 0; i < k; i++) next[i] /= g;
    }
    let change = 0;
    for (let i = 0; i < k; i++) change = Math.max(change, Math.abs(next[i] - p[i]) / Math.max(p[i], 1e-12));
    [p, next] = [next, p];
    if (change < tolerance) break;
  }
  let sum = 0;
  for (let i = 0; i < k; i++) sum += p[i];
  return Array.from(p, (x) => x / sum);
}

/**
 * Nearest-rank percentile: the smallest value with at least q% of the values at or below it
 * (sorted[ceil(q/100·n) − 1]). Always an observed value; p50 of [1,2,3,4] is 2. `sorted`
 * must be sorted ascending. Null when empty.
 */
export function percentile(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil((q / 100) * n));
  return sorted[Math.min(n, rank) - 1];
}

/** Below this many ratings a row is never called better or worse than another. */
export const MIN_RATINGS_TO_COMPARE = 5;

/**
 * True when two scores cannot be told apart: either has fewer than `minN` observations, an
 * interval is missing, or the two 95% intervals overlap. (Overlap is conservative: it says
 * "too few to tell" more often than a test of the difference would, which is the honest side
 * to err on for a scoreboard.)
 */
export function tooFewToTellApart(
  a: { lo: number | null; hi: number | null; n: number },
  b: { lo: number | null; hi: number | null; n: number },
  minN = MIN_RATINGS_TO_COMPARE,
): boolean {
  if (a.n < minN || b.n < minN) return true;
  if (a.lo === null || a.hi === null || b.lo === null || b.hi === null) return true;
  return a.lo <= b.hi && b.lo <= a.hi;
}
