import * as vscode from 'vscode';
import type { DatasetPanelState, DatasetPanelToHost, HostToDatasetPanel } from '../../shared/datasetPanelProtocol';
import { PanelShell } from '../webview/panelShell';
import { escapeHtml } from '../webview/webviewHtml';

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
 * drops messages, so it never relies on deltas). The shell: ../webview/panelShell.ts.
 */
export class DatasetPanel implements vscode.Disposable {
  private readonly shell: PanelShell<HostToDatasetPanel, DatasetPanelToHost>;
  private timer: NodeJS.Timeout | undefined;
  private readonly messages = new vscode.EventEmitter<DatasetPanelToHost>();
  readonly onMessage = this.messages.event;

  static create(extensionUri: vscode.Uri, state: DatasetPanelState): DatasetPanel {
    return new DatasetPanel(PanelShell.open(extensionUri, { viewType: DATASET_PANEL_VIEW_TYPE, title: titleOf(state) }), extensionUri, state);
  }

  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private state: DatasetPanelState) {
    panel.title = titleOf(state);
    this.shell = new PanelShell(panel, extensionUri, { script: 'dataset.js', styles: ['dataset.css'], body: body() }, {
      sync: () => this.postNow(),
      receive: (message) => this.messages.fire(message),
    });
    this.shell.track(this.messages, { dispose: () => clearTimeout(this.timer) });
  }

  get onDidDispose(): vscode.Event<void> {
    return this.shell.onDidDispose;
  }

  get current(): DatasetPanelState {
    return this.state;
  }

  /** Replaces the state; `immediate` posts at once (status changes), otherwise within the interval. */
  setState(state: DatasetPanelState, immediate = false): void {
    this.state = state;
    this.shell.title = titleOf(state);
    if (immediate) this.postNow();
    else this.timer ??= setTimeout(() => this.postNow(), SNAPSHOT_INTERVAL_MS);
  }

  update(patch: Partial<DatasetPanelState>, immediate = false): void {
    this.setState({ ...this.state, ...patch }, immediate);
  }

  reveal(): void {
    this.shell.reveal();
  }

  private postNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.shell.post({ type: 'state', state: this.state });
  }

  dispose(): void {
    this.shell.dispose();
  }
}

function titleOf(state: DatasetPanelState): string {
  return vscode.l10n.t('Dataset: {0}', state.promptName);
}
