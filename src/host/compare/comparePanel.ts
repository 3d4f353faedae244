import * as vscode from 'vscode';
import { DeltaBatcher } from '../../core/runs/deltaBatcher';
import type { CompareColumnState, ComparePanelState, ComparePanelToHost, HostToComparePanel } from '../../shared/comparePanelProtocol';
import type { ComparePanelView } from '../ratings/compareRatings';
import { escapeHtml, webviewHtml } from '../webviewHtml';

export const COMPARE_PANEL_VIEW_TYPE = 'promptWorkbench.compare';

/** The webview builds its own DOM (one column per model): the page holds only its mount points. */
/** The page, in the display language: static markup with escaped, translated texts. */
function body(): string {
  return `<div id="app" role="application" aria-label="${escapeHtml(vscode.l10n.t('Model comparison'))}"></div>`;
}

/**
 * One webview panel showing one comparison. The host keeps the whole state; the webview gets
 * a snapshot when it says `ready` or becomes visible again, whole columns when a column's
 * status changes, and coalesced text deltas in between while it is visible.
 */
export class ComparePanel implements vscode.Disposable {
  private ready = false;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly messages = new vscode.EventEmitter<ComparePanelToHost>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  /** What the webview asks for: stop, retry, copy… (`ready`/`resync` are handled here). */
  readonly onMessage = this.messages.event;
  readonly onDidDispose = this.disposeEmitter.event;
  private readonly batcher = new DeltaBatcher<number>((batch) => this.postDeltas(batch));

  static create(extensionUri: vscode.Uri, state: ComparePanelState, viewOf?: (panel: ComparePanel) => ComparePanelView): ComparePanel {
    const panel = vscode.window.createWebviewPanel(
      COMPARE_PANEL_VIEW_TYPE,
      titleOf(state),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: resourceRoots(extensionUri) },
    );
    return new ComparePanel(panel, extensionUri, state, viewOf);
  }

  /** Rewrites the traffic with the webview (ratings, blind mode: src/host/ratings/compareRatings.ts). */
  private readonly view: ComparePanelView | undefined;

  /** `viewOf`: what rewrites this panel's traffic with its webview (the ratings session), given the panel. */
  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private state: ComparePanelState, viewOf?: (panel: ComparePanel) => ComparePanelView) {
    this.view = viewOf?.(this);
    panel.webview.options = { enableScripts: true, localResourceRoots: resourceRoots(extensionUri) };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'prompt-workbench.svg');
    panel.title = titleOf(state);
    panel.webview.html = webviewHtml({
      webview: panel.webview,
      extensionUri,
      title: panel.title,
      script: 'compare.js',
      styles: ['compare.css', 'ratings.css', 'sources.css'],
      body: body(),
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: ComparePanelToHost) => this.receive(message)),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.postSnapshot();
      }),
      panel.onDidDispose(() => this.dispose()),
      this.messages,
    );
  }

  get current(): ComparePanelState {
    return this.state;
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  /** Replaces the whole state (a new comparison, one read back from the records). */
  setState(state: ComparePanelState): void {
    this.state = state;
    this.panel.title = titleOf(state);
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
    if (this.ready && this.panel.visible) this.post({ type: 'column', state: column });
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
    if (this.ready && this.panel.visible) this.batcher.push(index, text);
  }

  /** Posts a message beside the state (ratings) to a ready, visible webview; a snapshot repeats what matters. */
  postExtra(message: HostToComparePanel): void {
    if (this.ready && this.panel.visible) this.post(message);
  }

  /** Shows the whole state again (blind mode turned on or off reorders the columns). */
  resend(): void {
    this.postSnapshot();
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  private postDeltas(batch: Map<number, string>): void {
    if (!this.ready || !this.panel.visible) return;
    const items = [...batch].map(([column, text]) => ({ column, text, length: this.state.columns[column]?.output.length ?? 0 }));
    this.post({ type: 'deltas', items });
  }

  private receive(message: ComparePanelToHost): void {
    if (message.type === 'ready') {
      this.ready = true;
      this.postSnapshot();
    } else if (message.type === 'resync') {
      this.postSnapshot();
    } else {
      const mapped = this.view ? this.view.incoming(message) : message;
      if (mapped) this.messages.fire(mapped);
    }
  }

  private postSnapshot(): void {
    if (!this.ready) return;
    this.batcher.discard();
    this.post({ type: 'snapshot', state: this.state });
  }

  private post(message: HostToComparePanel): void {
    if (this.disposed) return;
    for (const m of this.view ? this.view.outgoing(message) : [message]) void this.panel.webview.postMessage(m);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.batcher.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function resourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')];
}

function titleOf(state: ComparePanelState): string {
  return vscode.l10n.t('Compare: {0}', state.promptName);
}
