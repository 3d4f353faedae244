/**
 * What raters said about a prompt version's answers to dataset cases: the comments (and a low
 * score) of ratings whose run answered a case, by case id. The "from your failures" source shows
 * them to the improver beside the check results.
 */
import { effectiveRatings, readRatings } from '../ratings/ratingsStore';
import { readRunHistory } from '../runs/runHistory';
import { WorkbenchPaths } from '../workspace/paths';

export async function caseComments(workspaceFolder: string, prompt: { name: string; version: number }): Promise<Map<string, string[]>> {
  const paths = new WorkbenchPaths(workspaceFolder);
  const { records: runs } = await readRunHistory(paths.runsDir);
  const caseOf = new Map<string, string>();
  for (const r of runs) if (r.datasetCaseId && r.prompt.name === prompt.name && r.prompt.version === prompt.version) caseOf.set(r.id, r.datasetCaseId);
  const comments = new Map<string, string[]>();
  if (!caseOf.size) return comments;
  const { records } = await readRatings(paths.ratingsFile);
  for (const rating of effectiveRatings(records)) {
    const caseId = rating.runId ? caseOf.get(rating.runId) : undefined;
    if (!caseId || rating.kind === 'pairwise') continue;
    const low = rating.kind === 'stars' ? rating.value <= 2 : rating.value === 'down';
    if (!rating.comment.trim() && !low) continue;
    const value = rating.kind === 'stars' ? `${rating.value}★` : rating.value === 'up' ? '👍' : '👎';
    const list = comments.get(caseId) ?? [];
    list.push(`${value}${rating.comment.trim() ? ` ${rating.comment.trim()}` : ''}`);
    comments.set(caseId, list);
  }
  return comments;
}
