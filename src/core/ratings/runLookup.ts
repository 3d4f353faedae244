import * as path from 'node:path';
import { listRunFiles } from '../runs/runHistory';
import { RunRecord, validateRunRecord } from '../runs/runRecord';
import { readJsonl } from '../workspace/jsonl';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The time a ULID-based id (`r_…`, see workspace/ids.ts) was made, or undefined for another id. */
export function timeOfId(id: string): Date | undefined {
  const match = /^[a-z]_([0-9A-HJKMNP-TV-Z]{10})/.exec(id);
  if (!match) return undefined;
  let ms = 0;
  for (const c of match[1]) ms = ms * 32 + CROCKFORD.indexOf(c);
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Finds a run record by id. Its id says when it was made, so the month file of that time
 * (or the next one, for a run started at a month's last second) is read first; the other
 * files only when it is not there.
 */
export async function findRunRecord(runsDir: string, runId: string): Promise<RunRecord | undefined> {
  const files = await listRunFiles(runsDir);
  const at = timeOfId(runId);
  const likely: string[] = [];
  if (at) {
    const month = (d: Date) => path.join(runsDir, `${d.toISOString().slice(0, 7)}.jsonl`);
    likely.push(month(at), month(new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1))));
  }
  const ordered = [...likely.filter((f) => files.includes(f)), ...files.filter((f) => !likely.includes(f))];
  for (const file of ordered) {
    const { records } = await readJsonl<RunRecord>(file, validateRunRecord);
    // The latest line of that id wins (a retried column keeps its own id, but be safe).
    for (let i = records.length - 1; i >= 0; i--) if (records[i].id === runId) return records[i];
  }
  return undefined;
}
