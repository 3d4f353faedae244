import * as vscode from 'vscode';
import type { RenderedPrompt } from '../../core/prompt/renderPrompt';
import type { RatingRecord } from '../../core/ratings/ratingRecord';
import { RatingService } from '../../core/ratings/ratingService';
import type { RatingInput, RunRatingState } from '../../shared/ratingProtocol';
import type { RunPanelState } from '../../shared/runPanelProtocol';
import { loadEngine } from '../loadEngine';
import { CompareRatingSession, type RatedComparePanel } from './compareRatings';
import { raterName } from './raterName';
import { criteriaOf } from './rubric';

/** The part of RunPanel rating needs. */
export interface RatedRunPanel {
  readonly current: RunPanelState;
  update(patch: Partial<RunPanelState>): void;
}

/** A run panel's rating messages (see RunPanelToHost). */
export type RunPanelRatingMessage = { type: 'rate'; column: number; input: RatingInput } | { type: 'loadRating'; runId: string };

/**
 * Rating where the output is, for the whole window: the one core RatingService (every rating
 * is written there), a session per comparison panel (blind mode, pairwise), and the run
 * panels' widget. Built once in WorkbenchServices.
 */
export class Ratings implements vscode.Disposable {
  readonly service: RatingService;
  private readonly sessions = new Set<CompareRatingSession>();
  private lastSession: CompareRatingSession | undefined;
  /** Run panels by prompt file, for the `rateOutput` command. */
  private readonly runPanels = new Map<string, { panel: RatedRunPanel; uri: vscode.Uri; rendered: () => RenderedPrompt | undefined }>();

  constructor(private readonly log: vscode.LogOutputChannel, private readonly blindByDefault: () => boolean) {
    this.service = new RatingService({ rater: raterName, log });
  }

  /** Called for every comparison panel (new, reopened, restored): ratings and blind mode in it. */
  attachComparePanel(panel: RatedComparePanel): CompareRatingSession {
    const session = new CompareRatingSession(panel, this.service, this.blindByDefault(), this.log);
    this.sessions.add(session);
    this.lastSession = session;
    panel.onDidDispose(() => {
      this.sessions.delete(session);
      if (this.lastSession === session) this.lastSession = [...this.sessions].pop();
    });
    return session;
  }

  /** The session of a comparison by id, else the most recently opened one. */
  compareSession(comparisonId?: string): CompareRatingSession | undefined {
    if (comparisonId) return [...this.sessions].find((s) => s.shownState().comparisonId === comparisonId);
    return this.lastSession;
  }

  /** What a run panel asks about ratings: its widget's state, or a rating. */
  async onRunPanelMessage(panel: RatedRunPanel, uri: vscode.Uri, rendered: RenderedPrompt | undefined, message: RunPanelRatingMessage): Promise<RatingRecord | undefined> {
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    const runId = message.type === 'loadRating' ? message.runId : panel.current.runId;
    if (!runId) return undefined;
    const criteria = await this.criteriaFor(uri);
    if (!folder) {
      panel.update({ ratings: { runId, criteria, rating: { stars: {}, thumbs: null, comment: '', tags: [] }, message: vscode.l10n.t('Ratings are kept in a workspace folder: open this prompt’s folder to rate.') } });
      return undefined;
    }
    if (message.type === 'loadRating') {
      panel.update({ ratings: { runId, criteria, rating: await this.service.stateOf(folder, runId), message: null } });
      return undefined;
    }
    const s = panel.current;
    // The panel knows what it ran; the content hash is the rendered prompt's when it is that run's.
    const hash = rendered && rendered.name === s.promptName && rendered.version === s.promptVersion ? rendered.contentHash : null;
    try {
      const record = await this.service.rate(folder, { runId, prompt: { name: s.promptName, version: s.promptVersion, contentHash: hash }, model: s.model, turn: s.conversation?.turn }, message.input);
      const state: RunRatingState = { runId, criteria, rating: await this.service.stateOf(folder, runId), message: vscode.l10n.t('Recorded.') };
      if (panel.current.runId === runId) panel.update({ ratings: state });
      return record;
    } catch (err) {
      const text = (err as Error).message;
      this.log.warn(`Rating not recorded: ${text}`);
      if (panel.current.runId === runId) panel.update({ ratings: { runId, criteria, rating: await this.service.stateOf(folder, runId), message: text } });
      throw err;
    }
  }

  /** The run panel of a prompt file, once it has shown a rating widget. */
  runPanelOf(uri: vscode.Uri): { panel: RatedRunPanel; uri: vscode.Uri; rendered: () => RenderedPrompt | undefined } | undefined {
    return this.runPanels.get(uri.toString());
  }

  /** Remembers a run panel so the `rateOutput` command can rate what it shows. */
  trackRunPanel(uri: vscode.Uri, panel: RatedRunPanel, rendered: () => RenderedPrompt | undefined, onDispose: vscode.Event<void>): void {
    const key = uri.toString();
    const entry = { panel, uri, rendered };
    this.runPanels.set(key, entry);
    onDispose(() => {
      if (this.runPanels.get(key) === entry) this.runPanels.delete(key);
    });
  }

  private async criteriaFor(uri: vscode.Uri) {
    try {
      const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
      return criteriaOf((await loadEngine()).parsePromptSource(text).workbench);
    } catch {
      return criteriaOf(undefined);
    }
  }

  dispose(): void {
    this.service.dispose();
  }
}
