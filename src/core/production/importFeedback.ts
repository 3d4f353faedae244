/**
 * Application feedback on production calls: a JSONL of ratings keyed by the call's request id
 * (`{"requestId": "…", "thumbs": "up"}`, `{"requestId": "…", "stars": 4, "comment": "…"}`, or
 * `rating`/`value` holding either) becomes ratings of the imported run records, recorded
 * through the one rating service. Idempotent: a rating equal to what already counts for that
 * run is not recorded again. Lines that cannot be read, or whose request id was never
 * imported, are reported and skipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { RatingService } from '../ratings/ratingService';
import type { RatingInput } from '../ratings/ratingTypes';
import { validateRunRecord, type RunRecord } from '../runs/runRecord';
import { resolveReadable, type ReadPolicy } from '../workspace/guardedFs';
import { readJsonlStream } from '../workspace/jsonlStream';
import { WorkbenchPaths } from '../workspace/paths';
import { PiiMasker } from '../privacy/piiMasker';
import { jsonLines, type LogLineProblem } from './logLines';

export interface FeedbackSummary {
  lines: number;
  rated: number;
  /** Equal to the rating that already counts: not recorded again. */
  unchanged: number;
  /** Request ids that match no imported call. */
  unknownRequests: number;
  problems: LogLineProblem[];
}

/** The tag on every rating imported from production feedback. */
export const PRODUCTION_TAG = 'production';

/** A feedback line as a rating input, or why it is not one. */
export function feedbackRating(value: unknown, maskPii = true): { requestId?: string; input?: RatingInput; problem?: string } {
  const o = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  if (!o) return { problem: 'not a JSON object' };
  const requestId = typeof o.requestId === 'string' ? o.requestId : typeof o.request_id === 'string' ? o.request_id : undefined;
  if (!requestId) return { problem: 'no "requestId"' };
  const raw = o.thumbs ?? o.stars ?? o.rating ?? o.value;
  const comment = typeof o.comment === 'string' ? (maskPii ? new PiiMasker().mask(o.comment) : o.comment) : undefined;
  // Tagged `production`: the scoreboard's evaluation rows leave these out (the release's production figures read them).
  const extra = { tags: [PRODUCTION_TAG], ...(comment ? { comment } : {}) };
  if (raw === 'up' || raw === 'down' || raw === true || raw === false || raw === 'thumbs_up' || raw === 'thumbs_down') {
    const up = raw === 'up' || raw === true || raw === 'thumbs_up';
    return { requestId, input: { kind: 'thumbs', value: up ? 'up' : 'down', ...extra } };
  }
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 5) {
    return { requestId, input: { kind: 'stars', criterion: typeof o.criterion === 'string' ? o.criterion : 'overall', value: raw as 1 | 2 | 3 | 4 | 5, ...extra } };
  }
  return { problem: `no rating: give "thumbs": "up"|"down" or "stars": 1–5 (found ${JSON.stringify(raw)})` };
}

/** Imported production calls by request id. */
async function productionRuns(workspaceFolder: string): Promise<Map<string, RunRecord>> {
  const byRequest = new Map<string, RunRecord>();
  const dir = new WorkbenchPaths(workspaceFolder).runsDir;
  const files = await fs.promises.readdir(dir).catch(() => [] as string[]);
  for (const name of files.filter((f) => f.endsWith('.jsonl')).sort()) {
    await readJsonlStream<RunRecord>(path.join(dir, name), (r) => void (r.requestId && byRequest.set(r.requestId, r)), { validate: validateRunRecord, skipRaw: (line) => !line.includes('"requestId"') });
  }
  return byRequest;
}

export async function importFeedback(file: string, o: { workspaceFolder: string; policy: ReadPolicy; ratings: RatingService; maskPii?: boolean }): Promise<FeedbackSummary> {
  const real = await resolveReadable(file, o.policy);
  const runs = await productionRuns(o.workspaceFolder);
  const summary: FeedbackSummary = { lines: 0, rated: 0, unchanged: 0, unknownRequests: 0, problems: [] };
  for await (const { value, line } of jsonLines(file, fs.createReadStream(real), (p) => summary.problems.push(p))) {
    summary.lines++;
    const { requestId, input, problem } = feedbackRating(value, o.maskPii !== false);
    if (!input || !requestId) {
      summary.problems.push({ source: file, line, message: problem ?? 'unreadable' });
      continue;
    }
    const run = runs.get(requestId);
    if (!run) {
      summary.unknownRequests++;
      summary.problems.push({ source: file, line, message: l10n.t('request {0} is not an imported call (import its logs first)', requestId) });
      continue;
    }
    const state = await o.ratings.stateOf(o.workspaceFolder, run.id);
    const same = input.kind === 'thumbs' ? state.thumbs === input.value : input.kind === 'stars' && state.stars[input.criterion] === input.value;
    if (same && (!('comment' in input) || !input.comment || state.comment === input.comment)) {
      summary.unchanged++;
      continue;
    }
    await o.ratings.rate(o.workspaceFolder, { runId: run.id, prompt: run.prompt, model: run.model }, input);
    summary.rated++;
  }
  return summary;
}

export function describeFeedbackImport(summary: FeedbackSummary): string[] {
  const lines = [l10n.t('Recorded {0} ratings from {1} feedback lines ({2} already recorded, {3} for calls not imported).', summary.rated, summary.lines, summary.unchanged, summary.unknownRequests)];
  const unreadable = summary.problems.length - summary.unknownRequests;
  if (unreadable > 0) lines.push(l10n.t('{0} feedback lines could not be read and were skipped.', unreadable));
  return lines;
}
