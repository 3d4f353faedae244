import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonl } from '../workspace/jsonl';
import { RunRecord, validateRunRecord } from './runRecord';

/** A line of a runs file that could not be read: skipped, reported, every other line kept. */
export interface RunHistoryProblem {
  file: string;
  /** 1-based. */
  line: number;
  message: string;
}

export interface RunHistory {
  /** Oldest first, as appended. */
  records: RunRecord[];
  problems: RunHistoryProblem[];
}

/** A past comparison as the Runs view and the comparison panel show it. */
export interface ComparisonSummary {
  comparisonId: string;
  /** When its first call started. */
  ts: string;
  prompt: RunRecord['prompt'];
  /** The latest attempt of each column, in column order. */
  columns: RunRecord[];
  /** Every call made under this id (retries included). */
  runCount: number;
}

const MONTH_FILE = /^\d{4}-\d{2}\.jsonl$/;

/** The `YYYY-MM.jsonl` files of a runs folder, newest month first. */
export async function listRunFiles(runsDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(runsDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((n) => MONTH_FILE.test(n)).sort().reverse().map((n) => path.join(runsDir, n));
}

/**
 * Reads the run records of a workspace, newest months first until `maxFiles` months are
 * read (all by default). A line that is not a run record is reported and skipped.
 */
export async function readRunHistory(runsDir: string, options: { maxFiles?: number } = {}): Promise<RunHistory> {
  const files = (await listRunFiles(runsDir)).slice(0, options.maxFiles ?? Infinity);
  const records: RunRecord[] = [];
  const problems: RunHistoryProblem[] = [];
  // Oldest month first, so records come out in the order they were appended.
  for (const file of files.reverse()) {
    const content = await readJsonl<RunRecord>(file, validateRunRecord);
    records.push(...content.records);
    problems.push(...content.problems.map((p) => ({ file, ...p })));
  }
  return { records, problems };
}

/**
 * Groups records by comparison id, newest comparison first. A column is the record's
 * `comparisonColumn` (records written before it existed fall back to one column per model);
 * of a column retried several times, the latest attempt stands.
 */
export function groupComparisons(records: readonly RunRecord[]): ComparisonSummary[] {
  const groups = new Map<string, RunRecord[]>();
  for (const record of records) {
    if (!record.comparisonId) continue;
    let group = groups.get(record.comparisonId);
    if (!group) groups.set(record.comparisonId, (group = []));
    group.push(record);
  }
  const summaries: ComparisonSummary[] = [];
  for (const [comparisonId, group] of groups) {
    const ordered = [...group].sort(byStart);
    const latest = new Map<string, RunRecord>();
    const order: string[] = [];
    for (const record of ordered) {
      const key = typeof record.comparisonColumn === 'number' ? `#${record.comparisonColumn}` : `model:${record.model}`;
      if (!latest.has(key)) order.push(key);
      latest.set(key, record);
    }
    const columns = order.map((k) => latest.get(k)!);
    if (columns.every((c) => typeof c.comparisonColumn === 'number')) columns.sort((a, b) => a.comparisonColumn! - b.comparisonColumn!);
    summaries.push({ comparisonId, ts: ordered[0].ts, prompt: ordered[0].prompt, columns, runCount: group.length });
  }
  return summaries.sort((a, b) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : a.comparisonId < b.comparisonId ? 1 : -1));
}

export interface ComparisonHistory {
  comparisons: ComparisonSummary[];
  problems: RunHistoryProblem[];
}

/** Every comparison recorded in a runs folder, newest first, with the lines that could not be read. */
export async function readComparisons(runsDir: string, options: { maxFiles?: number } = {}): Promise<ComparisonHistory> {
  const history = await readRunHistory(runsDir, options);
  return { comparisons: groupComparisons(history.records), problems: history.problems };
}

/** One comparison by id, or undefined when no record carries it. */
export async function findComparison(runsDir: string, comparisonId: string): Promise<ComparisonSummary | undefined> {
  const { records } = await readRunHistory(runsDir);
  return groupComparisons(records.filter((r) => r.comparisonId === comparisonId))[0];
}

/**
 * The newest comparison (of one prompt file, with `promptPath`): reads the newest month that
 * has one, not the whole history.
 */
export async function latestComparison(runsDir: string, promptPath?: string | null): Promise<ComparisonSummary | undefined> {
  for (const file of await listRunFiles(runsDir)) {
    const { records } = await readJsonl<RunRecord>(file, validateRunRecord);
    const newest = groupComparisons(records).find((c) => !promptPath || c.prompt.path === promptPath);
    if (newest) return newest;
  }
  return undefined;
}

function byStart(a: RunRecord, b: RunRecord): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  // Same millisecond: the id decides, so the order is at least stable.
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
