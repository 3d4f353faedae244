/**
 * The prompt preview's typed protocol, imported by the extension host
 * (src/host/preview/previewPanel.ts) and the webview (src/webview/preview/main.ts). The
 * webview says `ready` first; the host then sends whole snapshots, never deltas.
 */

export interface PreviewMessagePart {
  kind: 'text' | 'media' | 'other';
  /** The text; for media, its URL and content type; otherwise the part as JSON. */
  text: string;
}

export interface PreviewMessage {
  role: string;
  parts: PreviewMessagePart[];
}

export interface PreviewState {
  promptName: string;
  promptVersion: number | null;
  contentHash: string | null;
  /** The model a run would call (the prompt's own, else the one picked in the status bar or settings). */
  model: string | null;
  config: Record<string, unknown>;
  /** The messages exactly as they would be sent; a `system` one is the system prompt. */
  messages: PreviewMessage[];
  /** Required inputs without a value: rendered as empty here, and a run would stop to ask. */
  missingInputs: string[];
  /** Where the inputs come from, in words. */
  inputsFrom: string;
  sampleSets: string[];
  selectedSet: string | null;
  /** Why the prompt cannot be rendered, with the line, when it cannot. */
  error: string | null;
  /** A problem with the inputs (an @file that cannot be read). */
  inputsProblem: string | null;
  updatedAt: number;
}

export type HostToPreview = { type: 'snapshot'; state: PreviewState };

export type PreviewToHost =
  | { type: 'ready' }
  /** Use a sample set's values (null: the defaults only), in the run panel too. */
  | { type: 'selectSet'; name: string | null };
