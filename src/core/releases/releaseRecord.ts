/**
 * `.prompt-workbench/releases.jsonl`: approved releases of a prompt version × model × config,
 * and what happened to them since. The file is append-only (a cloned repository's history of
 * approvals must never be rewritten): a `release` line approves, later `state` lines publish,
 * supersede or roll back a release. `foldReleases` turns the lines into the releases as they
 * stand now. Shared by the Releases view, Publish to Bedrock Prompt Management and the import
 * of production invocation logs (which matches traffic to releases by prompt ARN and version,
 * model and content hash).
 */
import type { GenerationConfig } from '../providers/types';

export const RELEASE_SCHEMA = 'prompt-workbench.release/1';

export type ReleaseState = 'approved' | 'published' | 'superseded' | 'rolled-back';

/** Where a release was published in Bedrock Prompt Management. */
export interface PublishedPrompt {
  /** The prompt's ARN (without version), e.g. `arn:aws:bedrock:us-east-1:123456789012:prompt/PROMPT12345`. */
  promptArn: string;
  promptId: string;
  /** The numbered version `CreatePromptVersion` made ("1", "2"…); the versioned ARN is `${promptArn}:${promptVersion}`. */
  promptVersion: string;
  region?: string;
}

/** The scoreboard's figures for the row when it was approved: the evidence behind the approval. */
export interface ReleaseEvidence {
  runs: number;
  ratings: number;
  meanStars?: number;
  /** 95% interval of the mean stars. */
  starsInterval?: [number, number];
  passRate?: number;
  passInterval?: [number, number];
  thumbsUpRate?: number;
  thumbsUpInterval?: [number, number];
  latencyP50Ms?: number;
  latencyP95Ms?: number;
  costPer1kUsd?: number;
  datasetRunIds: string[];
}

/** A `release` line: the approval itself. */
export interface ReleaseLine {
  schema: typeof RELEASE_SCHEMA;
  kind: 'release';
  id: string;
  ts: string;
  /** Who approved (the git user or the OS account name). */
  by: string;
  note: string;
  prompt: { name: string; version: number; contentHash: string; path: string | null };
  /** `provider/id`, as in run records. */
  model: string;
  config: GenerationConfig;
  guardrail?: { id: string; version: string };
  evidence: ReleaseEvidence;
}

/** A `state` line: a later change of one release. */
export interface ReleaseStateLine {
  schema: typeof RELEASE_SCHEMA;
  kind: 'state';
  releaseId: string;
  ts: string;
  by: string;
  state: ReleaseState;
  note?: string;
  /** With `published`: where. */
  published?: PublishedPrompt;
}

export type ReleaseFileLine = ReleaseLine | ReleaseStateLine;

/** A release as it stands after every line about it. */
export interface Release extends ReleaseLine {
  state: ReleaseState;
  /** The last publication, if any. */
  published?: PublishedPrompt;
  /** Every state change, oldest first. */
  history: ReleaseStateLine[];
}

export function validateReleaseLine(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return 'not an object';
  const v = value as Partial<Omit<ReleaseLine, 'kind'>> & Partial<Omit<ReleaseStateLine, 'kind'>> & { kind?: unknown };
  if (v.schema !== RELEASE_SCHEMA) return `missing or unknown "schema" (expected ${RELEASE_SCHEMA})`;
  if (v.kind === 'release') {
    if (typeof v.id !== 'string' || !v.id) return 'missing "id"';
    if (!v.prompt || typeof v.prompt.name !== 'string' || typeof v.prompt.contentHash !== 'string') return 'missing "prompt" name or contentHash';
    if (typeof v.model !== 'string') return 'missing "model"';
    return undefined;
  }
  if (v.kind === 'state') {
    if (typeof v.releaseId !== 'string') return 'missing "releaseId"';
    if (!['approved', 'published', 'superseded', 'rolled-back'].includes(v.state as string)) return `unknown "state" ${JSON.stringify(v.state)}`;
    return undefined;
  }
  return `unknown "kind" ${JSON.stringify(v.kind)}`;
}

/**
 * The releases as they stand, in approval order. A state line for a release that is not in the
 * file is returned in `orphans` (reported, not applied); a second `release` line with an id
 * already seen is ignored (the first approval stands).
 */
export function foldReleases(lines: Iterable<ReleaseFileLine>): { releases: Release[]; orphans: ReleaseStateLine[] } {
  const byId = new Map<string, Release>();
  const orphans: ReleaseStateLine[] = [];
  for (const line of lines) {
    if (line.kind === 'release') {
      if (!byId.has(line.id)) byId.set(line.id, { ...line, state: 'approved', history: [] });
      continue;
    }
    const release = byId.get(line.releaseId);
    if (!release) {
      orphans.push(line);
      continue;
    }
    release.history.push(line);
    release.state = line.state;
    if (line.published) release.published = line.published;
  }
  return { releases: [...byId.values()], orphans };
}
