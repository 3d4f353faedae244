import * as vscode from 'vscode';
import { blindLabel, positionsOf, shuffledOrder } from '../../core/ratings/blindOrder';
import type { RatingRecord } from '../../core/ratings/ratingRecord';
import type { RatingService, RunIdentity } from '../../core/ratings/ratingService';
import type { CompareColumnState, ComparePanelState, ComparePanelToHost, HostToComparePanel } from '../../shared/comparePanelProtocol';
import { EMPTY_OUTPUT_RATING, type CompareRatingsState, type CompareRatingToHost, type OutputRatingState, type RatingCriterion } from '../../shared/ratingProtocol';
import { loadEngine } from '../loadEngine';
import { criteriaOf } from './rubric';

/** What rewrites a comparison panel's traffic with the webview (given to ComparePanel's constructor). */
export interface ComparePanelView {
  /** The messages the webview may see instead of this one. */
  outgoing(message: HostToComparePanel): HostToComparePanel[];
  /** The message with the host's column numbers, or undefined when the view handled it. */
  incoming(message: ComparePanelToHost): ComparePanelToHost | undefined;
}

/** The part of ComparePanel a session needs. */
export interface RatedComparePanel {
  readonly current: ComparePanelState;
  /** Posts to a ready, visible webview (through `view`). */
  postExtra(message: HostToComparePanel): void;
  /** Posts the whole state again (through `view`). */
  resend(): void;
  readonly onDidDispose: vscode.Event<void>;
}

const isRatingMessage = (m: ComparePanelToHost): m is Extract<ComparePanelToHost, CompareRatingToHost> =>
  m.type === 'rate' || m.type === 'setBlind' || m.type === 'reveal' || m.type === 'pairwise';

/**
 * Ratings in one comparison panel, and blind mode. The host keeps the true state; when blind,
 * what the webview gets has its columns shuffled (`order[shown] = column`), model names shown
 * as "Model A…", run ids and costs removed, and the webview's column numbers are mapped back.
 * Every column with an answer rated overall (or "Reveal") reveals the names, in the same order.
 */
export class CompareRatingSession implements ComparePanelView {
  private comparisonId: string | null | undefined = undefined;
  private order: number[] = [];
  blind: boolean;
  revealed = false;
  private criteria: RatingCriterion[] = [{ name: 'overall', description: null }];
  /** By true column. */
  private ratings: OutputRatingState[] = [];
  private pairwise: CompareRatingsState['pairwise'] = null;
  private message: string | null = null;

  constructor(
    private readonly panel: RatedComparePanel,
    private readonly service: RatingService,
    blindByDefault: boolean,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.blind = blindByDefault;
  }

  get hidden(): boolean {
    return this.blind && !this.revealed;
  }

  /** The state as the webview gets it now (what a test can check for hidden names). */
  shownState(): ComparePanelState {
    this.sync(this.panel.current);
    return this.maskState(this.panel.current);
  }

  outgoing(message: HostToComparePanel): HostToComparePanel[] {
    switch (message.type) {
      case 'snapshot':
        this.sync(message.state);
        return [{ type: 'snapshot', state: this.maskState(message.state) }];
      case 'column': {
        const position = this.positionOf(message.state.column);
        return [{ type: 'column', state: this.maskColumn(message.state, position) }];
      }
      case 'deltas':
        // Hidden names are masked in the answers too, which changes their lengths: while hidden,
        // a streaming column goes as whole (masked) column states instead of deltas.
        if (this.hidden) {
          const columns = this.panel.current.columns;
          return message.items.filter((i) => columns[i.column]).map((i) => ({ type: 'column', state: this.maskColumn(columns[i.column], this.positionOf(i.column)) }));
        }
        return [{ type: 'deltas', items: message.items.map((i) => ({ ...i, column: this.positionOf(i.column) })) }];
      default:
        return [message];
    }
  }

  incoming(message: ComparePanelToHost): ComparePanelToHost | undefined {
    if (isRatingMessage(message)) {
      void this.handle(message).catch((err: Error) => this.fail(err));
      return undefined;
    }
    if ('column' in message && typeof message.column === 'number') return { ...message, column: this.columnAt(message.column) };
    return message;
  }

  /** Turns blind mode on (a new shuffle) or off, and shows the panel again. */
  setBlind(blind: boolean): void {
    this.sync(this.panel.current);
    this.blind = blind;
    this.revealed = false;
    this.order = blind ? shuffledOrder(this.panel.current.columns.length) : identity(this.panel.current.columns.length);
    this.message = blind ? vscode.l10n.t('Blind: names are hidden until every answer has an overall rating.') : null;
    this.panel.resend();
  }

  reveal(): void {
    if (!this.blind || this.revealed) return;
    this.revealed = true;
    this.message = vscode.l10n.t('Revealed: {0}', this.order.map((c, p) => `${blindLabel(p)} = ${this.panel.current.columns[c]?.model ?? '?'}`).join(', '));
    // Column by column, so the webview keeps its focus and order (a snapshot would rebuild it).
    for (const column of this.panel.current.columns) this.panel.postExtra({ type: 'column', state: column });
    this.postRatings();
  }

  /** Rates the column shown at `position` (what the command and the webview's keys do). */
  async rate(position: number, input: Extract<CompareRatingToHost, { type: 'rate' }>['input']): Promise<RatingRecord> {
    this.sync(this.panel.current);
    const column = this.columnAt(position);
    const c = this.panel.current.columns[column];
    const record = await this.service.rate(this.folder(), this.identityOf(c), input, this.hidden ? position : null);
    const state = (this.ratings[column] ??= { ...EMPTY_OUTPUT_RATING, stars: {}, tags: [] });
    if (record.kind === 'stars') state.stars[record.criterion] = record.value;
    else if (record.kind === 'thumbs') state.thumbs = record.value;
    if (record.kind !== 'pairwise') {
      state.comment = record.comment;
      state.tags = [...record.tags];
    }
    this.message = vscode.l10n.t('Recorded for {0}.', this.labelOf(position));
    if (this.hidden && this.everyAnswerRated()) this.reveal();
    else this.postRatings();
    return record;
  }

  /** A pairwise judgement between the columns shown at `a` and `b`. */
  async ratePair(a: number, b: number, value: 'A' | 'B' | 'tie'): Promise<RatingRecord> {
    if (a === b) throw new Error(vscode.l10n.t('Pick two different answers to compare.'));
    this.sync(this.panel.current);
    const ca = this.panel.current.columns[this.columnAt(a)];
    const cb = this.panel.current.columns[this.columnAt(b)];
    const record = await this.service.ratePair(this.folder(), this.identityOf(ca), this.identityOf(cb), value, this.hidden ? { A: a, B: b } : null);
    this.pairwise = { a, b, value };
    this.message = value === 'tie' ? vscode.l10n.t('Recorded: {0} and {1} tie.', this.labelOf(a), this.labelOf(b)) : vscode.l10n.t('Recorded: {0} is better.', this.labelOf(value === 'A' ? a : b));
    this.postRatings();
    return record;
  }

  private async handle(message: CompareRatingToHost): Promise<void> {
    switch (message.type) {
      case 'rate':
        await this.rate(message.column, message.input);
        break;
      case 'pairwise':
        await this.ratePair(message.a, message.b, message.value);
        break;
      case 'setBlind':
        this.setBlind(message.blind);
        break;
      case 'reveal':
        this.reveal();
        break;
    }
  }

  private fail(err: Error): void {
    this.log.warn(`Rating not recorded: ${err.message}`);
    this.message = err.message;
    this.postRatings();
    void vscode.window.showWarningMessage(err.message);
  }

  /** A new comparison in the panel (or a new column count): a new order and no ratings yet. */
  private sync(state: ComparePanelState): void {
    const count = state.columns.length;
    if (state.comparisonId === this.comparisonId && this.order.length === count) return;
    const sameComparison = state.comparisonId === this.comparisonId;
    this.comparisonId = state.comparisonId;
    this.order = this.blind ? shuffledOrder(count) : identity(count);
    if (!sameComparison) {
      this.revealed = false;
      this.ratings = [];
      this.pairwise = null;
      this.message = this.blind && count ? vscode.l10n.t('Blind: names are hidden until every answer has an overall rating.') : null;
      void this.loadExisting(state).catch((err: Error) => this.log.warn(`Could not read this comparison's ratings: ${err.message}`));
    }
  }

  /** The prompt's rubric, and the ratings already given to these runs (a reopened comparison). */
  private async loadExisting(state: ComparePanelState): Promise<void> {
    const folder = state.workspaceFolder ? vscode.Uri.parse(state.workspaceFolder) : undefined;
    if (folder && state.promptPath) {
      try {
        const text = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, ...state.promptPath.split('/')))).toString('utf8');
        this.criteria = criteriaOf((await loadEngine()).parsePromptSource(text).workbench);
      } catch {
        this.criteria = criteriaOf(undefined);
      }
    }
    if (folder) {
      const ratings = await Promise.all(state.columns.map((c) => (c.runId ? this.service.stateOf(folder.fsPath, c.runId) : undefined)));
      if (this.comparisonId !== state.comparisonId) return;
      ratings.forEach((r, i) => r && (this.ratings[i] = r));
    }
    this.postRatings();
  }

  private ratingsState(): CompareRatingsState {
    const count = this.panel.current.columns.length;
    return {
      criteria: this.criteria,
      columns: Array.from({ length: count }, (_, p) => this.ratings[this.columnAt(p)] ?? EMPTY_OUTPUT_RATING),
      blind: this.blind,
      revealed: this.revealed,
      labels: Array.from({ length: count }, (_, p) => this.labelOf(p)),
      pairwise: this.pairwise,
      message: this.message,
    };
  }

  private postRatings(): void {
    this.panel.postExtra({ type: 'ratings', state: this.ratingsState() });
  }

  private everyAnswerRated(): boolean {
    const answers = this.panel.current.columns.map((c, i) => ({ c, i })).filter(({ c }) => c.runId && c.output.length > 0);
    return answers.length > 0 && answers.every(({ i }) => this.ratings[i]?.stars.overall !== undefined || (this.ratings[i]?.thumbs ?? null) !== null);
  }

  private labelOf(position: number): string {
    return this.blind ? blindLabel(position) : String(position + 1);
  }

  private folder(): string {
    const folder = this.panel.current.workspaceFolder;
    if (!folder) throw new Error(vscode.l10n.t('Ratings are kept in a workspace folder’s .prompt-workbench/: open the folder of this prompt to rate.'));
    return vscode.Uri.parse(folder).fsPath;
  }

  /** The run a column shows, as the panel knows it (the comparison's prompt and the column's model). */
  private identityOf(c: CompareColumnState | undefined): RunIdentity {
    if (!c) throw new Error(vscode.l10n.t('That column is not in this comparison.'));
    if (!c.runId || c.status === 'streaming') throw new Error(vscode.l10n.t('This answer is not finished (or not recorded) yet: rate it when it is done.'));
    const s = this.panel.current;
    return { runId: c.runId, prompt: { name: s.promptName, version: s.promptVersion, contentHash: s.promptContentHash ?? null }, model: c.model, turn: c.conversation?.turn };
  }

  private columnAt(position: number): number {
    return this.order[position] ?? position;
  }

  private positionOf(column: number): number {
    const positions = positionsOf(this.order);
    return positions[column] ?? column;
  }

  private maskState(state: ComparePanelState): ComparePanelState {
    // An order of another length (never after sync) shows the columns as they are, masked all the same.
    const order = state.columns.length === this.order.length ? this.order : identity(state.columns.length);
    const columns = order.map((c, p) => this.maskColumn(state.columns[c], p));
    return { ...state, columns, ratings: this.ratingsState() };
  }

  private maskColumn(c: CompareColumnState, position: number): CompareColumnState {
    if (!c) return c;
    if (!this.hidden) return { ...c, column: position };
    const name = vscode.l10n.t('Model {0}', blindLabel(position));
    // The model's id said in an answer or an error (a model naming itself) is masked too.
    const hide = (text: string) => text.split(c.model).join(name).split(c.model.replace(/^[^/]+\//, '')).join(name);
    return {
      ...c,
      column: position,
      model: name,
      output: hide(c.output),
      runId: null,
      metrics: { ...c.metrics, costUsd: null },
      error: c.error ? { kind: c.error.kind, message: hide(c.error.message) } : null,
    };
  }
}

function identity(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
