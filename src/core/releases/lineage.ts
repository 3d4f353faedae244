/**
 * The lineage of a prompt version: its parent chain (each with the diff from its parent), the
 * dataset runs, runs and ratings behind it (and who gave them), and its releases with where
 * they were published. Read from the workspace's own records; nothing is written.
 */
import { structuredPatch } from 'diff';
import { readDatasetRunManifests } from '../datasets/datasetRuns';
import { effectiveRatings, readRatings } from '../ratings/ratingsStore';
import { readRunHistory } from '../runs/runHistory';
import { describePromptVersion } from '../versions/promptVersions';
import { VersionStore } from '../versions/versionStore';
import { WorkbenchPaths } from '../workspace/paths';
import type { LineageDiffLine, LineageSnapshot, LineageVersion } from './lineageTypes';
import { promptVersionArn } from './promptManagement';
import { readReleases } from './releaseStore';

const MAX_CHAIN = 50;

/** A unified diff as lines for the panel (three lines of context, `gap` between hunks). */
export function diffLines(before: string, after: string): LineageDiffLine[] {
  const patch = structuredPatch('parent', 'version', before, after, '', '', { context: 3 });
  const lines: LineageDiffLine[] = [];
  patch.hunks.forEach((hunk, i) => {
    if (i > 0 || hunk.oldStart > 1) lines.push({ kind: 'gap', text: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@` });
    for (const l of hunk.lines) {
      if (l.startsWith('\\')) continue;
      lines.push({ kind: l[0] === '+' ? 'add' : l[0] === '-' ? 'remove' : 'same', text: l.slice(1) });
    }
  });
  return lines;
}

export async function buildLineage(workspaceFolder: string, name: string, version: number, working?: { file: string; text: string }): Promise<LineageSnapshot> {
  const store = new VersionStore(workspaceFolder);
  const paths = new WorkbenchPaths(workspaceFolder);
  const index = await store.readIndex(name).catch(() => []);
  const textOf = async (v: number): Promise<string | undefined> => {
    const kept = await store.read(name, v);
    if (kept !== undefined) return kept;
    if (working && describePromptVersion(working.text, working.file).version === v) return working.text;
    return undefined;
  };
  const chain: LineageVersion[] = [];
  let current: number | null = version;
  const seen = new Set<number>();
  while (current !== null && !seen.has(current) && chain.length < MAX_CHAIN) {
    seen.add(current);
    const text = await textOf(current);
    if (text === undefined) break;
    const info = describePromptVersion(text);
    const kept = await store.list(name);
    const parent = info.parent ?? kept.filter((k) => k.version < current! && !k.variantHash).map((k) => k.version).pop() ?? null;
    const parentText = parent !== null ? await textOf(parent) : undefined;
    chain.push({
      version: current,
      contentHash: info.contentHash,
      changelog: info.changelog,
      savedAt: index.find((r) => r.version === current && r.file === `v${current}.prompt`)?.ts ?? null,
      parent,
      diff: parentText !== undefined ? diffLines(parentText, text) : [],
    });
    current = parent;
  }
  const problems: string[] = [];
  const { records: runs, problems: runProblems } = await readRunHistory(paths.runsDir);
  for (const p of runProblems.slice(0, 3)) problems.push(`${paths.relative(p.file)}:${p.line}: ${p.message}`);
  const mine = runs.filter((r) => r.prompt.name === name && r.prompt.version === version);
  const byModel = new Map<string, number>();
  for (const r of mine) byModel.set(r.model, (byModel.get(r.model) ?? 0) + 1);
  const ratingsContent = await readRatings(paths.ratingsFile);
  for (const p of ratingsContent.problems.slice(0, 3)) problems.push(`${paths.relative(paths.ratingsFile)}:${p.line}: ${p.message}`);
  const ratings = effectiveRatings(ratingsContent.records).filter((r) => r.prompt?.name === name && r.prompt?.version === version);
  const byRater = new Map<string, number>();
  for (const r of ratings) byRater.set(r.rater ?? '—', (byRater.get(r.rater ?? '—') ?? 0) + 1);
  const manifests = (await readDatasetRunManifests(workspaceFolder)).filter((m) => m.prompt.name === name && m.prompt.version === version);
  const { releases, problems: releaseProblems } = await readReleases(workspaceFolder);
  for (const p of releaseProblems.slice(0, 3)) problems.push(`.prompt-workbench/releases.jsonl:${p.line}: ${p.message}`);
  return {
    prompt: name,
    version,
    chain,
    datasetRuns: manifests.map((m) => ({ id: m.id, ts: m.ts, dataset: m.dataset.path, cases: m.dataset.cases, models: m.models })).reverse(),
    runs: { total: mine.length, byModel: [...byModel].map(([model, n]) => ({ model, runs: n })).sort((a, b) => b.runs - a.runs) },
    ratings: { total: ratings.length, byRater: [...byRater].map(([rater, n]) => ({ rater, ratings: n })).sort((a, b) => b.ratings - a.ratings) },
    releases: releases
      .filter((r) => r.prompt.name === name && r.prompt.version === version)
      .map((r) => ({ id: r.id, ts: r.ts, by: r.by, note: r.note, model: r.model, state: r.state, contentHash: r.prompt.contentHash, publishedAs: r.published ? promptVersionArn(r.published) : null })),
    problems,
  };
}
