/**
 * What the Scoreboard panel shows on top of `computeScoreboard`: filters, a weighted score of
 * quality, speed and cost with a recommendation, the Pareto front, scores over time and CSV.
 * Pure functions over records and rows (no file system), unit-tested in scoreboardView.test.ts.
 */
import type { RunRecord } from '../runs/runRecord';
import type { RatingRecord } from './ratingRecord';
import { effectiveRatings } from './ratingsStore';
import { ScoreboardAggregate } from './scoreboardAggregate';
import { tooFewToTellApart } from './statistics';
import type { ScoreboardFacets, ScoreboardFilters, ScoreboardRow, ScorePoint, ScoreWeights } from './types';

export type { ScoreboardFacets, ScoreboardFilters, ScorePoint, ScoreWeights } from './types';

type RunWithDataset = RunRecord & { dataset?: unknown };

/** The dataset a run belongs to, when the record says. */
export function datasetOf(run: RunRecord): string | null {
  const own = (run as RunWithDataset).dataset;
  if (typeof own === 'string' && own) return own;
  const caseId = run.datasetCaseId;
  if (typeof caseId === 'string' && caseId.includes(':')) return caseId.slice(0, caseId.lastIndexOf(':'));
  return null;
}

const dayOf = (ts: string) => ts.slice(0, 10);

/** The values the filters can take, from everything read. */
export function scoreboardFacets(runs: readonly RunRecord[], ratings: readonly RatingRecord[]): ScoreboardFacets {
  const facets = new FacetsAccumulator();
  for (const run of runs) facets.addRun(run);
  for (const r of ratings) facets.addRating(r);
  return facets.result();
}

export interface SerializedFacets {
  prompts: string[];
  versions: [string, number[]][];
  models: string[];
  raters: string[];
  datasets: string[];
  first: string | null;
  last: string | null;
  latestPrompt: string | null;
}

/**
 * The facets one record at a time, so a reader that keeps them adds only the appended
 * records (every line counts, superseded ones too: nothing is ever taken back).
 */
export class FacetsAccumulator {
  private readonly prompts = new Set<string>();
  private readonly versions = new Map<string, Set<number>>();
  private readonly models = new Set<string>();
  private readonly raters = new Set<string>();
  private readonly datasets = new Set<string>();
  // Whole ISO times compare as days do: the day is cut out once, at the end (200,000 records).
  private first: string | null = null;
  private last: string | null = null;
  private latestPrompt: string | null = null;
  private lastPrompt = '';
  private lastVersions: Set<number> | undefined;

  private see(prompt: string, version: number, model: string | null, ts: string): void {
    if (prompt !== this.lastPrompt || !this.lastVersions) {
      this.lastPrompt = prompt;
      this.prompts.add(prompt);
      this.lastVersions = this.versions.get(prompt);
      if (!this.lastVersions) this.versions.set(prompt, (this.lastVersions = new Set()));
    }
    this.lastVersions.add(version);
    if (model) this.models.add(model);
    if (typeof ts === 'string' && ts.length >= 10) {
      if (this.first === null || ts < this.first) this.first = ts;
      // At equal times the later line wins: it was appended after.
      if (this.last === null || ts >= this.last) {
        this.last = ts;
        this.latestPrompt = prompt;
      }
    }
  }

  addRun(run: RunRecord): void {
    if (!run.prompt) return;
    this.see(run.prompt.name, run.prompt.version, run.model, run.ts);
    const dataset = datasetOf(run);
    if (dataset) this.datasets.add(dataset);
  }

  addRating(r: RatingRecord): void {
    this.see(r.prompt.name, r.prompt.version, r.model, r.ts);
    if (r.kind === 'pairwise') for (const m of [r.pair.A.model, r.pair.B.model]) if (m) this.models.add(m);
    if (r.rater) this.raters.add(r.rater);
  }

  /** The accumulator as JSON-ready data (kept with the persisted aggregate). */
  serialize(): SerializedFacets {
    return {
      prompts: [...this.prompts],
      versions: [...this.versions].map(([p, v]) => [p, [...v]]),
      models: [...this.models],
      raters: [...this.raters],
      datasets: [...this.datasets],
      first: this.first,
      last: this.last,
      latestPrompt: this.latestPrompt,
    };
  }

  /** Reads `serialize()`'s output back; throws on anything that does not fit. */
  static deserialize(data: SerializedFacets): FacetsAccumulator {
    const strings = (xs: unknown): string[] => {
      if (!Array.isArray(xs) || !xs.every((x) => typeof x === 'string')) throw new Error('bad facets');
      return xs;
    };
    const maybe = (x: unknown): string | null => {
      if (x !== null && typeof x !== 'string') throw new Error('bad facets');
      return x;
    };
    const f = new FacetsAccumulator();
    for (const x of strings(data.prompts)) f.prompts.add(x);
    if (!Array.isArray(data.versions)) throw new Error('bad facets');
    for (const entry of data.versions) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1]) || !entry[1].every((v) => typeof v === 'number')) throw new Error('bad facets');
      f.versions.set(entry[0], new Set(entry[1]));
    }
    for (const x of strings(data.models)) f.models.add(x);
    for (const x of strings(data.raters)) f.raters.add(x);
    for (const x of strings(data.datasets)) f.datasets.add(x);
    f.first = maybe(data.first);
    f.last = maybe(data.last);
    f.latestPrompt = maybe(data.latestPrompt);
    return f;
  }

  result(): ScoreboardFacets {
    const sorted = (s: Set<string>) => [...s].sort();
    return {
      prompts: sorted(this.prompts),
      versions: Object.fromEntries([...this.versions].map(([p, v]) => [p, [...v].sort((a, b) => b - a)])),
      models: sorted(this.models),
      raters: sorted(this.raters),
      datasets: sorted(this.datasets),
      firstDay: this.first === null ? null : dayOf(this.first),
      lastDay: this.last === null ? null : dayOf(this.last),
      latestPrompt: this.latestPrompt,
    };
  }
}

/** `to` as an inclusive upper bound: a bare date means the whole of that day. */
function upperBound(to: string): string {
  return to.length === 10 ? `${to}T23:59:59.999Z` : to;
}

/**
 * Whether these filters narrow the records themselves (dates, dataset, raters), so the board
 * needs every record; otherwise the persisted aggregate alone gives it.
 */
export function needsRecords(filters: ScoreboardFilters): boolean {
  return !!(filters.from || filters.to || filters.dataset || filters.raters?.length);
}

/**
 * Records narrowed by rater, date and dataset, for `computeScoreboard`. Supersedes are
 * resolved FIRST: otherwise a date range that cut off an edit would bring back the rating it
 * replaced. Prompt, version and model narrow the rows afterwards (`filterRows`), so that
 * Bradley–Terry still sees every comparison of the prompt.
 */
export function filterScoreboardData(
  runs: readonly RunRecord[],
  ratings: readonly RatingRecord[],
  filters: ScoreboardFilters,
): { runs: RunRecord[]; ratings: RatingRecord[] } {
  const from = filters.from || null;
  const to = filters.to ? upperBound(filters.to) : null;
  // Nothing to narrow: the records as they are (computeScoreboard resolves supersedes itself).
  if (!needsRecords(filters)) return { runs: runs as RunRecord[], ratings: ratings as RatingRecord[] };
  const inRange = (ts: string) => (from === null || ts >= from) && (to === null || ts <= to);
  const dataset = filters.dataset || null;
  const keptRuns = runs.filter((r) => inRange(r.ts) && (dataset === null || datasetOf(r) === dataset));
  const datasetRuns = dataset === null ? null : new Set(keptRuns.map((r) => r.id));
  const raters = filters.raters?.length ? new Set(filters.raters) : null;
  const keptRatings = effectiveRatings(ratings).filter((r) => {
    if (!inRange(r.ts)) return false;
    if (raters && !(r.rater && raters.has(r.rater))) return false;
    if (datasetRuns) {
      const ids = r.kind === 'pairwise' ? [r.pair.A.runId, r.pair.B.runId] : [r.runId];
      if (!ids.every((id) => id && datasetRuns.has(id))) return false;
    }
    return true;
  });
  return { runs: keptRuns, ratings: keptRatings };
}

export function filterRows(rows: readonly ScoreboardRow[], filters: ScoreboardFilters): ScoreboardRow[] {
  const versions = filters.versions?.length ? new Set(filters.versions) : null;
  const models = filters.models?.length ? new Set(filters.models) : null;
  return rows.filter(
    (r) => (!filters.prompt || r.prompt === filters.prompt) && (!versions || versions.has(r.version)) && (!models || models.has(r.model)),
  );
}

export const DEFAULT_WEIGHTS: ScoreWeights = { quality: 0.6, speed: 0.2, cost: 0.2 };

/** Quality on 0–1 with its 95% interval: stars ((mean − 1) / 4), else the thumbs-up rate, else the win rate. */
export interface QualityScore {
  value: number;
  lo: number | null;
  hi: number | null;
  n: number;
  source: 'stars' | 'thumbs' | 'pairwise';
}

export interface RowScore {
  quality: QualityScore | null;
  /** 1 for the fastest median latency among the rows scored together, 0 for the slowest. */
  speed: number | null;
  /** 1 for the cheapest per call, 0 for the dearest. */
  cost: number | null;
  /** The weighted mean of the parts there are; null when quality counts but nothing was rated. */
  combined: number | null;
}

export function qualityOf(row: ScoreboardRow): QualityScore | null {
  const toUnit = (x: number | null) => (x === null ? null : (x - 1) / 4);
  if (row.stars.mean !== null) return { value: (row.stars.mean - 1) / 4, lo: toUnit(row.stars.lo), hi: toUnit(row.stars.hi), n: row.n, source: 'stars' };
  if (row.thumbsUp.rate !== null) return { value: row.thumbsUp.rate, lo: row.thumbsUp.lo, hi: row.thumbsUp.hi, n: row.n, source: 'thumbs' };
  if (row.winRate !== null) return { value: row.winRate, lo: null, hi: null, n: row.n, source: 'pairwise' };
  return null;
}

/** Min–max on the rows given, lower is better; a single value (or all equal) scores 1. */
function lowerIsBetter(values: (number | null)[]): (number | null)[] {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!known.length) return values.map(() => null);
  const min = Math.min(...known);
  const max = Math.max(...known);
  return values.map((v) => (v === null || !Number.isFinite(v) ? null : max === min ? 1 : (max - v) / (max - min)));
}

/**
 * Scores rows against each other (give it the rows of ONE prompt: speed and cost are relative
 * to the others shown). Missing speed or cost leave their weight out; missing quality makes
 * the combined score null when quality has weight, because an unrated row cannot be chosen
 * on quality.
 */
export function scoreRows(rows: readonly ScoreboardRow[], weights: ScoreWeights): RowScore[] {
  const speed = lowerIsBetter(rows.map((r) => r.latencyMs.p50));
  const cost = lowerIsBetter(rows.map((r) => r.costPer1k));
  const w = { quality: Math.max(0, weights.quality), speed: Math.max(0, weights.speed), cost: Math.max(0, weights.cost) };
  return rows.map((row, i) => {
    const quality = qualityOf(row);
    let sum = 0;
    let weight = 0;
    const add = (value: number | null, wt: number) => {
      if (value === null || wt === 0) return;
      sum += value * wt;
      weight += wt;
    };
    add(quality?.value ?? null, w.quality);
    add(speed[i], w.speed);
    add(cost[i], w.cost);
    const combined = (w.quality > 0 && !quality) || weight === 0 ? null : sum / weight;
    return { quality, speed: speed[i], cost: cost[i], combined };
  });
}

export interface Recommendation {
  /** Index into the rows given. */
  best: number;
  runnerUp: number | null;
  /** The top two's quality cannot be told apart with the ratings there are (core `tooFewToTellApart`). */
  tooFewToTellApart: boolean;
}

/** The row with the highest combined score, and whether the data can tell it from the next. */
export function recommend(rows: readonly ScoreboardRow[], scores: readonly RowScore[], weights: ScoreWeights): Recommendation | null {
  const ranked = scores
    .map((s, i) => ({ s, i }))
    .filter((x) => x.s.combined !== null)
    .sort((a, b) => b.s.combined! - a.s.combined! || rows[a.i].model.localeCompare(rows[b.i].model));
  if (!ranked.length) return null;
  const [first, second] = ranked;
  let tooFew = false;
  if (second && weights.quality > 0) {
    const q = (x: { s: RowScore }) => ({ lo: x.s.quality?.lo ?? null, hi: x.s.quality?.hi ?? null, n: x.s.quality?.n ?? 0 });
    tooFew = tooFewToTellApart(q(first), q(second));
  }
  return { best: first.i, runnerUp: second?.i ?? null, tooFewToTellApart: tooFew };
}

/**
 * Which points are on the Pareto front when x is a cost (lower is better) and y a quality
 * (higher is better): no other point is at least as good on both and better on one.
 * Points with a missing coordinate are never on it. O(n log n).
 */
export function paretoFront(points: readonly { x: number | null; y: number | null }[]): boolean[] {
  const on = points.map(() => false);
  const known = points
    .map((p, i) => ({ x: p.x, y: p.y, i }))
    .filter((p): p is { x: number; y: number; i: number } => p.x !== null && p.y !== null && Number.isFinite(p.x) && Number.isFinite(p.y))
    .sort((a, b) => a.x - b.x || b.y - a.y);
  let bestY = -Infinity;
  let bestX = NaN;
  for (const p of known) {
    if (p.y > bestY) {
      on[p.i] = true;
      bestY = p.y;
      bestX = p.x;
    } else if (p.y === bestY && p.x === bestX) {
      on[p.i] = true; // an exact tie with a front point is not dominated by it
    }
  }
  return on;
}

/** Mean stars per day for each version of one prompt (the criterion given), oldest day first. */
export function scoreOverTime(ratings: readonly RatingRecord[], prompt: string, criterion = 'overall'): { version: number; points: ScorePoint[] }[] {
  // The aggregate's stars per day (one owner of the arithmetic), over the ratings that count.
  const aggregate = new ScoreboardAggregate(criterion);
  for (const r of effectiveRatings(ratings)) if (r.kind === 'stars' && r.prompt.name === prompt) aggregate.addRating(r);
  return aggregate.scoreOverTime(prompt);
}

const CSV_COLUMNS = [
  'prompt', 'version', 'model', 'n', 'stars_mean', 'stars_lo', 'stars_hi', 'thumbs_up_rate', 'thumbs_up_lo', 'thumbs_up_hi',
  'win_rate', 'bt_score', 'pass_rate', 'latency_p50_ms', 'latency_p95_ms', 'ttft_p50_ms', 'cost_per_1k_usd', 'combined_score',
] as const;

/**
 * A CSV cell: quoted when it holds a comma, quote or line break; text that a spreadsheet
 * would run as a formula (= + - @ at the start) gets a leading apostrophe.
 */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as CSV (header first, CRLF line ends as RFC 4180 says), with the combined score when given. */
export function scoreboardCsv(rows: readonly ScoreboardRow[], combined?: readonly (number | null)[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  rows.forEach((r, i) => {
    const cells: (string | number | null)[] = [
      r.prompt, r.version, r.model, r.n, r.stars.mean, r.stars.lo, r.stars.hi, r.thumbsUp.rate, r.thumbsUp.lo, r.thumbsUp.hi,
      r.winRate, r.btScore, r.passRate, r.latencyMs.p50, r.latencyMs.p95, r.ttftMs.p50, r.costPer1k, combined?.[i] ?? null,
    ];
    lines.push(cells.map(csvCell).join(','));
  });
  return lines.join('\r\n') + '\r\n';
}
