/**
 * The run panel's typed protocol, imported by the extension host (src/host/run/runPanel.ts)
 * and the webview (src/webview/run/main.ts). The webview says `ready` before the host posts
 * anything; a webview that was hidden gets a whole `snapshot`, never deltas it missed.
 */

import type { ColumnMetrics, ColumnState } from '../core/runs/column';
import type { InputField } from '../core/prompt/types';
import type { RatingInput, RunRatingState } from './ratingProtocol';
import type { OpenSourceMessage, SourceRef } from './sources';
import type { ToolPanelMessage } from './toolProtocol';

/** `needs-inputs`: required inputs have no value; nothing was sent, and the form names them. */
export type RunStatus = 'rendering' | 'streaming' | 'done' | 'failed' | 'cancelled' | 'needs-inputs';

/** One field of the inputs form (one per property of the prompt's `input.schema`), with what it holds. */
export interface InputFieldState extends InputField {
  /** What the field holds: `@path` stands for a file's text; empty means "use the default". */
  value: string;
}

/** The inputs form: from `input.default`, a saved sample set, or what is typed in. */
export interface InputsFormState {
  /** Bumped whenever the host changes the form; the webview redraws the form only then, keeping what is typed. */
  revision: number;
  fields: InputFieldState[];
  /** Names of the sets in `.prompt-workbench/samples/<name>.json`. */
  sampleSets: string[];
  selectedSet: string | null;
  /** Required inputs without a value, named before anything is sent. */
  missing: string[];
  /** A problem with the inputs (a file after @ that cannot be read, a samples file that is not JSON). */
  problem: string | null;
}

export type RunPanelMetrics = ColumnMetrics;

/** A run is a comparison of one: its answer is a column (src/core/runs/column.ts), with the run panel's statuses and form. */
export interface RunPanelState extends Omit<ColumnState, 'status' | 'column'> {
  /** Always 0 (absent in states saved before runs were columns). */
  column?: number;
  promptName: string;
  promptVersion: number;
  status: RunStatus;
  /** Said plainly when answers do not come from Amazon Bedrock itself (a local simulator, a custom endpoint). */
  endpointNotice: string | null;
  /** The inputs form; null for a panel restored from before it existed. */
  inputs?: InputsFormState | null;
  /** The prompt file the panel runs, so that a restored panel can run it again. */
  promptUri?: string;
  /** The document chunks `workbench.rag` retrieved for this run, shown under the answer. */
  sources?: SourceRef[] | null;
  /** The rating widget of the run shown (src/host/ratings/ratings.ts); absent until asked for. */
  ratings?: RunRatingState | null;
  /** Tool calls with a matching saved mock are answered without asking. */
  autoMocks?: boolean;
  /** The prompt offers tools (the panel shows the automatic-answers switch). */
  usesTools?: boolean;
}

export type HostToRunPanel =
  | { type: 'snapshot'; state: RunPanelState }
  /** Text appended to the output; `length` is the output's length after it, so a gap is detectable. */
  | { type: 'delta'; text: string; length: number }
  /** Sets one field of the form (a file picked with “File…”). */
  | { type: 'setField'; name: string; value: string };

export type RunPanelToHost =
  | { type: 'ready' }
  | { type: 'stop' }
  | { type: 'rerun' }
  /** Open the scoreboard on this panel's prompt. */
  | { type: 'openScoreboard' }
  /** The webview found a gap in the deltas and asks for the whole state. */
  | { type: 'resync' }
  /** Run the prompt (its current text) with the form's values. */
  | { type: 'run'; values: Record<string, string> }
  /** Fill the form from a sample set (null: from the defaults only). */
  | { type: 'selectSet'; name: string | null }
  /** Save the form's values as a sample set (the host asks for its name). */
  | { type: 'saveSet'; values: Record<string, string> }
  | { type: 'deleteSet'; name: string }
  /** Pick a file for a field; the host answers with `setField` (`@relative/path`). */
  | { type: 'pickFile'; name: string }
  /** Open a source of the answer (a retrieved chunk) in the editor, its lines selected. */
  | OpenSourceMessage
  /** Rate the run shown; the host answers with the state's `ratings`. */
  | { type: 'rate'; column: number; input: RatingInput }
  /** The widget's state for this run (criteria, ratings given before). */
  | { type: 'loadRating'; runId: string }
  /** Tool calls answered, automatic mock answers, a reply to the answer (toolProtocol.ts). */
  | ToolPanelMessage;
