/**
 * The Summarize Email panel's typed protocol, imported by the host (src/host/email/emailPanel.ts)
 * and the webview (src/webview/email/main.ts). The webview says `ready` first; the host only
 * ever posts whole snapshots (the panel has no streaming deltas to miss).
 */

export type EmailPanelStatus = 'idle' | 'working' | 'done' | 'failed';
export type EmailSource = 'selection' | 'editor' | 'clipboard' | 'paste';

export interface EmailRelatedDocument {
  path: string;
  startLine: number;
  endLine: number;
  heading: string | null;
  score: number;
}

/** The JSON of `email-summary-json.prompt`, with masked details restored for display. */
export interface EmailStructuredSummary {
  tldr: string;
  decisions: string[];
  actionItems: { task: string; owner: string; due: string }[];
  openQuestions: string[];
}

export interface EmailPanelState {
  status: EmailPanelStatus;
  /** What the panel is doing, in words ("Parsing…", "Summarizing with …"). */
  progress: string | null;
  source: EmailSource | null;
  sourceLabel: string | null;
  /** The paste box's text: kept through errors so nothing pasted is lost. */
  pasteText: string;
  messages: number;
  tokens: { original: number; cleaned: number; saved: number } | null;
  /** Distinct values masked, and spans replaced in all. */
  redactions: { distinct: number; occurrences: number; byKind: Record<string, number> };
  masked: boolean;
  warnings: string[];
  promptName: string | null;
  promptVersion: number | null;
  model: string | null;
  runId: string | null;
  /** The summary as Markdown, masked details restored (display only). */
  output: string;
  structured: EmailStructuredSummary | null;
  guardrail: { id: string; intervened: boolean; stage?: 'input' | 'output'; reasons: string[] } | null;
  related: EmailRelatedDocument[];
  error: string | null;
  rating: { thumbs: 'up' | 'down' | null; stars: number | null };
}

export type EmailPanelToHost =
  | { type: 'ready' }
  | { type: 'summarize'; text: string }
  | { type: 'pasteChanged'; text: string }
  | { type: 'compare' }
  | { type: 'openDocument'; index: number }
  | { type: 'rate'; kind: 'thumbs'; value: 'up' | 'down' }
  | { type: 'rate'; kind: 'stars'; value: 1 | 2 | 3 | 4 | 5 };

export type HostToEmailPanel = { type: 'snapshot'; state: EmailPanelState };

/**
 * A panel state saved by the webview, brought back after a window reload: whatever does not
 * fit is left at its empty value; a summary still being made when the window went away is
 * shown as stopped.
 */
export function restoredEmailState(saved: unknown, stopped: string): EmailPanelState {
  const empty = emptyEmailState();
  const s = (saved && typeof saved === 'object' ? (saved as { state?: unknown }).state : undefined) as Partial<EmailPanelState> | undefined;
  const pasteText = saved && typeof saved === 'object' ? (saved as { pasteText?: unknown }).pasteText : undefined;
  if (!s || typeof s !== 'object') return { ...empty, pasteText: typeof pasteText === 'string' ? pasteText : '' };
  const merged = { ...empty } as Record<string, unknown>;
  for (const key of Object.keys(empty) as (keyof EmailPanelState)[]) {
    const value = s[key];
    const base = empty[key];
    // The same kind of value as the empty state's (null accepts anything but undefined).
    if (value !== undefined && (base === null || typeof value === typeof base) && Array.isArray(value) === Array.isArray(base)) merged[key] = value;
  }
  const state = merged as unknown as EmailPanelState;
  if (typeof pasteText === 'string') state.pasteText = pasteText;
  if (!['idle', 'working', 'done', 'failed'].includes(state.status)) state.status = 'idle';
  if (state.status === 'working') return { ...state, status: 'failed', progress: null, error: stopped };
  return state;
}

export function emptyEmailState(): EmailPanelState {
  return {
    status: 'idle',
    progress: null,
    source: null,
    sourceLabel: null,
    pasteText: '',
    messages: 0,
    tokens: null,
    redactions: { distinct: 0, occurrences: 0, byKind: {} },
    masked: false,
    warnings: [],
    promptName: null,
    promptVersion: null,
    model: null,
    runId: null,
    output: '',
    structured: null,
    guardrail: null,
    related: [],
    error: null,
    rating: { thumbs: null, stars: null },
  };
}
