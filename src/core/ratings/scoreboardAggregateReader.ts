import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic as guardedWriteFileAtomic } from '../workspace/guardedFs';
import { RunRecord, validateRunRecord } from '../runs/runRecord';
import { readJsonlStream, type JsonlStreamProblem } from '../workspace/jsonlStream';
import { WorkbenchPaths } from '../workspace/paths';
import { RatingRecord, validateRatingRecord } from './ratingRecord';
import { ScoreboardAggregate, type SerializedAggregate } from './scoreboardAggregate';
import { FacetsAccumulator, type SerializedFacets } from './scoreboardView';

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

/** /2: the filters' values (facets) are kept too, so a reloaded panel needs no record. An older format is rebuilt. */
export const AGGREGATE_FORMAT = 'prompt-workbench.scoreboard-aggregate/2';

/** Where the aggregate of a workspace (its first folder) is kept: disposable, ignored by git. */
export const aggregateFile = (workspaceFolder: string) => path.join(workspaceFolder, '.prompt-workbench', 'cache', 'scoreboard.json');

/** How far one records file has been read, and how to tell it is still the same file. */
interface FileState {
  file: string;
  dev: number;
  ino: number;
  /** Byte offset after the last whole line read. */
  end: number;
  lines: number;
  /** sha256 of the bytes just before `end` (up to 4 KiB: the last line, or its end). */
  tail: string;
  records: number;
  /** The lines skipped so far (not the unfinished last line: that one is read again). */
  problems: JsonlStreamProblem[];
}

const TAIL_BYTES = 4096;

async function tailHash(file: string, end: number): Promise<string> {
  const start = Math.max(0, end - TAIL_BYTES);
  const buffer = Buffer.alloc(end - start);
  const handle = await fs.promises.open(file, 'r');
  try {
    await handle.read(buffer, 0, buffer.length, start);
  } finally {
    await handle.close();
  }
  return createHash('sha256').update(buffer).digest('hex');
}

/** Whether the file is the one read before, only appended to: same device and inode, not shorter, same bytes before the offset read. */
async function stillAppendOnly(state: FileState): Promise<boolean> {
  try {
    const stat = await fs.promises.stat(state.file);
    return stat.isFile() && stat.dev === state.dev && stat.ino === state.ino && stat.size >= state.end && (await tailHash(state.file, state.end)) === state.tail;
  } catch {
    return false;
  }
}

/**
 * Writes a file whole or not at all, inside `within`, never through a link: the guarded file
 * layer's atomic write (temporary file created exclusively, then renamed over the target).
 */
export async function writeFileAtomic(file: string, data: string, within: string): Promise<void> {
  await guardedWriteFileAtomic(file, data, within);
}

interface StoredAggregate {
  format: typeof AGGREGATE_FORMAT;
  folders: string[];
  files: FileState[];
  aggregate: SerializedAggregate;
  facets: SerializedFacets;
}

export interface AggregateUpdate {
  /** Whether any record was read (or the aggregate rebuilt) since the last update. */
  changed: boolean;
  /** How the lines were read: only the appended ones, or every line. */
  mode: 'appended' | 'rebuilt';
  problems: JsonlStreamProblem[];
  counts: { runs: number; ratings: number };
}

/**
 * The scoreboard's aggregate (`ScoreboardAggregate`) of one or more workspace folders, kept
 * in step with the records files by reading only what was appended to them, and kept on disk
 * at `.prompt-workbench/cache/scoreboard.json` of the first folder with the byte offset read
 * in each file, so a new process (the CLI, a reloaded window) starts where the last one left
 * off. A file is read on from its offset only while it is the same file (device and inode),
 * not shorter, and ends at that offset with the same bytes (a hash of its last line); anything
 * else (a rewrite, a git checkout, a removed month) rebuilds from every line. A stored
 * aggregate that is corrupt, of another format, folder set or criterion is ignored and rebuilt.
 */
export class ScoreboardAggregateReader {
  aggregate: ScoreboardAggregate;
  /** The filters' values over every line read (kept on disk with the aggregate). */
  facets = new FacetsAccumulator();
  private files = new Map<string, FileState>();
  private loaded = false;
  readonly workspaceFolders: readonly string[];
  private readonly criterion: string;
  private readonly persist: boolean;
  /** With `saveLater`, the write of the aggregate after an update (see `saved`). */
  private readonly saveLater: boolean;
  private saving: Promise<void> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `saveLater`: an update returns before the aggregate is written (a panel shows the board
   * first; the write follows on the next turn and `saved()` waits for it).
   */
  constructor(workspaceFolders: readonly string[], options: { criterion?: string; persist?: boolean; saveLater?: boolean } = {}) {
    this.saveLater = options.saveLater === true;
    this.workspaceFolders = [...workspaceFolders];
    this.criterion = options.criterion ?? 'overall';
    // Only the default criterion is kept on disk (one file); others are computed in memory.
    this.persist = options.persist !== false && this.criterion === 'overall' && this.workspaceFolders.length > 0;
    this.aggregate = new ScoreboardAggregate(this.criterion);
  }

  get cacheFile(): string | undefined {
    return this.persist ? aggregateFile(this.workspaceFolders[0]) : undefined;
  }

  private async load(): Promise<void> {
    const file = this.cacheFile;
    if (!file) return;
    try {
      const stored = JSON.parse(await fs.promises.readFile(file, 'utf8')) as StoredAggregate;
      if (stored.format !== AGGREGATE_FORMAT || stored.aggregate?.criterion !== this.criterion) return;
      if (!Array.isArray(stored.folders) || stored.folders.join('\0') !== this.workspaceFolders.join('\0')) return;
      if (!Array.isArray(stored.files)) return;
      const aggregate = ScoreboardAggregate.deserialize(stored.aggregate);
      const facets = FacetsAccumulator.deserialize(stored.facets);
      const files = new Map<string, FileState>();
      for (const f of stored.files) {
        if (typeof f.file !== 'string' || !(f.end >= 0) || typeof f.tail !== 'string' || !Array.isArray(f.problems)) return;
        files.set(f.file, f);
      }
      this.aggregate = aggregate;
      this.facets = facets;
      this.files = files;
    } catch {
      // Missing, unreadable or corrupt: rebuilt from the records (it is only a cache).
    }
  }

  private async save(): Promise<void> {
    const file = this.cacheFile;
    if (!file) return;
    const within = path.join(this.workspaceFolders[0], '.prompt-workbench');
    // No records folder (no runs or ratings yet): nothing worth keeping, nothing created.
    const root = await fs.promises.lstat(within).catch(() => undefined);
    if (!root?.isDirectory()) return;
    const stored: StoredAggregate = { format: AGGREGATE_FORMAT, folders: [...this.workspaceFolders], files: [...this.files.values()], aggregate: this.aggregate.serialize(), facets: this.facets.serialize() };
    try {
      const cacheDir = path.dirname(file);
      const fresh = !(await fs.promises.lstat(cacheDir).catch(() => undefined));
      await writeFileAtomic(file, JSON.stringify(stored), within);
      // Keeps the cache out of git in any workspace, whatever its own ignore rules say.
      if (fresh) await writeFileAtomic(path.join(cacheDir, '.gitignore'), '# Prompt Workbench caches: disposable, rebuilt from the records.\n*\n', within);
    } catch {
      // A cache that cannot be written is read from the records next time: never an error.
    }
  }

  /** Writes the aggregate now or (with `saveLater`) on a later turn, one write at a time. */
  private scheduleSave(): Promise<void> {
    if (!this.saveLater) return this.save();
    // One already waiting writes the state as it is then, this update's included.
    if (this.saveTimer) return Promise.resolve();
    const previous = this.saving ?? Promise.resolve();
    const done = new Promise<void>((resolve) => {
      this.saveTimer = setTimeout(() => {
        this.saveTimer = undefined;
        void previous.then(() => this.save()).then(resolve);
      }, 0);
    });
    this.saving = done;
    return Promise.resolve();
  }

  /** Resolves once a write scheduled by `saveLater` is done. */
  async saved(): Promise<void> {
    while (this.saving) {
      const pending = this.saving;
      await pending;
      if (this.saving === pending) this.saving = undefined;
    }
  }

  /** Reads what changed in the records files since the last update (or the stored aggregate) into `aggregate`. */
  async update(): Promise<AggregateUpdate> {
    if (!this.loaded) {
      this.loaded = true;
      await this.load();
    }
    const problems: JsonlStreamProblem[] = [];
    const folders = this.workspaceFolders.map((f) => new WorkbenchPaths(f));
    const runFiles: string[] = [];
    for (const p of folders) runFiles.push(...(await runMonthFiles(p.runsDir, problems)));
    const ratingFiles = folders.map((p) => p.ratingsFile);
    const current = new Set([...runFiles, ...ratingFiles]);

    // Every file read before must still be there, only appended to; else start again.
    let mode: AggregateUpdate['mode'] = 'appended';
    let valid = this.files.size > 0 || this.aggregate.rows.length === 0;
    for (const state of this.files.values()) {
      if (!valid) break;
      valid = current.has(state.file) && (await stillAppendOnly(state));
    }
    if (!valid) {
      this.aggregate = new ScoreboardAggregate(this.criterion);
      this.facets = new FacetsAccumulator();
      this.files = new Map();
      mode = 'rebuilt';
    } else if (this.files.size === 0) mode = 'rebuilt';

    let changed = mode === 'rebuilt';
    const read = async <T>(file: string, onRecord: (record: T) => void, validate: (value: unknown) => string | undefined) => {
      const before = this.files.get(file);
      let stat: fs.Stats | undefined;
      try {
        stat = await fs.promises.stat(file);
      } catch {
        // missing, or unreachable: readJsonlStream says which
      }
      let count = 0;
      const result = await readJsonlStream<T>(
        file,
        (record) => {
          count++;
          onRecord(record);
        },
        { validate, from: before?.end ?? 0, linesBefore: before?.lines ?? 0, reportUnfinished: false },
      );
      if (!result.isFile || !stat) {
        problems.push(...result.problems);
        return;
      }
      const state: FileState =
        before && result.end === before.end && !result.problems.length
          ? before
          : {
              file,
              dev: stat.dev,
              ino: stat.ino,
              end: result.end,
              lines: result.lines,
              tail: await tailHash(file, result.end),
              records: (before?.records ?? 0) + count,
              problems: [...(before?.problems ?? []), ...result.problems],
            };
      if (state !== before) {
        this.files.set(file, state);
        changed = true;
      }
      problems.push(...state.problems);
      // A last line still being written is read again next time; said now, not kept.
      if (result.pendingBytes && (await unfinishedLine(file, result.end, result.size))) problems.push({ file, line: result.lines + 1, message: 'the last line is incomplete (no line end): skipped' });
    };
    const { aggregate, facets } = this;
    for (const file of runFiles) {
      await read<RunRecord>(
        file,
        (run) => {
          aggregate.addRun(run);
          facets.addRun(run);
        },
        validateRunRecord,
      );
    }
    for (const [index, file] of ratingFiles.entries()) {
      await read<RatingRecord>(
        file,
        (r) => {
          aggregate.addRating(r, index);
          facets.addRating(r);
        },
        validateRatingRecord,
      );
    }
    if (changed) await this.scheduleSave();
    let runs = 0;
    let ratings = 0;
    for (const state of this.files.values()) {
      if (ratingFiles.includes(state.file)) ratings += state.records;
      else runs += state.records;
    }
    return { changed, mode, problems, counts: { runs, ratings } };
  }
}

/** Whether the bytes after the last line end hold more than blanks (an unfinished line). */
async function unfinishedLine(file: string, from: number, to: number): Promise<boolean> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(to - from, 64 * 1024));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
    return buffer.subarray(0, bytesRead).toString('utf8').trim().length > 0;
  } finally {
    await handle.close();
  }
}
