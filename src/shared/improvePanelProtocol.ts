/**
 * The Improve Prompt panel's messages, both ways. The host keeps the state (rounds of
 * candidates, their figures, formatted in the display language) and posts whole snapshots;
 * the webview shows them and asks to save a candidate or to improve again.
 */

/** A version's figures as shown (formatted on the host). */
export interface ImproveFiguresView {
  passRate: string;
  score: string;
  costPer1k: string;
  timePer1k: string;
  checked: number;
}

export interface ImproveDiffLine {
  kind: 'add' | 'del' | 'same';
  text: string;
}

/** A case that flipped, with both answers (model output: shown as text, never as HTML). */
export interface ImproveFlipView {
  caseId: string;
  model: string;
  before: string;
  after: string;
  failed: string[];
}

export interface ImproveCandidateView {
  index: number;
  /** 1 = the best of the round; null before it is scored or when it was rejected. */
  rank: number | null;
  reasoning: string;
  diff: ImproveDiffLine[];
  rejected: string[];
  notCarriedOver: string[];
  progress: string | null;
  figures: ImproveFiguresView | null;
  verdict: 'better' | 'worse' | 'no-better' | 'too-few' | null;
  summary: string | null;
  newlyPassing: ImproveFlipView[];
  newlyFailing: ImproveFlipView[];
}

export interface ImproveRoundView {
  round: number;
  /** `bedrock` or `failures`, as a label. */
  sourceLabel: string;
  version: number;
  status: 'running' | 'done' | 'failed';
  phase: string;
  analysis: string[];
  baseline: ImproveFiguresView | null;
  candidates: ImproveCandidateView[];
  /** Set once a candidate of the round was saved. */
  saved: string | null;
  error: string | null;
}

export interface ImprovePanelState {
  promptName: string;
  rounds: ImproveRoundView[];
}

export type HostToImprovePanel = { type: 'state'; state: ImprovePanelState };

export type ImprovePanelToHost = { type: 'ready' } | { type: 'resync' } | { type: 'save'; round: number; index: number } | { type: 'improveAgain' };
