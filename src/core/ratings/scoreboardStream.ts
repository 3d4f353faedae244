import { type JsonlStreamProblem } from '../workspace/jsonlStream';
import type { Scoreboard } from './scoreboard';
import { ScoreboardAggregateReader } from './scoreboardAggregateReader';

export interface StreamedScoreboard extends Scoreboard {
  /** Files and lines that could not be read (line 0: the file itself), in reading order. */
  problems: JsonlStreamProblem[];
  counts: { runs: number; ratings: number };
}

export { runMonthFiles } from './scoreboardAggregateReader';

/**
 * The scoreboard of one or more workspace folders, through the persisted aggregate
 * (`ScoreboardAggregateReader`): a first run reads every line once; later runs, in a new
 * process too, read only the lines appended since. The same board as `computeScoreboard`
 * over the same records (unit tests compare them, appends and supersedes included).
 */
export async function streamScoreboard(workspaceFolders: readonly string[], options: { criterion?: string; prompt?: string; persist?: boolean } = {}): Promise<StreamedScoreboard> {
  const reader = new ScoreboardAggregateReader(workspaceFolders, { criterion: options.criterion, persist: options.persist });
  const read = await reader.update();
  return { rows: reader.aggregate.finish(options.prompt), problems: read.problems, counts: read.counts };
}
