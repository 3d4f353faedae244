import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunRecord, validateRunRecord } from '../runs/runRecord';
import { readJsonlStream, type JsonlStreamProblem } from '../workspace/jsonlStream';
import { WorkbenchPaths } from '../workspace/paths';
import { RatingRecord, validateRatingRecord } from './ratingRecord';
import { Scoreboard, ScoreboardAccumulator, wantPairRuns } from './scoreboard';

export interface StreamedScoreboard extends Scoreboard {
  /** Files and lines that could not be read (line 0: the file itself), in reading order. */
  problems: JsonlStreamProblem[];
  counts: { runs: number; ratings: number };
}

const MONTH_FILE = /^\d{4}-\d{2}\.jsonl$/;

/** A folder's run month files, oldest first; `runs` being a file (or unreadable) is a problem. */
export async function runMonthFiles(runsDir: string, problems: JsonlStreamProblem[]): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(runsDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') problems.push({ file: runsDir, line: 0, message: code === 'ENOTDIR' ? 'is a file, not a folder of run records: skipped' : `cannot be read (${(err as Error).message})` });
    return [];
  }
  return names.filter((n) => MONTH_FILE.test(n)).sort().map((n) => path.join(runsDir, n));
}

/**
 * The scoreboard of one or more workspace folders without holding their records: the files
 * are streamed through a `ScoreboardAccumulator`, so memory grows with the rows (and each
 * row's latencies, 8 bytes a run), not with the files. Three passes: the ratings for which
 * ids are superseded and which runs pairwise sides need, the runs, the ratings that count.
 * The same board as `computeScoreboard` over the same records (a unit test compares them).
 */
export async function streamScoreboard(workspaceFolders: readonly string[], options: { criterion?: string; prompt?: string } = {}): Promise<StreamedScoreboard> {
  const criterion = options.criterion ?? 'overall';
  const folders = workspaceFolders.map((f) => new WorkbenchPaths(f));
  const problems: JsonlStreamProblem[] = [];
  const ratingFiles = folders.map((p) => p.ratingsFile);

  // Pass 1: which ratings a later line supersedes (by the superseding line's position), and the
  // pairwise runs. Most lines are neither: a line JSON.stringify wrote with `"supersedes":null`
  // and no "pairwise" in it is skipped without parsing (an escaped quote inside a comment
  // cannot look like that key); anything else is parsed and validated as usual.
  const supersededAt = new Map<string, number>();
  const wanted = new Set<string>();
  const NO_SUPERSEDES = Buffer.from('"supersedes":null');
  const PAIRWISE = Buffer.from('pairwise');
  const skipRaw = (line: Buffer) => line.includes(NO_SUPERSEDES) && !line.includes(PAIRWISE);
  /** A line's place in the reading order: file, then line (stable while files are appended to). */
  const position = (file: number, line: number) => file * 2 ** 40 + line;
  for (const [f, file] of ratingFiles.entries()) {
    await readJsonlStream<RatingRecord>(
      file,
      (r, line) => {
        if (r.supersedes) supersededAt.set(r.supersedes, position(f, line));
        if (r.criterion === criterion) wantPairRuns(r, wanted);
      },
      { validate: validateRatingRecord, skipRaw },
    );
  }

  const board = new ScoreboardAccumulator(criterion, options.prompt);
  let runs = 0;
  for (const p of folders) {
    for (const file of await runMonthFiles(p.runsDir, problems)) {
      const read = await readJsonlStream<RunRecord>(
        file,
        (run) => {
          runs++;
          board.addRun(run, wanted.has(run.id));
        },
        { validate: validateRunRecord },
      );
      problems.push(...read.problems);
    }
  }

  let ratings = 0;
  for (const [f, file] of ratingFiles.entries()) {
    const read = await readJsonlStream<RatingRecord>(
      file,
      (r, line) => {
        ratings++;
        const later = supersededAt.get(r.id);
        if (later === undefined || later <= position(f, line)) board.addRating(r);
      },
      { validate: validateRatingRecord },
    );
    problems.push(...read.problems);
  }
  return { ...board.finish(), problems, counts: { runs, ratings } };
}
