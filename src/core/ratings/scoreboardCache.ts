import * as fs from 'node:fs';
import { listRunFiles } from '../runs/runHistory';
import { RunRecord, validateRunRecord } from '../runs/runRecord';
import { parseJsonl } from '../workspace/jsonl';
import { WorkbenchPaths } from '../workspace/paths';
import type { RatingRecord } from './ratingRecord';
import { validateRatingRecord } from './ratingRecord';
import type { ScoreboardData } from './scoreboardData';

interface CachedFile<T> {
  size: number;
  mtimeMs: number;
  /** Lines read so far (1-based numbering continues from here). */
  lines: number;
  records: T[];
  problems: { file: string; line: number; message: string }[];
}

/**
 * Reads a JSONL file again only as far as it changed. The files are append-only: when one
 * only grew, just the new bytes are parsed (from the end of the last whole line read), so an
 * append to 100,000 lines costs the new lines, not the file. Anything else (shrunk, rewritten
 * by a git checkout, a partial last line) reads the whole file again.
 */
export class IncrementalJsonl<T> {
  private readonly files = new Map<string, CachedFile<T>>();

  constructor(private readonly validate: (value: unknown) => string | undefined) {}

  async read(file: string): Promise<CachedFile<T>> {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.files.delete(file);
        return { size: 0, mtimeMs: 0, lines: 0, records: [], problems: [] };
      }
      throw err;
    }
    const cached = this.files.get(file);
    if (cached && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) return cached;
    if (cached && stat.size > cached.size) {
      const grown = await this.readTail(file, cached, stat);
      if (grown) return grown;
    }
    const text = await fs.promises.readFile(file, 'utf8');
    const whole = text.endsWith('\n') || text === '' ? text : text.slice(0, text.lastIndexOf('\n') + 1);
    const content = parseJsonl<T>(whole, this.validate);
    const entry: CachedFile<T> = {
      // A partial last line (being written) is left for the next read.
      size: Buffer.byteLength(whole),
      mtimeMs: whole.length === text.length ? stat.mtimeMs : -1,
      lines: whole.split('\n').length - 1,
      records: content.records,
      problems: content.problems.map((p) => ({ file, ...p })),
    };
    this.files.set(file, entry);
    return entry;
  }

  private async readTail(file: string, cached: CachedFile<T>, stat: fs.Stats): Promise<CachedFile<T> | undefined> {
    const handle = await fs.promises.open(file, 'r');
    try {
      // The byte before the new part must end a line: otherwise the file was not just appended to.
      const from = cached.size;
      const buffer = Buffer.alloc(stat.size - from + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, from - 1);
      if (from > 0 && buffer[0] !== 0x0a) return undefined;
      const tail = buffer.subarray(from > 0 ? 1 : 0, bytesRead).toString('utf8');
      const end = tail.lastIndexOf('\n') + 1;
      const whole = tail.slice(0, end);
      const content = parseJsonl<T>(whole, this.validate);
      const entry: CachedFile<T> = {
        size: from + Buffer.byteLength(whole),
        mtimeMs: end === tail.length ? stat.mtimeMs : -1,
        lines: cached.lines + (whole.split('\n').length - 1),
        records: content.records.length ? cached.records.concat(content.records) : cached.records,
        problems: cached.problems.concat(content.problems.map((p) => ({ file, line: p.line + cached.lines, message: p.message }))),
      };
      this.files.set(file, entry);
      return entry;
    } finally {
      await handle.close();
    }
  }
}

/**
 * `readScoreboardData` for a panel that stays open: the same result, but files that did not
 * change are not read again and files that grew are read from where they were left.
 */
export class ScoreboardDataReader {
  private readonly runs = new IncrementalJsonl<RunRecord>(validateRunRecord);
  private readonly ratings = new IncrementalJsonl<RatingRecord>(validateRatingRecord);
  private joined: { parts: RunRecord[][]; runs: RunRecord[] } | undefined;

  constructor(readonly workspaceFolder: string) {}

  async read(): Promise<ScoreboardData> {
    const paths = new WorkbenchPaths(this.workspaceFolder);
    // Oldest month first, as readRunHistory gives them.
    const runFiles = (await listRunFiles(paths.runsDir)).reverse();
    const [runParts, ratings] = await Promise.all([Promise.all(runFiles.map((f) => this.runs.read(f))), this.ratings.read(paths.ratingsFile)]);
    // The same array while no month file changed, so callers can tell nothing changed.
    const parts = runParts.map((p) => p.records);
    if (!this.joined || this.joined.parts.length !== parts.length || this.joined.parts.some((p, i) => p !== parts[i])) {
      this.joined = { parts, runs: parts.length === 1 ? parts[0] : parts.flat() };
    }
    const runs = this.joined.runs;
    return { runs, ratings: ratings.records, problems: [...runParts.flatMap((p) => p.problems), ...ratings.problems] };
  }
}
