/**
 * The Scoreboard panel's typed protocol (host: src/host/scoreboard/*, webview:
 * src/webview/scoreboard/*). The webview says `ready`; the host answers with a whole
 * `snapshot` (and again whenever the data on disk, the filters or the weights change).
 *
 * Stable DOM for tests: `#banner` (corrupt lines), `#filter-prompt`, `#filter-version`,
 * `#filter-model`, `#filter-rater`, `#filter-dataset`, `#filter-from`, `#filter-to`,
 * `#weight-quality|speed|cost` (range inputs), `#recommendation`, `#too-few`,
 * `table#rows tbody tr[data-model][data-version]` with cells `td[data-col=…]`,
 * `canvas#chart-cost`, `canvas#chart-latency`, `canvas#chart-time`, `#export-csv`, `#export-json`,
 * `table#retrieval tbody tr[data-mode]`, `#evaluate-retrieval`.
 */

import type { ScoreboardFacets, ScoreboardFilters, ScoreboardRow, ScorePoint, ScoreWeights } from '../core/ratings/types';

// One definition of the core value types (node-free core/ratings/types.ts), not copies.
export type { ScoreboardFacets, ScoreboardFilters, ScoreboardRow, ScorePoint, ScoreWeights };

/** One row as shown: the core row with its scores and whether it is on a Pareto front. */
export interface ScoreboardViewRow {
  row: ScoreboardRow;
  /** Quality on 0–1 (stars, else thumbs, else win rate), its interval, and where it came from. */
  quality: { value: number; lo: number | null; hi: number | null; source: 'stars' | 'thumbs' | 'pairwise' } | null;
  combined: number | null;
  /** 1-based rank by Bradley–Terry score among the prompt's rows with pairwise data. */
  btRank: number | null;
  paretoCost: boolean;
  paretoLatency: boolean;
}

export interface ScoreboardSnapshot {
  /** Shown while the first read runs, or when there is no workspace. */
  notice: string | null;
  /** Lines of runs/*.jsonl or ratings.jsonl that could not be read (skipped). */
  problems: { count: number; first: { file: string; line: number; message: string } | null };
  facets: ScoreboardFacets;
  filters: ScoreboardFilters;
  /** The prompt the weights, recommendation and charts are about. */
  prompt: string | null;
  weights: ScoreWeights;
  rows: ScoreboardViewRow[];
  recommendation: { model: string; version: number; runnerUp: string | null; tooFewToTellApart: boolean } | null;
  overTime: { version: number; points: ScorePoint[] }[];
  /** Versions of `prompt` that Improve Prompt made (their changelog says so): the version chart marks them. */
  improvedVersions?: number[];
  totals: { runs: number; ratings: number };
  /** How long reading and computing took (ms), for the log and the benchmark. */
  timings: { readMs: number; computeMs: number };
  /** Retrieval evaluations of the document index (`.prompt-workbench/retrieval-evals.jsonl`), newest first. */
  retrieval?: RetrievalSection;
}

/** One evaluation as the table shows it (`#retrieval tbody tr[data-mode]`). */
export interface RetrievalEvalRow {
  ts: string;
  embedder: string;
  mode: 'hybrid' | 'vector' | 'keyword';
  k: number;
  questions: number;
  hitAt1: number;
  hitAtK: number;
  mrr: number;
}

export interface RetrievalSection {
  /** The questions file of the setting, workspace-relative, and whether it exists. */
  questionsFile: string;
  questionsExist: boolean;
  evals: RetrievalEvalRow[];
}

export type HostToScoreboard = { type: 'snapshot'; state: ScoreboardSnapshot };

export type ScoreboardToHost =
  | { type: 'ready' }
  | { type: 'setFilters'; filters: ScoreboardFilters }
  | { type: 'setWeights'; prompt: string; weights: ScoreWeights }
  | { type: 'export'; format: 'csv' | 'json' }
  | { type: 'evaluateRetrieval' }
  /** A row's Approve for Production button (`td[data-col=actions] button.approve`). */
  | { type: 'approve'; prompt: string; version: number; model: string }
  /** A row's Improve Prompt button (`td[data-col=actions] button.improve`): improves the prompt's current file on that model. */
  | { type: 'improve'; prompt: string; version: number; model: string }
  | { type: 'refresh' };
