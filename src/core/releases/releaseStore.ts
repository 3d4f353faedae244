/**
 * Reading and writing `.prompt-workbench/releases.jsonl` (line shapes in releaseRecord.ts):
 * Approve for Production appends a `release` line; Publish, Roll Back and a newer publication
 * of the same prompt append `state` lines. Every write is one whole line through the guarded
 * file layer; a line that cannot be read is reported and skipped, every other line kept.
 */
import * as l10n from '@vscode/l10n';
import type { GenerationConfig } from '../providers/types';
import type { ScoreboardRow } from '../ratings/types';
import { newId } from '../workspace/ids';
import { appendJsonLine, readJsonl, type JsonlProblem } from '../workspace/jsonl';
import { WorkbenchPaths } from '../workspace/paths';
import {
  foldReleases,
  RELEASE_SCHEMA,
  validateReleaseLine,
  type PublishedPrompt,
  type Release,
  type ReleaseEvidence,
  type ReleaseFileLine,
  type ReleaseLine,
  type ReleaseState,
  type ReleaseStateLine,
} from './releaseRecord';

export interface ReleasesContent {
  releases: Release[];
  /** Lines that could not be read (skipped) and state lines naming no release. */
  problems: JsonlProblem[];
}

export async function readReleases(workspaceFolder: string): Promise<ReleasesContent> {
  const file = new WorkbenchPaths(workspaceFolder).releasesFile;
  const { records, problems } = await readJsonl<ReleaseFileLine>(file, validateReleaseLine);
  const { releases, orphans } = foldReleases(records);
  return { releases, problems: [...problems, ...orphans.map((o) => ({ line: 0, message: `a state line names release ${o.releaseId}, which is not in the file: not applied` }))] };
}

/** The scoreboard's figures for a row, kept with the approval (intervals included). */
export function evidenceFromRow(row: ScoreboardRow, datasetRunIds: readonly string[], runs: number): ReleaseEvidence {
  const interval = (lo: number | null, hi: number | null): [number, number] | undefined => (lo !== null && hi !== null ? [lo, hi] : undefined);
  const evidence: ReleaseEvidence = { runs, ratings: row.n, datasetRunIds: [...datasetRunIds] };
  const set = <K extends keyof ReleaseEvidence>(key: K, value: ReleaseEvidence[K] | null | undefined) => {
    if (value !== null && value !== undefined) evidence[key] = value;
  };
  set('meanStars', row.stars.mean);
  set('starsInterval', interval(row.stars.lo, row.stars.hi));
  set('thumbsUpRate', row.thumbsUp.rate);
  set('thumbsUpInterval', interval(row.thumbsUp.lo, row.thumbsUp.hi));
  set('passRate', row.passRate);
  set('latencyP50Ms', row.latencyMs.p50);
  set('latencyP95Ms', row.latencyMs.p95);
  set('costPer1kUsd', row.costPer1k);
  return evidence;
}

export interface ApproveRequest {
  by: string;
  note: string;
  prompt: ReleaseLine['prompt'];
  model: string;
  config: GenerationConfig;
  guardrail?: { id: string; version: string };
  evidence: ReleaseEvidence;
  now?: Date;
}

/** Appends the approval of a prompt version × model × config; returns the line written. */
export async function approveRelease(workspaceFolder: string, request: ApproveRequest): Promise<ReleaseLine> {
  if (!request.note.trim()) throw new Error(l10n.t('An approval needs a note: say why this version and model are the ones to ship.'));
  const now = request.now ?? new Date();
  const line: ReleaseLine = {
    schema: RELEASE_SCHEMA,
    kind: 'release',
    id: newId('rel', now.getTime()),
    ts: now.toISOString(),
    by: request.by,
    note: request.note.trim(),
    prompt: request.prompt,
    model: request.model,
    config: request.config,
    ...(request.guardrail ? { guardrail: request.guardrail } : {}),
    evidence: request.evidence,
  };
  await appendJsonLine(new WorkbenchPaths(workspaceFolder).releasesFile, line);
  return line;
}

/** Which state changes make sense from where a release stands. */
const NEXT_STATES: Record<ReleaseState, ReleaseState[]> = {
  approved: ['published', 'rolled-back', 'superseded'],
  published: ['published', 'rolled-back', 'superseded'],
  superseded: ['published', 'rolled-back'],
  'rolled-back': [],
};

export interface StateChange {
  by: string;
  state: ReleaseState;
  note?: string;
  published?: PublishedPrompt;
  now?: Date;
}

/**
 * Appends a state change of one release. Publishing a release supersedes the other published
 * releases of the same prompt (one line each), so the view shows one live release per prompt.
 * A rolled-back release stays rolled back: approve the version again to ship it.
 */
export async function changeReleaseState(workspaceFolder: string, releaseId: string, change: StateChange): Promise<{ release: Release; lines: ReleaseStateLine[] }> {
  const { releases } = await readReleases(workspaceFolder);
  const release = releases.find((r) => r.id === releaseId);
  if (!release) throw new Error(l10n.t('There is no release {0} in .prompt-workbench/releases.jsonl.', releaseId));
  if (!NEXT_STATES[release.state].includes(change.state)) {
    throw new Error(l10n.t('Release {0} is {1}; it cannot become {2}. Approve the version again to ship it.', releaseId, release.state, change.state));
  }
  if (change.state === 'published' && !change.published) throw new Error(l10n.t('A published release needs the prompt ARN and version it was published as.'));
  const ts = (change.now ?? new Date()).toISOString();
  const line: ReleaseStateLine = {
    schema: RELEASE_SCHEMA,
    kind: 'state',
    releaseId,
    ts,
    by: change.by,
    state: change.state,
    ...(change.note ? { note: change.note } : {}),
    ...(change.published ? { published: change.published } : {}),
  };
  const lines = [line];
  if (change.state === 'published') {
    for (const other of releases) {
      if (other.id !== releaseId && other.state === 'published' && other.prompt.name === release.prompt.name) {
        lines.push({ schema: RELEASE_SCHEMA, kind: 'state', releaseId: other.id, ts, by: change.by, state: 'superseded', note: `superseded by ${releaseId}` });
      }
    }
  }
  // Each line whole, in order: the publication first, then what it supersedes.
  const file = new WorkbenchPaths(workspaceFolder).releasesFile;
  for (const l of lines) await appendJsonLine(file, l);
  return { release: { ...release, state: line.state, published: line.published ?? release.published, history: [...release.history, line] }, lines };
}

/**
 * The live release (approved or published, not superseded or rolled back) of a prompt version
 * whose content hash differs from `contentHash`: that version was edited after its release.
 */
export function releaseEditedSince(releases: readonly Release[], name: string, version: number, contentHash: string): Release | undefined {
  return releases.find((r) => r.prompt.name === name && r.prompt.version === version && r.prompt.contentHash !== contentHash && (r.state === 'approved' || r.state === 'published'));
}

/** Releases grouped by prompt name, newest approval first within each. */
export function releasesByPrompt(releases: readonly Release[]): Map<string, Release[]> {
  const groups = new Map<string, Release[]>();
  for (const r of releases) {
    const list = groups.get(r.prompt.name) ?? [];
    list.push(r);
    groups.set(r.prompt.name, list);
  }
  for (const list of groups.values()) list.sort((a, b) => b.ts.localeCompare(a.ts));
  return new Map([...groups].sort(([a], [b]) => a.localeCompare(b)));
}
