import * as fs from 'node:fs';
import { RunRecord, validateRunRecord } from '../runs/runRecord';
import { readJsonlStream, type JsonlStreamProblem } from '../workspace/jsonlStream';
import { WorkbenchPaths } from '../workspace/paths';
import type { RatingRecord } from './ratingRecord';
import { validateRatingRecord } from './ratingRecord';
import { ScoreboardAggregate } from './scoreboardAggregate';
import type { ScoreboardData } from './scoreboardData';
import { ScoreboardAggregateReader } from './scoreboardAggregateReader';
import { FacetsAccumulator, needsRecords, type ScoreboardFilters } from './scoreboardView';
import { runMonthFiles } from './scoreboardStream';

interface CachedFile<T> {
  size: number;
  mtimeMs: number;
  /** Byte offset after the last whole line read: an append is read from here. */
  end: number;
  /** Lines read so far (1-based numbering continues from here). */
  lines: number;
  records: T[];
  problems: JsonlStreamProblem[];
}

/** One read of a file: its records so far, and what this read added to the last one's. */
interface FileRead<T> extends CachedFile<T> {
  /** The records this read added (all of them when `whole`). */
  added: T[];
  /** Whether records read before were dropped: the file was rewritten (not just appended to) or is gone. */
  whole: boolean;
}

const MISSING = { size: 0, mtimeMs: 0, end: 0, lines: 0, records: [], problems: [] };

/**
 * Reads a JSONL file again only as far as it changed, as a stream (core/workspace/jsonlStream.ts:
 * a directory, a non-file, a torn or oversized line is a problem, never a failure). The files
 * are append-only: when one only grew, just the new bytes are parsed (from the end of the last
 * whole line read), so an append to 100,000 lines costs the new lines, not the file. Anything
 * else (shrunk, rewritten by a git checkout) reads the whole file again.
 */
export class IncrementalJsonl<T> {
  private readonly files = new Map<string, CachedFile<T>>();

  constructor(private readonly validate: (value: unknown) => string | undefined) {}

  async read(file: string): Promise<FileRead<T>> {
    let stat: fs.Stats | undefined;
    try {
      stat = await fs.promises.stat(file);
    } catch {
      // missing, or not reachable: readJsonlStream says which
    }
    const cached = this.files.get(file);
    if (stat?.isFile() && cached && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) return { ...cached, added: [], whole: false };
    const appended = stat?.isFile() && cached && stat.size > cached.end && (await endsALine(file, cached.end));
    const base = appended ? cached! : MISSING;
    const records: T[] = [];
    const result = await readJsonlStream<T>(file, (r) => records.push(r), {
      validate: this.validate,
      from: base.end,
      linesBefore: base.lines,
      reportUnfinished: false,
    });
    if (!result.isFile) {
      const whole = this.files.delete(file);
      return { ...MISSING, records: [], problems: result.problems, added: [], whole };
    }
    const entry: CachedFile<T> = {
      size: result.size,
      // A last line still being written: come back even if the size and time stay the same.
      mtimeMs: result.pendingBytes ? -1 : (stat?.mtimeMs ?? -1),
      end: result.end,
      lines: result.lines,
      records: records.length || !appended ? base.records.concat(records) : base.records,
      problems: result.problems.length || !appended ? base.problems.concat(result.problems) : base.problems,
    };
    this.files.set(file, entry);
    return { ...entry, added: records, whole: !appended && cached !== undefined };
  }
}

/** Whether the byte before `offset` ends a line (so the file was appended to, not rewritten). */
async function endsALine(file: string, offset: number): Promise<boolean> {
  if (offset === 0) return true;
  const handle = await fs.promises.open(file, 'r');
  try {
    const byte = Buffer.alloc(1);
    const { bytesRead } = await handle.read(byte, 0, 1, offset - 1);
    return bytesRead === 1 && byte[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/**
 * The scoreboard's records of one or more workspace folders (a multi-root workspace counts
 * every folder's), read incrementally: files that did not change are not read again and
 * files that grew are read from where they were left. `readScoreboardData` is one read of it.
 * Given filters that do not narrow the records (no dates, dataset or raters), it reads no
 * record at all: the board and the facets come from the persisted aggregate
 * (`ScoreboardAggregateReader`, .prompt-workbench/cache/scoreboard.json), so a reloaded
 * window reads only the lines appended since the last one left off.
 */
export class ScoreboardDataReader {
  private readonly runs = new IncrementalJsonl<RunRecord>(validateRunRecord);
  private readonly ratings = new IncrementalJsonl<RatingRecord>(validateRatingRecord);
  private joined: { parts: RunRecord[][]; runs: RunRecord[] } | undefined;
  private joinedRatings: { parts: RatingRecord[][]; ratings: RatingRecord[] } | undefined;
  /** The board's statistics, kept in step with the appended records (see `ScoreboardData.aggregate`). */
  private aggregate: ScoreboardAggregate | undefined;
  private runFiles: string[] = [];
  private facets = new FacetsAccumulator();
  readonly workspaceFolders: readonly string[];

  constructor(workspaceFolders: string | readonly string[]) {
    this.workspaceFolders = typeof workspaceFolders === 'string' ? [workspaceFolders] : [...workspaceFolders];
  }

  private add(runs: RunRecord[][], ratings: RatingRecord[][]): void {
    const aggregate = this.aggregate!;
    for (const part of runs) {
      for (const run of part) {
        aggregate.addRun(run);
        this.facets.addRun(run);
      }
    }
    ratings.forEach((part, i) => {
      for (const r of part) {
        aggregate.addRating(r, i);
        this.facets.addRating(r);
      }
    });
  }

  private aggregateReader: ScoreboardAggregateReader | undefined;

  /**
   * The data for these filters: without filters (or with narrowing ones) every record, kept in
   * memory; with filters that do not narrow, only the persisted aggregate and its facets
   * (`runs` and `ratings` then empty, `counts` saying how many were read).
   */
  async read(filters?: ScoreboardFilters): Promise<ScoreboardData> {
    if (filters && !needsRecords(filters)) return this.readAggregate();
    return this.readRecords();
  }

  /** Resolves once the aggregate read last is written to disk. */
  async saved(): Promise<void> {
    await this.aggregateReader?.saved();
  }

  private async readAggregate(): Promise<ScoreboardData> {
    this.aggregateReader ??= new ScoreboardAggregateReader(this.workspaceFolders, { saveLater: true });
    const read = await this.aggregateReader.update();
    return { runs: [], ratings: [], aggregate: this.aggregateReader.aggregate, facets: this.aggregateReader.facets.result(), problems: read.problems, counts: read.counts };
  }

  private async readRecords(): Promise<ScoreboardData> {
    const listing: JsonlStreamProblem[] = [];
    const folders = this.workspaceFolders.map((f) => new WorkbenchPaths(f));
    // Oldest month first within a folder, as readRunHistory gives them.
    const runFiles = (await Promise.all(folders.map((p) => runMonthFiles(p.runsDir, listing)))).flat();
    const [runParts, ratingParts] = await Promise.all([
      Promise.all(runFiles.map((f) => this.runs.read(f))),
      Promise.all(folders.map((p) => this.ratings.read(p.ratingsFile))),
    ]);
    // The same arrays while no file changed, so callers can tell nothing changed.
    const parts = runParts.map((p) => p.records);
    if (!this.joined || !sameParts(this.joined.parts, parts)) this.joined = { parts, runs: parts.length === 1 ? parts[0] : parts.flat() };
    const rParts = ratingParts.map((p) => p.records);
    if (!this.joinedRatings || !sameParts(this.joinedRatings.parts, rParts)) this.joinedRatings = { parts: rParts, ratings: rParts.length === 1 ? rParts[0] : rParts.flat() };
    // An append (or a new month file) adds its records to the aggregate (one rating:
    // microseconds); a file rewritten or removed builds it again from every record.
    if (!this.aggregate || runParts.some((p) => p.whole) || ratingParts.some((p) => p.whole) || this.runFiles.some((f) => !runFiles.includes(f))) {
      this.aggregate = new ScoreboardAggregate();
      this.facets = new FacetsAccumulator();
      this.add(runParts.map((p) => p.records), ratingParts.map((p) => p.records));
    } else this.add(runParts.map((p) => p.added), ratingParts.map((p) => p.added));
    this.runFiles = runFiles;
    return {
      runs: this.joined.runs,
      ratings: this.joinedRatings.ratings,
      aggregate: this.aggregate,
      facets: this.facets.result(),
      counts: { runs: this.joined.runs.length, ratings: this.joinedRatings.ratings.length },
      problems: [...listing, ...runParts.flatMap((p) => p.problems), ...ratingParts.flatMap((p) => p.problems)],
    };
  }
}

const sameParts = <T>(a: T[][], b: T[][]) => a.length === b.length && a.every((p, i) => p === b[i]);
