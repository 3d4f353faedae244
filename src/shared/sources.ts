/**
 * A document chunk an answer was grounded in (a prompt's `workbench.rag`), as the run and
 * comparison panels show it under the answer. Clicking one asks the host to open the file there.
 */
export interface SourceRef {
  /** Workspace-relative, '/' separators. */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  score: number;
}

/** What a panel's webview posts when a source is clicked. */
export interface OpenSourceMessage {
  type: 'openSource';
  path: string;
  startLine: number;
  endLine: number;
}
