import * as vscode from 'vscode';
import { DeltaBatcher } from '../../core/runs/deltaBatcher';
import type { CompareColumnState, ComparePanelState, ComparePanelToHost, HostToComparePanel } from '../../shared/comparePanelProtocol';
import type { ComparePanelView } from '../ratings/compareRatings';
import { COMMAND } from '../commandIds';
import { PanelShell } from '../webview/panelShell';
import { escapeHtml } from '../webview/webviewHtml';

export const COMPARE_PANEL_VIEW_TYPE = 'promptWorkbench.compare';

/** The webview builds its own DOM (one column per model): the page holds only its mount points.
 * The page, in the display language: static markup with escaped, translated texts. */
function body(): string {
  return `<div id="app" role="application" aria-label="${escapeHtml(vscode.l10n.t('Model comparison'))}"></div>`;
}

/**
 * One webview panel showing one comparison. The host keeps the whole state; the webview gets
 * a snapshot when it says `ready` or becomes visible again, whole columns when a column's
 * status changes, and coalesced text deltas in between while it is visible (the shell:
 * ../webview/panelShell.ts).
 */
export class ComparePanel implements vscode.Disposable {
  private readonly shell: PanelShell<HostToComparePanel, ComparePanelToHost>;
  private readonly messages = new vscode.EventEmitter<ComparePanelToHost>();
  /** What the webview asks for: stop, retry, copy… (`ready`/`resync` are handled by the shell). */
  readonly onMessage = this.messages.event;
  private readonly batcher = new DeltaBatcher<number>((batch) => this.postDeltas(batch));

  static create(extensionUri: vscode.Uri, state: ComparePanelState, viewOf?: (panel: ComparePanel) => ComparePanelView): ComparePanel {
    return new ComparePanel(PanelShell.open(extensionUri, { viewType: COMPARE_PANEL_VIEW_TYPE, title: titleOf(state) }), extensionUri, state, viewOf);
  }

  /** Rewrites the traffic with the webview (ratings, blind mode: src/host/ratings/compareRatings.ts). */
  private readonly view: ComparePanelView | undefined;

  /** `viewOf`: what rewrites this panel's traffic with its webview (the ratings session), given the panel. */
  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private state: ComparePanelState, viewOf?: (panel: ComparePanel) => ComparePanelView) {
    panel.title = titleOf(state);
    this.shell = new PanelShell(panel, extensionUri, { script: 'compare.js', styles: ['compare.css', 'ratings.css', 'sources.css', 'conversation.css'], body: body() }, {
      sync: () => this.postSnapshot(),
      receive: (message) => {
        if (message.type === 'openScoreboard') {
          void vscode.commands.executeCommand(COMMAND.openScoreboard, { prompt: this.state.promptName });
          return;
        }
        const mapped = this.view ? this.view.incoming(message) : message;
        if (mapped) this.messages.fire(mapped);
      },
    });
    this.shell.track(this.messages, { dispose: () => this.batcher.dispose() });
    // After the shell: the ratings session listens to this panel's events.
    this.view = viewOf?.(this);
  }

  get onDidDispose(): vscode.Event<void> {
    return this.shell.onDidDispose;
  }

  get current(): ComparePanelState {
    return this.state;
  }

  get visible(): boolean {
    return this.shell.visible;
  }

  /** Replaces the whole state (a new comparison, one read back from the records). */
  setState(state: ComparePanelState): void {
    this.state = state;
    this.shell.title = titleOf(state);
    this.batcher.discard();
    this.postSnapshot();
  }

  /** Replaces one column's state (start, end, metrics); pending text of that column is in it. */
  setColumn(column: CompareColumnState): void {
    const columns = this.state.columns.slice();
    columns[column.column] = column;
    this.state = { ...this.state, columns };
    this.batcher.discard(column.column);
    // Deltas of other columns that are still pending must not arrive after this message out of order.
    this.batcher.flush();
    this.post({ type: 'column', state: column });
  }

  updateColumn(index: number, patch: Partial<CompareColumnState>): void {
    const previous = this.state.columns[index];
    if (previous) this.setColumn({ ...previous, ...patch, column: index });
  }

  appendText(index: number, text: string): void {
    const previous = this.state.columns[index];
    if (!previous || !text) return;
    const columns = this.state.columns.slice();
    columns[index] = { ...previous, output: previous.output + text };
    this.state = { ...this.state, columns };
    // A hidden webview drops messages: it gets a snapshot when it is shown again.
    if (this.shell.live) this.batcher.push(index, text);
  }

  /** Posts a message beside the state (ratings) to a ready, visible webview; a snapshot repeats what matters. */
  postExtra(message: HostToComparePanel): void {
    this.post(message);
  }

  /** Shows the whole state again (blind mode turned on or off reorders the columns). */
  resend(): void {
    this.postSnapshot();
  }

  reveal(): void {
    this.shell.reveal();
  }

  private postDeltas(batch: Map<number, string>): void {
    const items = [...batch].map(([column, text]) => ({ column, text, length: this.state.columns[column]?.output.length ?? 0 }));
    this.post({ type: 'deltas', items });
  }

  private postSnapshot(): void {
    this.batcher.discard();
    this.post({ type: 'snapshot', state: this.state });
  }

  private post(message: HostToComparePanel): void {
    for (const m of this.view ? this.view.outgoing(message) : [message]) this.shell.post(m);
  }

  dispose(): void {
    this.shell.dispose();
  }
}

function titleOf(state: ComparePanelState): string {
  return vscode.l10n.t('Compare: {0}', state.promptName);
}
