/**
 * Save as New Version for a candidate: the current text is kept as its version's snapshot (as
 * Save New Version does), the working file becomes the candidate at the next version with its
 * `workbench.changelog` ("Improve Prompt: …") and `workbench.parent`, and the candidate's trial
 * runs (recorded apart, in the trials folder, while it was only a proposal) join the
 * workspace's run records, so they count for that version in the scoreboard.
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { contentHash } from '../prompt/contentHash';
import { parsePromptSource } from '../prompt/parsePrompt';
import { readRunHistory } from '../runs/runHistory';
import { readOwnText } from '../workspace/guardedFs';
import { saveNewVersion } from '../versions/promptVersions';
import { PromptUsageIndex } from '../versions/promptUsage';
import { VersionStore } from '../versions/versionStore';
import { writeFileAtomic } from '../workspace/guardedFs';
import { appendJsonLine } from '../workspace/jsonl';
import { WorkbenchPaths } from '../workspace/paths';
import { candidateFileText } from './candidate';

/** Where candidates' trial runs are recorded until one is saved (a workspace folder of their own, git-ignorable). */
export function improveTrialsFolder(workspaceFolder: string): string {
  return path.join(new WorkbenchPaths(workspaceFolder).root, 'improve-trials');
}

export interface SaveCandidateRequest {
  workspaceFolder: string;
  /** The working `.prompt` file, and its text now. */
  file: string;
  currentText: string;
  /** The candidate's whole text, as tried. */
  candidateText: string;
  /** The candidate's trial dataset run, whose records are adopted. */
  datasetRunId?: string;
}

export interface SavedCandidate {
  version: number;
  /** Trial runs that now count for the new version. */
  adoptedRuns: number;
  /** Said when the saved text differs from the tried one (a newer version appeared meanwhile). */
  notice: string | null;
}

export async function saveCandidate(request: SaveCandidateRequest): Promise<SavedCandidate> {
  const { workspaceFolder, file } = request;
  const store = new VersionStore(workspaceFolder);
  const paths = new WorkbenchPaths(workspaceFolder);
  const source = paths.relative(file);
  const planned = parsePromptSource(request.candidateText);
  const changelog = String(planned.workbench.changelog ?? 'Improve Prompt');
  const saved = await saveNewVersion(store, new PromptUsageIndex(workspaceFolder), { file, text: request.currentText, changelog, source });
  let text = request.candidateText;
  let notice = saved.notice;
  let sameAsTried = true;
  if (saved.newVersion !== planned.version) {
    // Another version was saved since the round began: the candidate takes the next free number, and its trial runs stay apart.
    text = candidateFileText(request.currentText, planned.template, { version: saved.newVersion, parent: saved.fromVersion, changelog });
    sameAsTried = false;
    notice = l10n.t('Version {0} exists already, so the candidate was saved as version {1}; its trial runs were made as version {0} and do not count for it.', planned.version ?? '?', saved.newVersion);
  }
  await writeFileAtomic(file, text, workspaceFolder);
  let adoptedRuns = 0;
  if (sameAsTried && request.datasetRunId) adoptedRuns = await adoptTrialRuns(workspaceFolder, request.datasetRunId, source, contentHash(text));
  // The new version's text is kept like that of any version that ran (runs now name it).
  if (adoptedRuns) await store.keepRanText(saved.name, saved.newVersion, text, source);
  return { version: saved.newVersion, adoptedRuns, notice };
}

/** Copies a trial dataset run's records into the workspace's runs (their prompt path made the working file's). */
async function adoptTrialRuns(workspaceFolder: string, datasetRunId: string, promptPath: string, hash: string): Promise<number> {
  const trials = new WorkbenchPaths(improveTrialsFolder(workspaceFolder));
  const { records } = await readRunHistory(trials.runsDir);
  const paths = new WorkbenchPaths(workspaceFolder);
  let adopted = 0;
  for (const record of records) {
    if (record.datasetRunId !== datasetRunId || record.prompt.contentHash !== hash) continue;
    await appendJsonLine(paths.runsFile(new Date(record.ts)), { ...record, prompt: { ...record.prompt, path: promptPath } }, workspaceFolder);
    adopted++;
  }
  return adopted;
}

/** The kept versions of a prompt whose changelog says they came from Improve Prompt (the scoreboard marks them). */
export async function improvedVersions(workspaceFolder: string, promptName: string): Promise<number[]> {
  const store = new VersionStore(workspaceFolder);
  const found: number[] = [];
  for (const snapshot of await store.list(promptName)) {
    if (snapshot.variantHash) continue;
    const text = await readOwnText(snapshot.file, workspaceFolder).catch(() => '');
    const changelog = parsePromptSource(text).workbench.changelog;
    if (typeof changelog === 'string' && changelog.startsWith('Improve Prompt:')) found.push(snapshot.version);
  }
  return found.sort((a, b) => a - b);
}
