/**
 * The response cache (`.prompt-workbench/cache/responses/`): one file per answer, named by
 * the sha256 of a canonical JSON of everything that decides the answer (provider, model id,
 * the request as sent, the local filters). Content-addressed files need no index to look
 * up: a lookup is one `open` (never through a link), so a cache of any size loads nothing
 * up front. Least-recently-used eviction by file time (a hit touches its file), bounded by
 * `maxBytes`. A corrupt entry is never served (it is overwritten by the next answer); a
 * folder that cannot be written turns the cache off with one warning, and the run goes on.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelRequest } from '../providers/types';
import { checkWritable, writeFileAtomic } from '../workspace/guardedFs';
import { WorkbenchPaths } from '../workspace/paths';
import type { RunMetrics } from '../runs/column';

export const CACHE_ENTRY_FORMAT = 'prompt-workbench.cache-entry/1';
export const DEFAULT_CACHE_MAX_MB = 200;

/** What a cached answer holds: enough to answer the same request again without a call. */
export interface CachedAnswer {
  answer: string;
  stopReason: string | null;
  usage: { inputTokens: number | null; outputTokens: number | null };
  /** The metrics of the call that produced it (its latency and cost, never paid again). */
  metrics: RunMetrics;
  /** The run that produced it (`cachedFrom` of the records it answers). */
  runId: string;
  /** The tool calls the model asked for (a tool-using turn is replayed with them). */
  toolRequests?: { ref: string; name: string; input: unknown }[];
}

interface StoredEntry extends CachedAnswer {
  format: typeof CACHE_ENTRY_FORMAT;
  key: string;
  ts: string;
}

/** What decides an answer besides the request itself (the provider, local filters that rewrite or block). */
export interface CacheKeyParts {
  provider: string;
  request: ModelRequest;
  /** Anything else that changes the answer (the deny-list filters' patterns), canonicalized with the rest. */
  extra?: unknown;
}

/** JSON with object keys sorted and `undefined` members dropped: equal requests give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RegExp) return { regexp: v.source, flags: v.flags };
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([, x]) => x !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}

/** The cache key of a request: sha256 hex of its canonical JSON (format version included). */
export function responseCacheKey(parts: CacheKeyParts): string {
  const { modelId, messages, config, guardrail, tools, toolChoice, ...rest } = parts.request;
  const material = { v: 1, provider: parts.provider, modelId, messages, config, guardrail: guardrail ?? null, tools: tools ?? null, toolChoice: toolChoice ?? null, rest, extra: parts.extra ?? null };
  return createHash('sha256').update(canonicalJson(material)).digest('hex');
}

export interface CacheStats {
  entries: number;
  bytes: number;
}

/** Hits and misses of one run (a dataset run, an `eval`), for the status line and the CLI summary. */
export class CacheTally {
  hits = 0;
  misses = 0;
  get hitRate(): number | null {
    const n = this.hits + this.misses;
    return n ? this.hits / n : null;
  }
}

export interface ResponseCacheOptions {
  workspaceFolder: string;
  /** The size bound; least recently used entries go first when it is passed. */
  maxBytes?: number;
  /** Told once when the folder cannot be written (the cache is off from then on). */
  onWarning?: (message: string) => void;
  /** Counts hits and misses (replaceable per run). */
  tally?: CacheTally;
}

export class ResponseCache {
  readonly dir: string;
  readonly root: string;
  private readonly maxBytes: number;
  private disabled = false;
  private checkedDir = false;
  /** Bytes known to be in the folder (null until first measured), to decide when to trim. */
  private knownBytes: number | null = null;
  private trimming: Promise<void> | undefined;
  tally: CacheTally;

  constructor(private readonly options: ResponseCacheOptions) {
    this.root = options.workspaceFolder;
    this.dir = path.join(new WorkbenchPaths(options.workspaceFolder).cacheDir, 'responses');
    this.maxBytes = Math.max(0, options.maxBytes ?? DEFAULT_CACHE_MAX_MB * 1024 * 1024);
    this.tally = options.tally ?? new CacheTally();
  }

  get enabled(): boolean {
    return !this.disabled;
  }

  private fileOf(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  /** Checks once that no part of the folder is a link (the entries themselves open with O_NOFOLLOW). */
  private async folderSafe(): Promise<boolean> {
    if (this.checkedDir) return true;
    try {
      await checkWritable(path.join(this.dir, 'probe.json'), this.root);
      this.checkedDir = true;
      return true;
    } catch (err) {
      this.turnOff(err as Error);
      return false;
    }
  }

  private turnOff(err: Error): void {
    if (this.disabled) return;
    this.disabled = true;
    this.options.onWarning?.(`The response cache is off for this session: ${this.dir} cannot be used (${err.message}). Runs go on without it.`);
  }

  /** The cached answer for `key`, or undefined (missing, corrupt, or the cache is off). */
  async get(key: string): Promise<CachedAnswer | undefined> {
    const found = this.disabled || !(await this.folderSafe()) ? undefined : await this.read(key);
    if (found) this.tally.hits++;
    else this.tally.misses++;
    return found;
  }

  private async read(key: string): Promise<CachedAnswer | undefined> {
    const file = this.fileOf(key);
    let text: string;
    try {
      const handle = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
      try {
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch {
      return undefined;
    }
    const entry = parseEntry(text, key);
    if (!entry) return undefined; // corrupt: never served; the next answer overwrites it
    const now = new Date();
    fs.promises.utimes(file, now, now).catch(() => undefined); // least recently used = oldest time
    const { answer, stopReason, usage, metrics, runId } = entry;
    return { answer, stopReason, usage, metrics, runId };
  }

  /** Keeps a successful, complete answer. Never throws: a folder that cannot be written turns the cache off. */
  async put(key: string, value: CachedAnswer): Promise<void> {
    if (this.disabled || !(await this.folderSafe())) return;
    const entry: StoredEntry = { format: CACHE_ENTRY_FORMAT, key, ts: new Date().toISOString(), ...value };
    try {
      const fresh = !(await fs.promises.lstat(this.dir).catch(() => undefined));
      const bytes = await writeFileAtomic(this.fileOf(key), JSON.stringify(entry), this.root);
      if (fresh) await ensureIgnored(path.dirname(this.dir), this.root);
      if (this.knownBytes !== null) this.knownBytes += bytes;
      if (this.knownBytes === null || this.knownBytes > this.maxBytes) await this.trim();
    } catch (err) {
      this.turnOff(err as Error);
    }
  }

  /** Removes the least recently used entries until the folder is under 90% of the bound. */
  async trim(): Promise<void> {
    if (this.trimming) return this.trimming;
    this.trimming = (async () => {
      const files = await this.list();
      let total = files.reduce((sum, f) => sum + f.bytes, 0);
      if (total > this.maxBytes) {
        files.sort((a, b) => a.mtimeMs - b.mtimeMs);
        const goal = this.maxBytes * 0.9;
        for (const f of files) {
          if (total <= goal) break;
          await fs.promises.rm(f.file, { force: true }).catch(() => undefined);
          total -= f.bytes;
        }
      }
      this.knownBytes = total;
    })().finally(() => (this.trimming = undefined));
    return this.trimming;
  }

  private async list(): Promise<{ file: string; bytes: number; mtimeMs: number }[]> {
    let names: string[];
    try {
      names = await fs.promises.readdir(this.dir);
    } catch {
      return [];
    }
    const out: { file: string; bytes: number; mtimeMs: number }[] = [];
    for (const name of names) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const file = path.join(this.dir, name);
      const stat = await fs.promises.lstat(file).catch(() => undefined);
      if (stat?.isFile()) out.push({ file, bytes: stat.size, mtimeMs: stat.mtimeMs });
    }
    return out;
  }

  /** How many entries the cache holds and their size (the status line). */
  async stats(): Promise<CacheStats> {
    const files = await this.list();
    return { entries: files.length, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
  }

  /** Deletes every entry (Clear Response Cache); returns how many went. */
  async clear(): Promise<number> {
    if (!(await this.folderSafe())) return 0;
    const files = await this.list();
    for (const f of files) await fs.promises.rm(f.file, { force: true }).catch(() => undefined);
    this.knownBytes = 0;
    return files.length;
  }
}

function parseEntry(text: string, key: string): StoredEntry | undefined {
  try {
    const e = JSON.parse(text) as Partial<StoredEntry>;
    if (e.format !== CACHE_ENTRY_FORMAT || e.key !== key || typeof e.answer !== 'string' || typeof e.runId !== 'string' || !e.metrics || typeof e.metrics !== 'object') return undefined;
    return e as StoredEntry;
  } catch {
    return undefined;
  }
}

/** Keeps the cache folder out of git whatever the workspace's own ignore rules say. */
async function ensureIgnored(cacheDir: string, root: string): Promise<void> {
  const file = path.join(cacheDir, '.gitignore');
  if (await fs.promises.lstat(file).catch(() => undefined)) return;
  await writeFileAtomic(file, '# Prompt Workbench caches: disposable, rebuilt from the records.\n*\n', root).catch(() => undefined);
}
