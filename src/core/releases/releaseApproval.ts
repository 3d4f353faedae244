/**
 * Approve for Production, before anything is written: find the exact text of the version being
 * approved (its kept `v<N>.prompt`, else a working file at that version, which is then kept so
 * the release always names text one can read again), its config and guardrail, and the evidence
 * (the scoreboard row, the runs and dataset runs of that version × model).
 */
import * as l10n from '@vscode/l10n';
import { parsePromptSource } from '../prompt/parsePrompt';
import { readGuardrailRef } from '../providers/bedrockGuardrail';
import type { ScoreboardRow } from '../ratings/types';
import { readRunHistory } from '../runs/runHistory';
import { describePromptVersion } from '../versions/promptVersions';
import { VersionStore } from '../versions/versionStore';
import { WorkbenchPaths } from '../workspace/paths';
import { approveRelease, evidenceFromRow } from './releaseStore';
import type { ReleaseLine } from './releaseRecord';

export interface VersionText {
  text: string;
  /** Where the text was read (kept snapshot or working file), workspace-relative. */
  path: string;
  contentHash: string;
}

/**
 * The text of `name` version `version`: its kept snapshot, else one of `working` at that version
 * (kept now, as Save New Version would). Undefined when neither exists.
 */
export async function versionText(workspaceFolder: string, name: string, version: number, working: readonly { file: string; text: string }[] = []): Promise<VersionText | undefined> {
  const store = new VersionStore(workspaceFolder);
  const paths = new WorkbenchPaths(workspaceFolder);
  const kept = await store.read(name, version);
  const workingMatch = working.find((w) => {
    const info = describePromptVersion(w.text, w.file);
    return info.name === name && info.version === version;
  });
  if (kept !== undefined) {
    const info = describePromptVersion(kept, store.snapshotPath(name, version));
    // The working file's path is what people know; the hash is the kept text's.
    const workingSame = workingMatch && describePromptVersion(workingMatch.text, workingMatch.file).contentHash === info.contentHash;
    return { text: kept, path: paths.relative(workingSame ? workingMatch.file : store.snapshotPath(name, version)), contentHash: info.contentHash };
  }
  if (!workingMatch) return undefined;
  await store.save(name, version, workingMatch.text, 'saved', paths.relative(workingMatch.file));
  return { text: workingMatch.text, path: paths.relative(workingMatch.file), contentHash: describePromptVersion(workingMatch.text, workingMatch.file).contentHash };
}

export interface ApproveVersionRequest {
  row: ScoreboardRow;
  by: string;
  note: string;
  /** The workspace's `.prompt` files and their texts (the editor's, unsaved edits included). */
  working?: readonly { file: string; text: string }[];
  now?: Date;
}

/** Approves a scoreboard row: reads the version's text and evidence, then appends the release line. */
export async function approveScoreboardRow(workspaceFolder: string, request: ApproveVersionRequest): Promise<ReleaseLine> {
  const { row } = request;
  const found = await versionText(workspaceFolder, row.prompt, row.version, request.working);
  if (!found) {
    throw new Error(l10n.t('The text of {0} v{1} is neither kept in .prompt-workbench/versions nor in a working file, so it cannot be approved: a release must name text one can read again.', row.prompt, row.version));
  }
  const parsed = parsePromptSource(found.text, { path: found.path });
  const guardrail = readGuardrailRef(parsed.workbench.guardrail);
  const { records } = await readRunHistory(new WorkbenchPaths(workspaceFolder).runsDir);
  const behind = records.filter((r) => r.prompt.name === row.prompt && r.prompt.version === row.version && r.model === row.model && r.source !== 'production');
  const datasetRunIds = [...new Set(behind.map((r) => r.datasetRunId).filter((id): id is string => !!id))];
  return approveRelease(workspaceFolder, {
    by: request.by,
    note: request.note,
    prompt: { name: row.prompt, version: row.version, contentHash: found.contentHash, path: found.path },
    model: row.model,
    config: parsed.config,
    ...(guardrail ? { guardrail } : {}),
    evidence: evidenceFromRow(row, datasetRunIds, behind.length),
    now: request.now,
  });
}
