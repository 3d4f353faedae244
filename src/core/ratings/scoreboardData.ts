import type { RunRecord } from '../runs/runRecord';
import type { RatingRecord } from './ratingRecord';
import type { ScoreboardAggregate } from './scoreboardAggregate';
import type { ScoreboardFacets } from './types';
import { ScoreboardDataReader } from './scoreboardCache';

export interface ScoreboardData {
  runs: RunRecord[];
  ratings: RatingRecord[];
  /** Lines skipped in runs/*.jsonl or ratings.jsonl, with file and 1-based line (0: the file itself). */
  problems: Array<{ file: string; line: number; message: string }>;
  /**
   * The board's statistics (criterion "overall") over exactly these records, when the reader
   * keeps them (`ScoreboardDataReader`): the board is then `aggregate.finish(prompt)` instead
   * of a pass over every record.
   */
  aggregate?: ScoreboardAggregate;
  /** The filters' values over these records, when the reader keeps them (added to per append). */
  facets?: ScoreboardFacets;
  /** How many run and rating records were read: set when `runs`/`ratings` are left empty (the board is the aggregate's). */
  counts?: { runs: number; ratings: number };
}

/**
 * Reads the run records and ratings of one or more workspace folders for the scoreboard, as
 * streams; missing files mean none, and a file that cannot be read is a problem, not a failure.
 */
export async function readScoreboardData(workspaceFolders: string | readonly string[]): Promise<ScoreboardData> {
  return new ScoreboardDataReader(workspaceFolders).read();
}
