/**
 * What the Lineage panel shows of a prompt version (node-free and import-free: the webview's type
 * check reaches this file through src/shared/lineageProtocol.ts).
 */

export interface LineageDiffLine {
  kind: 'add' | 'remove' | 'same' | 'gap';
  text: string;
}

/** One version of the parent chain, newest first, with its diff from its parent. */
export interface LineageVersion {
  version: number;
  contentHash: string;
  changelog: string | null;
  savedAt: string | null;
  parent: number | null;
  /** Against the parent's text; empty for the oldest version kept. */
  diff: LineageDiffLine[];
}

export interface LineageDatasetRun {
  id: string;
  ts: string;
  dataset: string;
  cases: number;
  models: string[];
}

export interface LineageRelease {
  id: string;
  ts: string;
  by: string;
  note: string;
  model: string;
  state: string;
  contentHash: string;
  /** `arn:…:prompt/ID:N` when published. */
  publishedAs: string | null;
}

export interface LineageSnapshot {
  prompt: string;
  version: number;
  /** Newest first: this version, its parent, the parent's parent… */
  chain: LineageVersion[];
  datasetRuns: LineageDatasetRun[];
  runs: { total: number; byModel: { model: string; runs: number }[] };
  ratings: { total: number; byRater: { rater: string; ratings: number }[] };
  releases: LineageRelease[];
  /** Lines that could not be read, reported and skipped. */
  problems: string[];
}
