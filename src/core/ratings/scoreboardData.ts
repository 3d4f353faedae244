import { readRunHistory } from '../runs/runHistory';
import type { RunRecord } from '../runs/runRecord';
import { WorkbenchPaths } from '../workspace/paths';
import type { RatingRecord } from './ratingRecord';
import { readRatings } from './ratingsStore';

export interface ScoreboardData {
  runs: RunRecord[];
  ratings: RatingRecord[];
  /** Lines skipped in runs/*.jsonl or ratings.jsonl, with file and 1-based line. */
  problems: Array<{ file: string; line: number; message: string }>;
}

/** Reads a workspace's run records and ratings for the scoreboard; missing files mean none. */
export async function readScoreboardData(workspaceFolder: string): Promise<ScoreboardData> {
  const paths = new WorkbenchPaths(workspaceFolder);
  const [runs, ratings] = await Promise.all([readRunHistory(paths.runsDir), readRatings(paths.ratingsFile)]);
  return { runs: runs.records, ratings: ratings.records, problems: [...runs.problems, ...ratings.problems] };
}
