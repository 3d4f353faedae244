import * as vscode from 'vscode';
import type { DatasetPanelState, DatasetPanelToHost, HostToDatasetPanel } from '../../shared/datasetPanelProtocol';
import { escapeHtml, webviewHtml } from '../webviewHtml';

export const DATASET_PANEL_VIEW_TYPE = 'promptWorkbench.dataset';

/** The page, in the display language: static markup with escaped, translated texts. */
function body(): string {
  return `<div id="app" role="application" aria-label="${escapeHtml(vscode.l10n.t('Dataset results'))}"></div>`;
}
/** While a run progresses the grid gets a snapshot at most this often. */
const SNAPSHOT_INTERVAL_MS = 150;

/**
 * The dataset results grid. The host keeps the whole state; the webview gets snapshots only:
 * on `ready`, when it is shown again, and throttled while cells finish (a hidden webview
 * drops messages, so it never relies on deltas).
 */
export class DatasetPanel implements vscode.Disposable {
  private ready = false;
  private disposed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly messages = new vscode.EventEmitter<DatasetPanelToHost>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onMessage = this.messages.event;
  readonly onDidDispose = this.disposeEmitter.event;

  static create(extensionUri: vscode.Uri, state: DatasetPanelState): DatasetPanel {
    const panel = vscode.window.createWebviewPanel(
      DATASET_PANEL_VIEW_TYPE,
      titleOf(state),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: resourceRoots(extensionUri) },
    );
    return new DatasetPanel(panel, extensionUri, state);
  }

  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private state: DatasetPanelState) {
    panel.webview.options = { enableScripts: true, localResourceRoots: resourceRoots(extensionUri) };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'prompt-workbench.svg');
    panel.title = titleOf(state);
    panel.webview.html = webviewHtml({ webview: panel.webview, extensionUri, title: panel.title, script: 'dataset.js', styles: ['dataset.css'], body: body() });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: DatasetPanelToHost) => {
        if (message?.type === 'ready') {
          this.ready = true;
          this.postNow();
        } else this.messages.fire(message);
      }),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.postNow();
      }),
      panel.onDidDispose(() => this.dispose()),
      this.messages,
    );
  }

  get current(): DatasetPanelState {
    return this.state;
  }

  /** Replaces the state; `immediate` posts at once (status changes), otherwise within the interval. */
  setState(state: DatasetPanelState, immediate = false): void {
    this.state = state;
    this.panel.title = titleOf(state);
    if (immediate) this.postNow();
    else this.timer ??= setTimeout(() => this.postNow(), SNAPSHOT_INTERVAL_MS);
  }

  update(patch: Partial<DatasetPanelState>, immediate = false): void {
    this.setState({ ...this.state, ...patch }, immediate);
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  private postNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.ready || this.disposed || !this.panel.visible) return;
    const message: HostToDatasetPanel = { type: 'state', state: this.state };
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function titleOf(state: DatasetPanelState): string {
  return vscode.l10n.t('Dataset: {0}', state.promptName);
}

function resourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')];
}
