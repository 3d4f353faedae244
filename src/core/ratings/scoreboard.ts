import type { RunRecord } from '../runs/runRecord';
import type { RatingRecord } from './ratingRecord';
import { effectiveRatings } from './ratingsStore';
import { ScoreboardAggregate } from './scoreboardAggregate';
import type { ScoreboardRow } from './types';

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
 * The scoreboard from records in memory: the ratings that count (superseded ones dropped by
 * `effectiveRatings`), then every record through one `ScoreboardAggregate` (the single owner
 * of the statistics; the CLI and the panel feed the same class incrementally). Linear in runs
 * + ratings apart from sorting each row's latencies.
 */
export function computeScoreboard(input: ScoreboardInput): Scoreboard {
  const board = new ScoreboardAggregate(input.criterion ?? 'overall');
  for (const run of input.runs) board.addRun(run);
  for (const r of effectiveRatings(input.ratings)) board.addRating(r);
  return { rows: board.finish(input.prompt) };
}
