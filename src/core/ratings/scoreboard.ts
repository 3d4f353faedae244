import type { RunRecord } from '../runs/runRecord';
import type { PairMember, PairwiseRating, RatingRecord } from './ratingRecord';
import { effectiveRatings } from './ratingsStore';
import type { ScoreboardRow } from './types';
import { bradleyTerry, meanInterval, PairwiseOutcome, percentile, wilsonInterval, winRate } from './statistics';

export type { ScoreboardRow } from './types';

export interface Scoreboard {
  rows: ScoreboardRow[];
}

export interface ScoreboardInput {
  runs: readonly RunRecord[];
  /** Every rating line read (superseded ones included: they are dropped here). */
  ratings: readonly RatingRecord[];
  criterion?: string;
  /** Only rows of this prompt name. */
  prompt?: string;
}

/**
 * A run's check outcomes (`RunRecord.checks`, written by a dataset run / `eval`): a run counts
 * as passing when every entry passed (`pass`, or `passed` from other tools, true).
 */
type RunWithChecks = RunRecord & { checks?: Array<{ pass?: boolean; passed?: boolean }> };

/** Everything gathered for one row in the single pass, before the statistics. */
class RowAccumulator {
  n = 0;
  stars: number[] = [];
  thumbsUp = 0;
  thumbsTotal = 0;
  wins = 0;
  ties = 0;
  losses = 0;
  /** Index among the Bradley–Terry players of this prompt name, or -1. */
  player = -1;
  checked = 0;
  passed = 0;
  latencies: number[] = [];
  ttfts: number[] = [];
  costSum = 0;
  costCount = 0;
  constructor(readonly prompt: string, readonly version: number, readonly model: string) {}
}

/**
 * The scoreboard: one pass over runs and one over ratings into per-row accumulators (Maps),
 * then the statistics per row. Linear in runs + ratings apart from sorting each row's
 * latencies, so 100,000 of each take tens of milliseconds.
 */
export function computeScoreboard(input: ScoreboardInput): Scoreboard {
  const criterion = input.criterion ?? 'overall';
  const ratings = effectiveRatings(input.ratings);
  // Only pairwise ratings need their runs (for each side's prompt version): index just those,
  // not all 100,000 runs.
  const wantedRunIds = new Set<string>();
  for (const r of ratings) if (r.criterion === criterion) wantPairRuns(r, wantedRunIds);
  const board = new ScoreboardAccumulator(criterion, input.prompt);
  for (const run of input.runs) board.addRun(run, wantedRunIds.has(run.id));
  for (const r of ratings) board.addRating(r);
  return board.finish();
}

/** Adds the run ids a pairwise rating's sides need looked up (each side's prompt version). */
export function wantPairRuns(r: RatingRecord, into: Set<string>): void {
  if (r.kind !== 'pairwise') return;
  if (r.pair.A.runId) into.add(r.pair.A.runId);
  if (r.pair.B.runId) into.add(r.pair.B.runId);
  if (r.runId) into.add(r.runId);
}

/** What a pairwise side needs of its run. */
interface PairRun {
  name: string;
  version: number;
  model: string;
}

/**
 * The scoreboard built one record at a time, so a caller can stream files of any size
 * through it (the CLI) or hand it arrays (`computeScoreboard`): every run first (`addRun`,
 * saying whether a pairwise rating will need it), then the ratings that count (superseded
 * ones already left out), in file order; `finish` computes the statistics.
 */
export class ScoreboardAccumulator {
  // Nested Maps rather than a joined string key: no string built per record.
  private readonly rows: RowAccumulator[] = [];
  private readonly byPrompt = new Map<string, Map<number, Map<string, RowAccumulator>>>();
  private readonly pairRuns = new Map<string, PairRun>();
  // Bradley–Terry players per prompt name: versions and models of one prompt compete with each other.
  private readonly players = new Map<string, RowAccumulator[]>();
  private readonly outcomes = new Map<string, PairwiseOutcome[]>();

  constructor(
    private readonly criterion = 'overall',
    private readonly onlyPrompt?: string,
  ) {}

  private rowFor(prompt: string, version: number, model: string): RowAccumulator {
    let byVersion = this.byPrompt.get(prompt);
    if (!byVersion) this.byPrompt.set(prompt, (byVersion = new Map()));
    let byModel = byVersion.get(version);
    if (!byModel) byVersion.set(version, (byModel = new Map()));
    let row = byModel.get(model);
    if (!row) {
      byModel.set(model, (row = new RowAccumulator(prompt, version, model)));
      this.rows.push(row);
    }
    return row;
  }

  addRun(record: RunRecord, neededByPairs: boolean): void {
    const run = record as RunWithChecks;
    if (neededByPairs && run.prompt) this.pairRuns.set(run.id, { name: run.prompt.name, version: run.prompt.version, model: run.model });
    if (!run.prompt || (this.onlyPrompt !== undefined && run.prompt.name !== this.onlyPrompt)) return;
    const row = this.rowFor(run.prompt.name, run.prompt.version, run.model);
    if (Array.isArray(run.checks) && run.checks.length) {
      row.checked++;
      if (run.checks.every((c) => c.pass === true || (c as { passed?: boolean }).passed === true)) row.passed++;
    }
    // A failed call's timing measures the failure, not the model: leave it out.
    if (run.error || !run.metrics) return;
    const m = run.metrics;
    if (typeof m.latencyMs === 'number') row.latencies.push(m.latencyMs);
    if (typeof m.ttftMs === 'number') row.ttfts.push(m.ttftMs);
    if (typeof m.costUsd === 'number') {
      row.costSum += m.costUsd;
      row.costCount++;
    }
  }

  private playerOf(row: RowAccumulator): number {
    if (row.player < 0) {
      let list = this.players.get(row.prompt);
      if (!list) this.players.set(row.prompt, (list = []));
      row.player = list.length;
      list.push(row);
    }
    return row.player;
  }

  /** The row of one side of a pairwise rating: its run's prompt version, else the rating's. */
  private sideRow(r: PairwiseRating, member: PairMember): RowAccumulator | undefined {
    const run = member.runId ? this.pairRuns.get(member.runId) : undefined;
    const name = run?.name ?? r.prompt.name;
    const model = member.model ?? run?.model;
    return model && (this.onlyPrompt === undefined || name === this.onlyPrompt) ? this.rowFor(name, run?.version ?? r.prompt.version, model) : undefined;
  }

  addRating(r: RatingRecord): void {
    if (r.criterion !== this.criterion) return;
    if (r.kind === 'pairwise') {
      const a = this.sideRow(r, r.pair.A);
      const b = this.sideRow(r, r.pair.B);
      if (!a || !b || a === b || a.prompt !== b.prompt) return;
      a.n++;
      b.n++;
      if (r.value === 'tie') {
        a.ties++;
        b.ties++;
      } else {
        const [winner, loser] = r.value === 'A' ? [a, b] : [b, a];
        winner.wins++;
        loser.losses++;
      }
      let list = this.outcomes.get(a.prompt);
      if (!list) this.outcomes.set(a.prompt, (list = []));
      list.push({ a: this.playerOf(a), b: this.playerOf(b), scoreA: r.value === 'A' ? 1 : r.value === 'B' ? 0 : 0.5 });
      return;
    }
    // Stars and thumbs name their prompt version and model themselves (the validator insists).
    const name = r.prompt.name;
    if (this.onlyPrompt !== undefined && name !== this.onlyPrompt) return;
    const row = this.rowFor(name, r.prompt.version, r.model);
    row.n++;
    if (r.kind === 'stars') row.stars.push(r.value);
    else {
      row.thumbsTotal++;
      if (r.value === 'up') row.thumbsUp++;
    }
  }

  finish(): Scoreboard {
    const { rows, players, outcomes } = this;
    const btScores = new Map<RowAccumulator, number>();
    for (const [prompt, list] of players) {
      const scores = bradleyTerry(list.length, outcomes.get(prompt) ?? []);
      list.forEach((row, i) => btScores.set(row, scores[i]));
    }

    const result: ScoreboardRow[] = [];
    for (const row of rows) {
      const stars = meanInterval(row.stars, [1, 5]);
      const thumbs = wilsonInterval(row.thumbsUp, row.thumbsTotal);
      const latencies = Float64Array.from(row.latencies).sort();
      const ttfts = Float64Array.from(row.ttfts).sort();
      result.push({
        prompt: row.prompt,
        version: row.version,
        model: row.model,
        n: row.n,
        stars: { mean: stars.mean, lo: stars.lo, hi: stars.hi },
        thumbsUp: { rate: thumbs.rate, lo: thumbs.lo, hi: thumbs.hi },
        winRate: winRate(row.wins, row.ties, row.losses),
        btScore: btScores.get(row) ?? null,
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
    return { rows: result };
  }
}
