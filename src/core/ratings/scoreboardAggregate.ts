import type { RunRecord } from '../runs/runRecord';
import type { RatingRecord } from './ratingRecord';
import type { ScoreboardRow, ScorePoint } from './types';
import { bradleyTerry, meanIntervalOfCounts, PairwiseOutcome, percentile, wilsonInterval, winRate } from './statistics';

/**
 * A run's check outcomes (`RunRecord.checks`, written by a dataset run / `eval`): a run counts
 * as passing when every entry passed (`pass`, or `passed` from other tools, true).
 */
type RunWithChecks = RunRecord & { checks?: Array<{ pass?: boolean; passed?: boolean }> };

/**
 * One row's sufficient statistics: every one can be added to, and the ratings' taken back.
 * Stars are five counts (values are the integers 1–5), so their mean and interval are exact;
 * latencies and times to first token are kept exactly (8 bytes a run) for exact percentiles.
 */
export class AggregateRow {
  /** Runs of this prompt version and model (any, failed ones included). */
  runs = 0;
  /** stars[v - 1]: ratings of v stars. */
  readonly stars = [0, 0, 0, 0, 0];
  thumbsUp = 0;
  thumbsTotal = 0;
  checked = 0;
  passed = 0;
  latencies: number[] = [];
  ttfts: number[] = [];
  costSum = 0;
  costCount = 0;
  /** `latencies` and `ttfts` sorted, kept until a run is added. */
  sorted: { latencies: Float64Array; ttfts: Float64Array } | undefined;
  constructor(readonly prompt: string, readonly version: number, readonly model: string) {}
}

/** A pairwise rating that counts, as it needs to be placed at the end (its runs may come later). */
interface PairEntry {
  runA: string | null;
  runB: string | null;
  modelA: string | null;
  modelB: string | null;
  prompt: string;
  version: number;
  /** 1: A won, 0: B won, 0.5: tie. */
  scoreA: number;
  /** The rows of the runs named (-1: not seen), once looked up; dropped when a run is added. */
  rows?: [number, number];
}

/**
 * What a rating added, to take it back when a later line supersedes it: for stars and thumbs
 * `row * 8 + code` (code 0–4: 1–5 stars, 5: thumbs down, 6: thumbs up); for a pairwise rating
 * `-(index in pairs + 1)`.
 */
type Contribution = number;

/** The position of a rating line: which rating file (folder order) it is in. */
export type RatingFileIndex = number;

/**
 * The scoreboard as sufficient statistics, built one record at a time in any number of steps:
 * the single owner of the board's arithmetic. `computeScoreboard` feeds it every record at
 * once; `ScoreboardAggregateReader` feeds it the lines appended since the last read and keeps
 * it on disk. Supersedes are resolved here, in the order of the lines: a rating line that names
 * an earlier id takes that rating's contribution back (runs are never superseded: theirs are
 * plain sums). Pairwise ratings are placed at `finish`, when every run they name has been seen.
 */
export class ScoreboardAggregate {
  readonly rows: AggregateRow[] = [];
  private readonly byPrompt = new Map<string, Map<number, Map<string, number>>>();
  /**
   * Every run with a prompt → its row: a pairwise side counts for its run's prompt version.
   * Read back from disk only when needed (a run or a pairwise side to place): a million ids
   * cost seconds to put in a Map, and a board with nothing new needs none of them.
   */
  get runRows(): Map<string, number> {
    if (!this.runRowsMap) {
      this.runRowsMap = new Map();
      const stored = this.storedRuns;
      this.storedRuns = undefined;
      if (stored) unpackIds(stored.ids).forEach((id, i) => this.runRowsMap!.set(id, stored.rows[i]));
    }
    return this.runRowsMap;
  }
  private runRowsMap: Map<string, number> | undefined;
  private storedRuns: { ids: PackedIds; rows: Int32Array } | undefined;
  /** Whether each pair's cached rows (`PairEntry.rows`) still hold: a run added may change them. */
  private pairsResolved = true;
  /** Pairwise ratings in reading order; null once superseded. */
  readonly pairs: (PairEntry | null)[] = [];
  /**
   * Rating id → [rating file, contribution, day] triples (usually one; day: index in `days`,
   * -1 unless stars). Read back from disk only when a line supersedes (like `runRows`); until
   * then the contributions of appended ratings wait in `newContributions`.
   */
  get contributions(): Map<string, number[]> {
    if (!this.contributionsMap) {
      const map = new Map<string, number[]>();
      const stored = this.storedContributions;
      this.storedContributions = undefined;
      if (stored) {
        unpackIds(stored.ids).forEach((id, i) => {
          const list = map.get(id);
          const triple = [stored.data[3 * i], stored.data[3 * i + 1], stored.data[3 * i + 2]];
          if (list) list.push(...triple);
          else map.set(id, triple);
        });
      }
      for (const [id, triples] of this.newContributions) {
        const list = map.get(id);
        if (list) list.push(...triples);
        else map.set(id, triples);
      }
      this.newContributions.clear();
      this.contributionsMap = map;
    }
    return this.contributionsMap;
  }
  private contributionsMap: Map<string, number[]> | undefined;
  private storedContributions: { ids: PackedIds; data: Int32Array } | undefined;
  private readonly newContributions = new Map<string, number[]>();
  /** The days (YYYY-MM-DD) star ratings were given on, and each row's stars per day (for scores over time). */
  readonly days: string[] = [];
  private readonly dayIndex = new Map<string, number>();
  private readonly starsByDay = new Map<number, Map<number, number[]>>();
  /** Id → the last rating file with a line superseding it: a line in an earlier file never counts. */
  readonly supersededIn = new Map<string, RatingFileIndex>();

  constructor(readonly criterion = 'overall') {}

  rowIndex(prompt: string, version: number, model: string): number {
    let byVersion = this.byPrompt.get(prompt);
    if (!byVersion) this.byPrompt.set(prompt, (byVersion = new Map()));
    let byModel = byVersion.get(version);
    if (!byModel) byVersion.set(version, (byModel = new Map()));
    let index = byModel.get(model);
    if (index === undefined) {
      index = this.rows.length;
      byModel.set(model, index);
      this.rows.push(new AggregateRow(prompt, version, model));
    }
    return index;
  }

  /** Adds a row read back from disk (keeps the lookup in step). */
  protected adoptRow(row: AggregateRow): void {
    const index = this.rowIndex(row.prompt, row.version, row.model);
    this.rows[index] = row;
  }

  addRun(record: RunRecord): void {
    const run = record as RunWithChecks;
    // Production traffic (imported invocation logs) is not an evaluation: the releases' production
    // figures show it (releaseTraffic.ts), the evaluation rows do not.
    if (!run.prompt || run.source === 'production') return;
    const index = this.rowIndex(run.prompt.name, run.prompt.version, run.model);
    this.runRows.set(run.id, index);
    this.pairsResolved = false;
    const row = this.rows[index];
    row.runs++;
    row.sorted = undefined;
    // A cached answer is its original run's answer again: counted once in quality (not again when
    // the original is in the same row), and never in latency or cost (no call was made).
    const repeat = run.cached === true && run.cachedFrom !== undefined && this.runRows.get(run.cachedFrom) === index;
    if (Array.isArray(run.checks) && run.checks.length && !repeat) {
      row.checked++;
      if (run.checks.every((c) => c.pass === true || c.passed === true)) row.passed++;
    }
    // A failed call's timing measures the failure, not the model: leave it out.
    if (run.error || !run.metrics || run.cached) return;
    const m = run.metrics;
    if (typeof m.latencyMs === 'number') row.latencies.push(m.latencyMs);
    if (typeof m.ttftMs === 'number') row.ttfts.push(m.ttftMs);
    if (typeof m.costUsd === 'number') {
      row.costSum += m.costUsd;
      row.costCount++;
    }
  }

  /**
   * Adds one rating line of rating file `file` (lines of one file in order; files in folder
   * order). Lines of every criterion go through here: any of them may supersede.
   */
  addRating(r: RatingRecord, file: RatingFileIndex = 0): void {
    if (r.supersedes) {
      const before = this.supersededIn.get(r.supersedes);
      if (before === undefined || before < file) this.supersededIn.set(r.supersedes, file);
      this.retract(r.supersedes, file);
    }
    // A line of a later file already superseded this one.
    const laterFile = this.supersededIn.get(r.id);
    if (laterFile !== undefined && laterFile > file) return;
    if (r.criterion !== this.criterion) return;
    // Feedback imported from production rates production calls (see addRun).
    if (r.tags?.includes('production')) return;
    let contribution: Contribution;
    let day = -1;
    if (r.kind === 'pairwise') {
      this.pairs.push({
        runA: r.pair.A.runId ?? null,
        runB: r.pair.B.runId ?? null,
        modelA: r.pair.A.model ?? null,
        modelB: r.pair.B.model ?? null,
        prompt: r.prompt.name,
        version: r.prompt.version,
        scoreA: r.value === 'A' ? 1 : r.value === 'B' ? 0 : 0.5,
      });
      contribution = -this.pairs.length;
    } else {
      // Stars and thumbs name their prompt version and model themselves (the validator insists).
      const index = this.rowIndex(r.prompt.name, r.prompt.version, r.model);
      const row = this.rows[index];
      let code: number;
      if (r.kind === 'stars') {
        code = r.value - 1;
        row.stars[code]++;
        day = this.dayOf(r.ts);
        this.starsOn(index, day)[code]++;
      } else {
        code = r.value === 'up' ? 6 : 5;
        row.thumbsTotal++;
        if (code === 6) row.thumbsUp++;
      }
      contribution = index * 8 + code;
    }
    const map = this.contributionsMap ?? this.newContributions;
    const list = map.get(r.id);
    if (list) list.push(file, contribution, day);
    else map.set(r.id, [file, contribution, day]);
  }

  private dayOf(ts: string): number {
    const day = typeof ts === 'string' ? ts.slice(0, 10) : '';
    let index = this.dayIndex.get(day);
    if (index === undefined) {
      index = this.days.length;
      this.days.push(day);
      this.dayIndex.set(day, index);
    }
    return index;
  }

  private starsOn(row: number, day: number): number[] {
    let byDay = this.starsByDay.get(row);
    if (!byDay) this.starsByDay.set(row, (byDay = new Map()));
    let counts = byDay.get(day);
    if (!counts) byDay.set(day, (counts = [0, 0, 0, 0, 0]));
    return counts;
  }

  /**
   * Mean stars per day for each version of a prompt (every model together), oldest version and
   * day first: what `scoreOverTime` computes from the records, from the counts kept here.
   */
  scoreOverTime(prompt: string): { version: number; points: ScorePoint[] }[] {
    const byVersion = new Map<number, Map<string, number[]>>();
    for (const [index, byDay] of this.starsByDay) {
      const row = this.rows[index];
      if (row.prompt !== prompt) continue;
      let days = byVersion.get(row.version);
      if (!days) byVersion.set(row.version, (days = new Map()));
      for (const [day, counts] of byDay) {
        if (!counts.some((c) => c > 0)) continue;
        const name = this.days[day];
        const sum = days.get(name);
        if (sum) counts.forEach((c, i) => (sum[i] += c));
        else days.set(name, [...counts]);
      }
    }
    return [...byVersion]
      .filter(([, days]) => days.size > 0)
      .sort((a, b) => a[0] - b[0])
      .map(([version, days]) => ({
        version,
        points: [...days]
          .sort((a, b) => (a[0] < b[0] ? -1 : 1))
          .map(([day, counts]) => {
            const m = meanIntervalOfCounts(counts, 1, [1, 5]);
            return { day, mean: m.mean!, lo: m.lo, hi: m.hi, n: m.n };
          }),
      }));
  }

  /** Takes back what rating `id` added from files up to `file`. */
  private retract(id: string, file: RatingFileIndex): void {
    const list = this.contributions.get(id);
    if (!list) return;
    const kept: number[] = [];
    for (let i = 0; i < list.length; i += 3) {
      if (list[i] > file) {
        kept.push(list[i], list[i + 1], list[i + 2]);
        continue;
      }
      const c = list[i + 1];
      if (c < 0) {
        this.pairs[-c - 1] = null;
        continue;
      }
      const row = this.rows[Math.floor(c / 8)];
      const code = c % 8;
      if (code < 5) {
        row.stars[code]--;
        this.starsOn(Math.floor(c / 8), list[i + 2])[code]--;
      } else {
        row.thumbsTotal--;
        if (code === 6) row.thumbsUp--;
      }
    }
    if (kept.length) this.contributions.set(id, kept);
    else this.contributions.delete(id);
  }

  /** The board, of every prompt or of one: the statistics of each row that has a run or a rating that counts. */
  finish(onlyPrompt?: string): ScoreboardRow[] {
    const shown = new Set<number>();
    this.rows.forEach((row, i) => {
      if (row.runs > 0 || row.thumbsTotal > 0 || row.stars.some((c) => c > 0)) shown.add(i);
    });
    // Pairwise: each side's row is its run's prompt version (else the rating's) and model.
    const pairStats = new Map<number, { n: number; wins: number; ties: number; losses: number; player: number }>();
    const players = new Map<string, number[]>();
    const outcomes = new Map<string, PairwiseOutcome[]>();
    const statsOf = (index: number) => {
      let s = pairStats.get(index);
      if (!s) pairStats.set(index, (s = { n: 0, wins: 0, ties: 0, losses: 0, player: -1 }));
      return s;
    };
    const playerOf = (index: number) => {
      const s = statsOf(index);
      if (s.player < 0) {
        const prompt = this.rows[index].prompt;
        let list = players.get(prompt);
        if (!list) players.set(prompt, (list = []));
        s.player = list.length;
        list.push(index);
      }
      return s.player;
    };
    if (!this.pairsResolved) for (const p of this.pairs) if (p) p.rows = undefined;
    this.pairsResolved = true;
    const runRowOf = (runId: string | null) => (runId ? (this.runRows.get(runId) ?? -1) : -1);
    const side = (p: PairEntry, runIndex: number, model: string | null): number | undefined => {
      const run = runIndex < 0 ? undefined : this.rows[runIndex];
      const name = run?.prompt ?? p.prompt;
      const m = model ?? run?.model;
      if (!m || (onlyPrompt !== undefined && name !== onlyPrompt)) return undefined;
      const index = this.rowIndex(name, run?.version ?? p.version, m);
      shown.add(index);
      return index;
    };
    for (const p of this.pairs) {
      if (!p) continue;
      p.rows ??= [runRowOf(p.runA), runRowOf(p.runB)];
      const a = side(p, p.rows[0], p.modelA);
      const b = side(p, p.rows[1], p.modelB);
      if (a === undefined || b === undefined || a === b || this.rows[a].prompt !== this.rows[b].prompt) continue;
      const sa = statsOf(a);
      const sb = statsOf(b);
      sa.n++;
      sb.n++;
      if (p.scoreA === 0.5) {
        sa.ties++;
        sb.ties++;
      } else if (p.scoreA === 1) {
        sa.wins++;
        sb.losses++;
      } else {
        sb.wins++;
        sa.losses++;
      }
      const prompt = this.rows[a].prompt;
      let list = outcomes.get(prompt);
      if (!list) outcomes.set(prompt, (list = []));
      list.push({ a: playerOf(a), b: playerOf(b), scoreA: p.scoreA });
    }
    const btScores = new Map<number, number>();
    for (const [prompt, list] of players) {
      const scores = bradleyTerry(list.length, outcomes.get(prompt) ?? []);
      list.forEach((index, i) => btScores.set(index, scores[i]));
    }

    const result: ScoreboardRow[] = [];
    for (const index of shown) {
      const row = this.rows[index];
      if (onlyPrompt !== undefined && row.prompt !== onlyPrompt) continue;
      const pair = pairStats.get(index);
      const stars = meanIntervalOfCounts(row.stars, 1, [1, 5]);
      const thumbs = wilsonInterval(row.thumbsUp, row.thumbsTotal);
      const { latencies, ttfts } = (row.sorted ??= { latencies: Float64Array.from(row.latencies).sort(), ttfts: Float64Array.from(row.ttfts).sort() });
      result.push({
        prompt: row.prompt,
        version: row.version,
        model: row.model,
        n: stars.n + row.thumbsTotal + (pair?.n ?? 0),
        stars: { mean: stars.mean, lo: stars.lo, hi: stars.hi },
        thumbsUp: { rate: thumbs.rate, lo: thumbs.lo, hi: thumbs.hi },
        winRate: pair ? winRate(pair.wins, pair.ties, pair.losses) : null,
        btScore: btScores.get(index) ?? null,
        passRate: row.checked ? row.passed / row.checked : null,
        latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
        ttftMs: { p50: percentile(ttfts, 50) },
        costPer1k: row.costCount ? (row.costSum / row.costCount) * 1000 : null,
      });
    }
    // Prompt name, newest version first, then the best rated first; unrated rows last, by model.
    result.sort(
      (x, y) =>
        (x.prompt < y.prompt ? -1 : x.prompt > y.prompt ? 1 : 0) ||
        y.version - x.version ||
        (y.stars.mean ?? -Infinity) - (x.stars.mean ?? -Infinity) ||
        (x.model < y.model ? -1 : x.model > y.model ? 1 : 0),
    );
    return result;
  }

  /** The aggregate as JSON-ready data (numbers in bulk as base64 typed arrays). */
  serialize(): SerializedAggregate {
    const stored = this.storedContributions;
    // (No spread: a million arguments overflow the stack.)
    const contribIds: string[] = stored ? unpackIds(stored.ids) : [];
    const contribData: number[] = stored ? Array.from(stored.data) : [];
    for (const [id, list] of this.contributionsMap ?? this.newContributions) {
      for (let i = 0; i < list.length; i += 3) {
        contribIds.push(id);
        contribData.push(list[i], list[i + 1], list[i + 2]);
      }
    }
    return {
      criterion: this.criterion,
      rows: this.rows.map((r) => [r.prompt, r.version, r.model, r.runs, ...r.stars, r.thumbsUp, r.thumbsTotal, r.checked, r.passed, r.costSum, r.costCount, f64(r.latencies), f64(r.ttfts)]),
      runIds: this.storedRuns ? this.storedRuns.ids : packIds([...this.runRows.keys()]),
      runRows: i32(this.storedRuns ? this.storedRuns.rows : [...this.runRows.values()]),
      pairs: this.pairs.map((p): SerializedAggregate['pairs'][number] => {
        if (!p) return null;
        const entry: NonNullable<SerializedAggregate['pairs'][number]> = [p.runA, p.runB, p.modelA, p.modelB, p.prompt, p.version, p.scoreA];
        if (this.pairsResolved && p.rows) entry.push(p.rows[0], p.rows[1]);
        return entry;
      }),
      contribIds: packIds(contribIds),
      contribData: i32(contribData),
      days: this.days,
      supersededIn: [...this.supersededIn],
    };
  }

  /** Reads `serialize()`'s output back; throws on anything that does not fit (the caller rebuilds). */
  static deserialize(data: SerializedAggregate): ScoreboardAggregate {
    const agg = new ScoreboardAggregate(String(data.criterion));
    for (const r of data.rows) {
      if (!Array.isArray(r) || r.length !== 17) throw new Error('bad row');
      const [prompt, version, model, runs, s1, s2, s3, s4, s5, up, total, checked, passed, costSum, costCount, lat, ttft] = r as [string, number, string, ...number[]];
      if (typeof prompt !== 'string' || typeof model !== 'string' || typeof version !== 'number') throw new Error('bad row');
      const row = new AggregateRow(prompt, version, model);
      const counts = [runs, s1, s2, s3, s4, s5, up, total, checked, passed, costSum, costCount];
      if (!counts.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new Error('bad counts');
      row.runs = runs;
      row.stars.splice(0, 5, s1, s2, s3, s4, s5);
      Object.assign(row, { thumbsUp: up, thumbsTotal: total, checked, passed, costSum, costCount });
      row.latencies = Array.from(fromF64(lat as unknown as string));
      row.ttfts = Array.from(fromF64(ttft as unknown as string));
      agg.adoptRow(row);
    }
    if (agg.rows.length !== data.rows.length) throw new Error('duplicate rows');
    const runRows = fromI32(data.runRows);
    if (runRows.length !== countIds(data.runIds) || runRows.some((row) => !(row >= 0 && row < agg.rows.length))) throw new Error('bad run index');
    agg.storedRuns = { ids: data.runIds, rows: runRows };
    for (const p of data.pairs) {
      if (p === null) agg.pairs.push(null);
      else {
        const [runA, runB, modelA, modelB, prompt, version, scoreA, rowA, rowB] = p;
        if (typeof prompt !== 'string' || typeof version !== 'number' || ![0, 0.5, 1].includes(scoreA)) throw new Error('bad pair');
        const known = (row: unknown): row is number => typeof row === 'number' && row >= -1 && row < agg.rows.length;
        agg.pairs.push({ runA, runB, modelA, modelB, prompt, version, scoreA, rows: known(rowA) && known(rowB) ? [rowA, rowB] : undefined });
      }
    }
    if (!Array.isArray(data.days)) throw new Error('bad days');
    for (const day of data.days) agg.dayOf(day);
    const contrib = fromI32(data.contribData);
    if (contrib.length !== countIds(data.contribIds) * 3) throw new Error('bad contributions');
    agg.storedContributions = { ids: data.contribIds, data: contrib };
    for (let i = 0; 3 * i < contrib.length; i++) {
      const [c, day] = [contrib[3 * i + 1], contrib[3 * i + 2]];
      if (c < 0 ? -c > agg.pairs.length : Math.floor(c / 8) >= agg.rows.length || c % 8 > 6) throw new Error('bad contribution');
      // Stars per day are not stored: they follow from the stars contributions.
      if (c >= 0 && c % 8 < 5) {
        if (!(day >= 0 && day < agg.days.length)) throw new Error('bad day');
        agg.starsOn(Math.floor(c / 8), day)[c % 8]++;
      }
    }
    for (const [id, file] of data.supersededIn) agg.supersededIn.set(id, file);
    return agg;
  }
}

export interface SerializedAggregate {
  criterion: string;
  rows: unknown[][];
  runIds: PackedIds;
  runRows: string;
  /** runA, runB, modelA, modelB, prompt, version, scoreA, then each side's run row (-1: none) when known. */
  pairs: ([string | null, string | null, string | null, string | null, string, number, number, number?, number?] | null)[];
  contribIds: PackedIds;
  contribData: string;
  days: string[];
  supersededIn: [string, number][];
}

/** Ids as one string, one per line (JSON parses one long string much faster than 100,000 short ones); an array if an id holds a line end. */
type PackedIds = string | string[];
const packIds = (ids: string[]): PackedIds => (ids.some((id) => id.includes('\n')) ? ids : ids.join('\n'));
function countIds(packed: PackedIds): number {
  if (Array.isArray(packed)) return packed.length;
  if (typeof packed !== 'string') throw new Error('bad ids');
  if (packed === '') return 0;
  let n = 1;
  for (let i = packed.indexOf('\n'); i >= 0; i = packed.indexOf('\n', i + 1)) n++;
  return n;
}
function unpackIds(packed: PackedIds): string[] {
  if (Array.isArray(packed)) return packed;
  if (typeof packed !== 'string') throw new Error('bad ids');
  return packed === '' ? [] : packed.split('\n');
}
const f64 = (xs: number[]) => Buffer.from(Float64Array.from(xs).buffer).toString('base64');
const i32 = (xs: ArrayLike<number>) => Buffer.from(Int32Array.from(xs).buffer).toString('base64');
function bytesOf(text: string, width: number): ArrayBuffer {
  if (typeof text !== 'string') throw new Error('not base64');
  const b = Buffer.from(text, 'base64');
  if (b.length % width) throw new Error('bad length');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
}
const fromF64 = (text: string) => new Float64Array(bytesOf(text, 8));
const fromI32 = (text: string) => new Int32Array(bytesOf(text, 4));
