/**
 * The dataset results grid: rows are cases, columns are models (host: src/host/datasets/*,
 * webview: src/webview/dataset/*). The host keeps the whole state and posts it as a
 * snapshot (on `ready`, when shown again, and throttled while a run progresses).
 *
 * Stable DOM for tests: `table#grid`, one `tr.case[data-case=ID]` per case, in it one
 * `td.cell[data-model=M][data-status=S]` per model holding `.output` (sanitized Markdown,
 * collapsed in a `details`), `.metrics`, `.check[data-check=NAME][data-pass=true|false]`
 * badges (detail in `title`), and `.stars button.star[data-value=1..5][aria-pressed]`;
 * `tr#summary td.pass-rate[data-model=M]`; `#progress`, `#stop`, `#resume`, `#message`.
 */

export interface DatasetCheckView {
  check: string;
  pass: boolean;
  detail: string;
}

export type DatasetCellStatus = 'pending' | 'done' | 'failed' | 'cancelled' | 'not-run';

export interface DatasetCellView {
  caseId: string;
  model: string;
  status: DatasetCellStatus;
  runId: string | null;
  output: string;
  latencyMs: number | null;
  costUsd: number | null;
  error: string | null;
  checks: DatasetCheckView[] | null;
  /** The overall stars this output has now (null: not rated). */
  stars: number | null;
  /** Answered from the response cache: the run whose answer it is. */
  cachedFrom?: string;
}

export interface DatasetCaseView {
  id: string;
  line: number;
  /** The inputs, one line each, clipped: the row's heading. */
  inputs: Array<{ name: string; value: string }>;
  reference: string | null;
}

export interface DatasetModelSummaryView {
  model: string;
  passRate: number | null;
  passed: number;
  checked: number;
  failed: number;
  p50LatencyMs: number | null;
  costUsd: number | null;
}

export interface DatasetPanelState {
  datasetRunId: string;
  /** The workspace folder the run records are in, and the prompt file: a restored panel reads the run back from them. */
  workspaceFolder: string;
  promptUri: string | null;
  promptName: string;
  promptVersion: number;
  /** The content hash of the prompt that ran (ratings record it); null when not known. */
  promptContentHash?: string | null;
  /** The dataset file, relative to the workspace. */
  datasetPath: string;
  models: string[];
  cases: DatasetCaseView[];
  /** Case-major: cell `i * models.length + j` is case i on model j. */
  cells: DatasetCellView[];
  summary: DatasetModelSummaryView[];
  /** `interrupted`: read back from the records with pairs missing (a crash, a closed window). */
  status: 'running' | 'done' | 'cancelled' | 'interrupted';
  done: number;
  total: number;
  /** Rows of the dataset that were skipped, with their lines. */
  problems: string[];
  message: string | null;
}

export type HostToDatasetPanel = { type: 'state'; state: DatasetPanelState };

export type DatasetPanelToHost =
  | { type: 'ready' }
  | { type: 'stop' }
  | { type: 'resume' }
  | { type: 'rate'; caseId: string; model: string; stars: 1 | 2 | 3 | 4 | 5 };
