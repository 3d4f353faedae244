import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkbenchPaths } from '../workspace/paths';

/** What the workspace's records say about one version of one prompt. */
export interface VersionUsage {
  runs: number;
  /** Ratings that still count (not superseded by a later line). */
  ratings: number;
  /** Content hashes that runs and ratings of this version recorded. */
  hashes: Set<string>;
  /** Mean of the `stars` ratings on the `overall` criterion that still count; null without any. */
  stars: { mean: number; n: number } | null;
}

interface PromptRef {
  name: string;
  version: number;
  contentHash: string | null;
}

interface RatingEntry {
  id: string | null;
  key: string;
  contentHash: string | null;
  stars: number | null;
  supersedes: string | null;
}

/** What one JSONL file contributed, so that a file that changes is re-read alone. */
interface FileState {
  size: number;
  /** Bytes read so far: always the end of a whole line. */
  consumed: number;
  /** The file's first bytes, to notice a file rewritten rather than appended to (a git checkout). */
  head: string;
  runs: Map<string, { count: number; hashes: Set<string> }>;
  ratings: RatingEntry[];
}

const HEAD_BYTES = 256;

const keyOf = (name: string, version: number) => `${name}\u0000${version}`;

/**
 * Counts runs and ratings per prompt version from `.prompt-workbench/runs/*.jsonl` and
 * `ratings.jsonl`. Both are append-only, so `refresh()` reads only the bytes added since the
 * last call; a file that shrank or whose start changed is read again from the beginning.
 * Lines that do not parse are skipped, as every reader of these files does.
 */
export class PromptUsageIndex {
  private readonly files = new Map<string, FileState>();
  private readonly paths: WorkbenchPaths;

  constructor(workspaceFolder: string) {
    this.paths = new WorkbenchPaths(workspaceFolder);
  }

  /** The refresh running now: refreshes run one after another, so two callers never read the same appended lines twice. */
  private refreshing: Promise<void> = Promise.resolve();

  /** Reads what was appended to the runs and ratings files since the last refresh. */
  refresh(): Promise<void> {
    const next = this.refreshing.then(
      () => this.readChanges(),
      () => this.readChanges(),
    );
    this.refreshing = next;
    return next;
  }

  private async readChanges(): Promise<void> {
    const present = new Set<string>();
    let runFiles: string[] = [];
    try {
      runFiles = (await fs.promises.readdir(this.paths.runsDir)).filter((name) => name.endsWith('.jsonl')).map((name) => path.join(this.paths.runsDir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const file of [...runFiles, this.paths.ratingsFile]) {
      if (await this.refreshFile(file)) present.add(file);
    }
    for (const file of [...this.files.keys()]) if (!present.has(file)) this.files.delete(file);
  }

  usage(name: string, version: number): VersionUsage {
    const key = keyOf(name, version);
    const usage: VersionUsage = { runs: 0, ratings: 0, hashes: new Set(), stars: null };
    const superseded = new Set<string>();
    const ratings: RatingEntry[] = [];
    for (const state of this.files.values()) {
      const runs = state.runs.get(key);
      if (runs) {
        usage.runs += runs.count;
        for (const hash of runs.hashes) usage.hashes.add(hash);
      }
      for (const rating of state.ratings) {
        if (rating.supersedes) superseded.add(rating.supersedes);
        if (rating.key === key) ratings.push(rating);
      }
    }
    let sum = 0;
    let n = 0;
    for (const rating of ratings) {
      if (rating.id && superseded.has(rating.id)) continue;
      usage.ratings++;
      if (rating.contentHash) usage.hashes.add(rating.contentHash);
      if (rating.stars !== null) {
        sum += rating.stars;
        n++;
      }
    }
    usage.stars = n > 0 ? { mean: sum / n, n } : null;
    return usage;
  }

  /** Reads what was added to one file; false when the file is not there. */
  private async refreshFile(file: string): Promise<boolean> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    try {
      const { size } = await handle.stat();
      let state = this.files.get(file);
      const head = await readText(handle, 0, Math.min(size, HEAD_BYTES));
      if (!state || size < state.consumed || (state.head !== head && !head.startsWith(state.head))) {
        state = { size: 0, consumed: 0, head: '', runs: new Map(), ratings: [] };
        this.files.set(file, state);
      }
      state.head = head.length >= state.head.length ? head : state.head;
      if (size === state.consumed) return true;
      const added = await readText(handle, state.consumed, size - state.consumed);
      // A writer appends whole lines; a line without its break yet is read next time.
      const lastBreak = added.lastIndexOf('\n');
      if (lastBreak < 0) return true;
      const whole = added.slice(0, lastBreak + 1);
      state.consumed += Buffer.byteLength(whole, 'utf8');
      state.size = size;
      const isRatings = file === this.paths.ratingsFile;
      for (const line of whole.split('\n')) {
        const record = parseLine(line);
        if (!record) continue;
        if (isRatings) addRating(state, record);
        else addRun(state, record);
      }
      return true;
    } finally {
      await handle.close();
    }
  }
}

async function readText(handle: fs.promises.FileHandle, position: number, length: number): Promise<string> {
  if (length <= 0) return '';
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead).toString('utf8');
}

function parseLine(line: string): Record<string, unknown> | undefined {
  const trimmed = line.trim();
  if (!trimmed) return undefined;
  try {
    const value = JSON.parse(trimmed) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function promptRef(record: Record<string, unknown>): PromptRef | undefined {
  const prompt = record.prompt as Record<string, unknown> | undefined;
  if (!prompt || typeof prompt.name !== 'string' || typeof prompt.version !== 'number') return undefined;
  return { name: prompt.name, version: prompt.version, contentHash: typeof prompt.contentHash === 'string' ? prompt.contentHash : null };
}

function addRun(state: FileState, record: Record<string, unknown>): void {
  if (typeof record.schema !== 'string' || !record.schema.startsWith('prompt-workbench.run/')) return;
  const ref = promptRef(record);
  if (!ref) return;
  const key = keyOf(ref.name, ref.version);
  const entry = state.runs.get(key) ?? { count: 0, hashes: new Set<string>() };
  entry.count++;
  if (ref.contentHash) entry.hashes.add(ref.contentHash);
  state.runs.set(key, entry);
}

function addRating(state: FileState, record: Record<string, unknown>): void {
  if (typeof record.schema !== 'string' || !record.schema.startsWith('prompt-workbench.rating/')) return;
  const supersedes = typeof record.supersedes === 'string' ? record.supersedes : null;
  const ref = promptRef(record);
  const criterion = typeof record.criterion === 'string' ? record.criterion : 'overall';
  const stars = record.kind === 'stars' && criterion === 'overall' && typeof record.value === 'number' && record.value >= 1 && record.value <= 5 ? record.value : null;
  state.ratings.push({
    id: typeof record.id === 'string' ? record.id : null,
    key: ref ? keyOf(ref.name, ref.version) : '',
    contentHash: ref?.contentHash ?? null,
    stars,
    supersedes,
  });
}
