/**
 * The scoreboard's value types, one definition for core, the host and the Scoreboard webview
 * (src/shared/scoreboardProtocol.ts re-exports them). Node-free and import-free on purpose:
 * the webview's type check reaches this file and must not reach Node modules.
 */

/** One row of `scoreboard --json` (DESIGN.md): a prompt name × version × model. Null where there is no data. */
export interface ScoreboardRow {
  prompt: string;
  version: number;
  model: string;
  /** Ratings of the criterion that count for this row: stars, thumbs, and pairwise ones it took part in. */
  n: number;
  stars: { mean: number | null; lo: number | null; hi: number | null };
  thumbsUp: { rate: number | null; lo: number | null; hi: number | null };
  winRate: number | null;
  btScore: number | null;
  passRate: number | null;
  latencyMs: { p50: number | null; p95: number | null };
  ttftMs: { p50: number | null };
  costPer1k: number | null;
}

export interface ScoreboardFilters {
  prompt?: string | null;
  versions?: number[];
  models?: string[];
  raters?: string[];
  /** Inclusive ISO dates (`YYYY-MM-DD`) or times; compared with each record's `ts`. */
  from?: string | null;
  to?: string | null;
  /** Runs whose `dataset` (or `datasetCaseId` prefix `<dataset>:`) is this, and the ratings of those runs. */
  dataset?: string | null;
}

export interface ScoreboardFacets {
  prompts: string[];
  versions: Record<string, number[]>;
  models: string[];
  raters: string[];
  datasets: string[];
  /** First and last day with a record, `YYYY-MM-DD`. */
  firstDay: string | null;
  lastDay: string | null;
  /** The prompt of the newest run or rating (by `ts`): what the panel opens on when nothing else says. */
  latestPrompt: string | null;
}

export interface ScoreWeights {
  quality: number;
  speed: number;
  cost: number;
}

export interface ScorePoint {
  day: string;
  mean: number;
  lo: number | null;
  hi: number | null;
  n: number;
}
