import * as fs from 'node:fs';
import * as path from 'node:path';
import { contentHash } from '../prompt/contentHash';
import { parsePromptSource } from '../prompt/parsePrompt';
import type { Release } from '../releases/releaseRecord';
import { releaseEditedSince } from '../releases/releaseStore';
import { versionBumpEdits, type TextEdit } from './bumpVersion';
import type { PromptUsageIndex } from './promptUsage';
import { versionFolderName, type SnapshotReason, type VersionStore } from './versionStore';

/** The version facts of one `.prompt` text. */
export interface PromptVersionInfo {
  /** The frontmatter's name, else the file name without `.prompt` (as renderPrompt names it). */
  name: string;
  /** The frontmatter's version, 1 when it has none (as renderPrompt counts it). */
  version: number;
  contentHash: string;
  changelog: string | null;
  parent: number | null;
  /** The frontmatter's `version:` line, 0-based, when there is one. */
  versionLine: number | null;
}

export function describePromptVersion(text: string, file?: string): PromptVersionInfo {
  const parsed = parsePromptSource(text, { path: file });
  const changelog = parsed.workbench.changelog;
  const parent = parsed.workbench.parent;
  const versionLine = text.split(/\r\n|\r|\n/).findIndex((line, index) => index > 0 && index < parsed.templateStartLine && /^version\s*:/.test(line));
  return {
    name: parsed.name ?? (file ? path.basename(file, '.prompt') : 'prompt'),
    version: parsed.version ?? 1,
    contentHash: contentHash(text),
    changelog: typeof changelog === 'string' ? changelog : changelog == null ? null : String(changelog),
    parent: typeof parent === 'number' && Number.isInteger(parent) ? parent : null,
    versionLine: versionLine >= 0 ? versionLine : null,
  };
}

export interface NewVersionRequest {
  /** The working file. */
  file: string;
  /** Its text as the editor has it now. */
  text: string;
  /** Its text as saved on disk, when that differs (an editor with unsaved changes). */
  savedText?: string;
  changelog: string;
  /** The working file relative to the workspace folder, for the version index. */
  source: string | null;
}

export interface NewVersionResult {
  name: string;
  /** The version the file was at. */
  fromVersion: number;
  /** The version the file is now at. */
  newVersion: number;
  /** Where the text of `fromVersion` is kept; null when it could not be (see `notice`). */
  snapshotFile: string | null;
  /** The snapshot was written by this call (false: it was kept already, e.g. at its first run). */
  snapshotCreated: boolean;
  /** Edits that turn the working text into `newVersion`; the caller applies them to the file. */
  edits: TextEdit[];
  /** Said to the user when something did not go as usual. */
  notice: string | null;
}

/**
 * Save New Version. The rule: `v<N>.prompt` holds the text version N had when it was first
 * run, rated or saved, and is never overwritten. So, for a file at version N:
 *  - if `v<N>.prompt` exists, it stays; the current text (edited since or not) becomes N+1;
 *  - otherwise the text that produced N's runs and ratings is kept as `v<N>.prompt`: the
 *    current text when its hash is among theirs (or N has none), else the text saved on
 *    disk when that one's is; if neither is, no text of N is kept (the records still name
 *    its hash) and the result says so;
 * and the working file moves to version max(N, newest kept) + 1 with `workbench.parent: N`
 * and the changelog. Throws (changing nothing) when the file cannot be edited safely.
 */
export async function saveNewVersion(store: VersionStore, usageIndex: PromptUsageIndex, request: NewVersionRequest): Promise<NewVersionResult> {
  const info = describePromptVersion(request.text, request.file);
  const parsed = parsePromptSource(request.text, { path: request.file });
  if (!parsed.ok) {
    const first = parsed.diagnostics.find((d) => d.severity === 'error');
    throw new Error(`Fix the problems in this file first (line ${(first?.range.startLine ?? 0) + 1}: ${first?.message ?? 'it does not parse'}).`);
  }
  const snapshots = await store.list(info.name);
  const newest = snapshots.reduce((max, snapshot) => Math.max(max, snapshot.version), 0);
  const newVersion = Math.max(info.version, newest) + 1;
  // Computed before anything is written, so that a file that cannot be bumped changes nothing.
  const edits = versionBumpEdits(request.text, { version: newVersion, parent: info.version, changelog: request.changelog });

  const kept = snapshots.find((snapshot) => snapshot.version === info.version && !snapshot.variantHash);
  if (kept) {
    return { name: info.name, fromVersion: info.version, newVersion, snapshotFile: kept.file, snapshotCreated: false, edits, notice: null };
  }
  await usageIndex.refresh();
  const usage = usageIndex.usage(info.name, info.version);
  const used = usage.runs + usage.ratings > 0;
  let freeze: string | undefined;
  if (!used || usage.hashes.has(info.contentHash)) freeze = request.text;
  else if (request.savedText !== undefined && usage.hashes.has(contentHash(request.savedText))) freeze = request.savedText;
  if (freeze === undefined) {
    const notice =
      `The text that produced version ${info.version}'s ${describeUsage(usage.runs, usage.ratings)} is not in the workspace any more ` +
      `(it was edited and saved before versions were kept), so it was not saved as v${info.version}; those records still name its content hash. ` +
      `The current text is version ${newVersion}.`;
    return { name: info.name, fromVersion: info.version, newVersion, snapshotFile: null, snapshotCreated: false, edits, notice };
  }
  const saved = await store.save(info.name, info.version, freeze, 'saved', request.source);
  return { name: info.name, fromVersion: info.version, newVersion, snapshotFile: saved.file, snapshotCreated: saved.created, edits, notice: null };
}

export interface EditedWithoutBump {
  name: string;
  version: number;
  runs: number;
  ratings: number;
  /** The kept text of this version, when there is one (and it differs from the current text). */
  savedFile: string | null;
  /** The live release of this version whose text this no longer is (approved or published with another content hash). */
  releaseId?: string;
  message: string;
}

/**
 * Whether this text is version N edited after N was used: N's kept text differs from it,
 * or (nothing kept) N's runs and ratings all recorded other content hashes.
 */
export async function findEditedWithoutBump(
  store: VersionStore,
  usageIndex: PromptUsageIndex,
  text: string,
  file?: string,
  releases: readonly Release[] = [],
): Promise<EditedWithoutBump | undefined> {
  const info = describePromptVersion(text, file);
  // A released version edited in place is the strongest case: what ships is no longer this text.
  const released = releaseEditedSince(releases, info.name, info.version, info.contentHash);
  if (released) {
    await usageIndex.refresh();
    const usage = usageIndex.usage(info.name, info.version);
    const message =
      `Version ${info.version} was ${released.state === 'published' ? 'released and published' : 'approved for production'} (${released.by}, ${released.ts.slice(0, 10)}, release ${released.id}); ` +
      `edits change its content hash, so the release would no longer describe this text. Save as a new version?`;
    return { name: info.name, version: info.version, runs: usage.runs, ratings: usage.ratings, savedFile: null, releaseId: released.id, message };
  }
  const savedText = await store.read(info.name, info.version);
  if (savedText !== undefined && contentHash(savedText) === info.contentHash) return undefined;
  await usageIndex.refresh();
  const usage = usageIndex.usage(info.name, info.version);
  const used = usage.runs + usage.ratings > 0;
  if (savedText === undefined && (!used || usage.hashes.has(info.contentHash))) return undefined;
  const savedFile = savedText === undefined ? null : store.snapshotPath(info.name, info.version);
  const message = used
    ? `Version ${info.version} already has ${describeUsage(usage.runs, usage.ratings)}; edits change its content hash, so new results would not compare with those. Save as a new version?`
    : `Version ${info.version} is already saved with other text (${path.relative(store.paths.workspaceFolder, savedFile!).split(path.sep).join('/')}). Save as a new version?`;
  return { name: info.name, version: info.version, runs: usage.runs, ratings: usage.ratings, savedFile, message };
}

export function describeUsage(runs: number, ratings: number): string {
  const parts = [];
  if (runs > 0) parts.push(`${runs} run${runs === 1 ? '' : 's'}`);
  if (ratings > 0) parts.push(`${ratings} rating${ratings === 1 ? '' : 's'}`);
  return parts.join(' and ') || 'no runs';
}

export interface VersionEntry {
  name: string;
  version: number;
  /** `working`: a prompt file in the workspace; `saved`: `v<N>.prompt`; `variant`: `v<N>~<hash>.prompt`. */
  kind: 'working' | 'saved' | 'variant';
  file: string;
  contentHash: string;
  changelog: string | null;
  parent: number | null;
  /** When the snapshot was written (index.jsonl, else the file's time); null for a working file. */
  savedAt: string | null;
  savedReason: SnapshotReason | null;
  /** For a working file: its text is exactly its version's kept text. */
  matchesSaved: boolean;
  runs: number;
  ratings: number;
  stars: { mean: number; n: number } | null;
}

export interface PromptHistory {
  name: string;
  /** The folder under `.prompt-workbench/versions/`. */
  folderName: string;
  /** Working files first, then kept versions, newest first. */
  entries: VersionEntry[];
}

/** Every prompt's versions: the working files given, and what `.prompt-workbench/versions/` keeps. */
export async function listPromptHistories(store: VersionStore, usageIndex: PromptUsageIndex, working: { file: string; text: string }[]): Promise<PromptHistory[]> {
  await usageIndex.refresh();
  const byFolder = new Map<string, PromptHistory>();
  const historyFor = (name: string) => {
    const folderName = versionFolderName(name);
    let history = byFolder.get(folderName);
    if (!history) byFolder.set(folderName, (history = { name, folderName, entries: [] }));
    return history;
  };
  for (const folderName of await store.promptFolders()) {
    const snapshots = await store.list(folderName);
    if (snapshots.length === 0) continue;
    const index = await store.readIndex(folderName);
    for (const snapshot of snapshots) {
      const text = await fs.promises.readFile(snapshot.file, 'utf8');
      const info = describePromptVersion(text, snapshot.file);
      let history = byFolder.get(folderName);
      if (!history) byFolder.set(folderName, (history = { name: index[0]?.name ?? info.name, folderName, entries: [] }));
      const indexed = index.find((record) => record.file === snapshot.fileName);
      const usage = usageIndex.usage(history.name, snapshot.version);
      history.entries.push({
        name: history.name,
        version: snapshot.version,
        kind: snapshot.variantHash ? 'variant' : 'saved',
        file: snapshot.file,
        contentHash: info.contentHash,
        changelog: info.changelog,
        parent: info.parent,
        savedAt: indexed?.ts ?? (await fs.promises.stat(snapshot.file)).mtime.toISOString(),
        savedReason: indexed?.reason ?? null,
        matchesSaved: false,
        runs: usage.runs,
        ratings: usage.ratings,
        stars: usage.stars,
      });
    }
  }
  for (const { file, text } of working) {
    const info = describePromptVersion(text, file);
    const history = historyFor(info.name);
    const saved = history.entries.find((entry) => entry.kind === 'saved' && entry.version === info.version);
    const usage = usageIndex.usage(history.name, info.version);
    history.entries.push({
      name: history.name,
      version: info.version,
      kind: 'working',
      file,
      contentHash: info.contentHash,
      changelog: info.changelog,
      parent: info.parent,
      savedAt: null,
      savedReason: null,
      matchesSaved: saved?.contentHash === info.contentHash,
      runs: usage.runs,
      ratings: usage.ratings,
      stars: usage.stars,
    });
  }
  const order = { working: 0, saved: 1, variant: 2 };
  for (const history of byFolder.values()) {
    history.entries.sort((a, b) => order[a.kind] - order[b.kind] || b.version - a.version || a.file.localeCompare(b.file));
  }
  return [...byFolder.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The version to compare an entry with: for a working file, its own version's kept text when
 * it was edited since, else its parent; for a kept version, its parent (`workbench.parent`),
 * else the newest kept version before it; for an edited variant, the version it varies.
 */
export function previousVersionOf(history: PromptHistory, entry: VersionEntry): VersionEntry | undefined {
  const saved = history.entries.filter((candidate) => candidate.kind === 'saved');
  if (entry.kind !== 'saved') {
    const same = saved.find((candidate) => candidate.version === entry.version);
    if (same && same.contentHash !== entry.contentHash) return same;
  }
  if (entry.parent !== null && entry.parent !== entry.version) {
    const parent = saved.find((candidate) => candidate.version === entry.parent);
    if (parent) return parent;
  }
  return saved.filter((candidate) => candidate.version < entry.version).sort((a, b) => b.version - a.version)[0];
}
