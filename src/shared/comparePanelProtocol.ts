/**
 * The comparison panel's typed protocol, imported by the extension host
 * (src/host/compare/comparePanel.ts) and the webview (src/webview/compare/main.ts).
 *
 * The webview says `ready` before the host posts anything. A webview that was hidden gets a
 * whole `snapshot`, never deltas it missed. Streamed text comes as `deltas`, coalesced by
 * the host (about one message per 16 ms for all columns together); the webview applies
 * them once per animation frame.
 *
 * Stable DOM for tests and the benchmark (the webview builds it; see COMPARE_DOM):
 * - `#title`, `#summary` (status of the whole comparison, aria-live), `#endpoint-notice`,
 *   `#stop-all`, `#rerun`, `#diff-a`, `#diff-b` (selects), `#diff-toggle`, `#diff` (the
 *   diff section, hidden until asked), `#diff-output` (`ins`/`del` words), `#columns`;
 * - one `section.column[data-column=N][data-model=ID][data-status=S]` per model, with
 *   `.model`, `.status`, metrics `[data-metric=ttft|latency|tokensPerSecond|inputTokens|outputTokens|cost] .value`,
 *   buttons `button.stop`, `button.retry`, `button.copy`, `button.insert`, `button.open`,
 *   `.error` (role=alert, hidden unless failed) and `.output[data-length]` (the rendered
 *   answer; `data-length` is the length of the raw text it shows).
 */

import type { ColumnMetrics, ColumnState, ColumnStatus } from '../core/runs/column';
import type { CompareRatingsState, CompareRatingToHost } from './ratingProtocol';
import type { OpenSourceMessage, SourceRef } from './sources';
import type { ToolPanelMessage } from './toolProtocol';

/** Status texts the webview shows in `.status`, by status. */
export const COLUMN_STATUS_TEXT: Record<ColumnStatus, string> = {
  streaming: 'Streaming…',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const COMPARE_DOM = {
  columns: 'columns',
  title: 'title',
  summary: 'summary',
  endpointNotice: 'endpoint-notice',
  stopAll: 'stop-all',
  rerun: 'rerun',
  scoreboard: 'open-scoreboard',
  diffA: 'diff-a',
  diffB: 'diff-b',
  diffToggle: 'diff-toggle',
  diff: 'diff',
  diffOutput: 'diff-output',
  problems: 'problems',
} as const;

export type { ColumnGuardrail, ColumnStatus } from '../core/runs/column';
export type CompareMetrics = ColumnMetrics;
/** One column of a comparison: the same state as the run panel's answer (src/core/runs/column.ts). */
export type CompareColumnState = ColumnState;

export interface ComparePanelState {
  comparisonId: string | null;
  promptName: string;
  promptVersion: number;
  /** The content hash of the prompt that ran (ratings record it); null when not known. */
  promptContentHash?: string | null;
  /** Workspace-relative path of the prompt, for the title and re-runs. */
  promptPath: string | null;
  /** URI (string) of the workspace folder whose records hold this comparison. */
  workspaceFolder: string | null;
  columns: CompareColumnState[];
  /** `live`: running or run in this window; `record`: read back from `.prompt-workbench/runs/`. */
  origin: 'live' | 'record';
  /** Said plainly when answers do not come from Amazon Bedrock itself. */
  endpointNotice: string | null;
  /** Shown above the columns, e.g. lines of the runs file that could not be read, or an empty history. */
  notice: string | null;
  /** The document chunks `workbench.rag` retrieved (the same for every column: one render), shown under each answer. */
  sources?: SourceRef[] | null;
  /** The rating widgets, blind mode and the pairwise bar (set only in what the webview gets; see src/host/ratings/compareRatings.ts). */
  ratings?: CompareRatingsState;
  /** Tool calls with a matching saved mock are answered without asking. */
  autoMocks?: boolean;
  /** The prompt offers tools (the panel shows the automatic-answers switch). */
  usesTools?: boolean;
}

export type HostToComparePanel =
  | { type: 'snapshot'; state: ComparePanelState }
  /** One column's whole state (a status, metrics or error change). */
  | { type: 'column'; state: CompareColumnState }
  /** Text appended per column; `length` is the column's output length after it, so a gap is detectable. */
  | { type: 'deltas'; items: { column: number; text: string; length: number }[] }
  /** The rating widgets' state changed (a rating recorded, blind names revealed). */
  | { type: 'ratings'; state: CompareRatingsState };

export type ComparePanelToHost =
  | { type: 'ready' }
  /** The webview found a gap in the deltas and asks for the whole state. */
  | { type: 'resync' }
  | { type: 'stop'; column: number }
  | { type: 'stopAll' }
  | { type: 'retry'; column: number }
  | { type: 'rerun' }
  /** Open the scoreboard on this comparison's prompt. */
  | { type: 'openScoreboard' }
  | { type: 'copy'; column: number }
  | { type: 'insert'; column: number }
  | { type: 'openDocument'; column: number }
  /** Open a source of the answers (a retrieved chunk) in the editor, its lines selected. */
  | OpenSourceMessage
  | CompareRatingToHost
  /** Tool calls answered, automatic mock answers, a reply sent to every column (toolProtocol.ts). */
  | ToolPanelMessage;
