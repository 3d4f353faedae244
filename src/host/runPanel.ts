import * as vscode from 'vscode';
import type { HostToRunPanel, RunPanelState, RunPanelToHost } from '../shared/runPanelProtocol';

/** What the inputs form asks of the host: run with its values, pick or save a sample set, pick a file. */
export type RunPanelAction = Extract<RunPanelToHost, { type: 'run' | 'selectSet' | 'saveSet' | 'deleteSet' | 'pickFile' | 'rate' | 'loadRating' | 'openSource' }>;
import { escapeHtml, webviewHtml } from './webviewHtml';

export const RUN_PANEL_VIEW_TYPE = 'promptWorkbench.run';

/** The page, in the display language: static markup with escaped, translated texts. */
function body(): string {
  return `
<header>
  <div class="title-row">
    <h1 id="title"></h1>
    <span id="model"></span>
    <span id="status" role="status" aria-live="polite"></span>
  </div>
  <ul id="metrics" aria-label="${escapeHtml(vscode.l10n.t('Metrics'))}">
    <li data-metric="ttft"><span class="label">${escapeHtml(vscode.l10n.t('Time to first token'))}</span><span class="value">—</span></li>
    <li data-metric="latency"><span class="label">${escapeHtml(vscode.l10n.t('Total latency'))}</span><span class="value">—</span></li>
    <li data-metric="inputTokens"><span class="label">${escapeHtml(vscode.l10n.t('Input tokens'))}</span><span class="value">—</span></li>
    <li data-metric="outputTokens"><span class="label">${escapeHtml(vscode.l10n.t('Output tokens'))}</span><span class="value">—</span></li>
    <li data-metric="tokensPerSecond"><span class="label">${escapeHtml(vscode.l10n.t('Tokens/s'))}</span><span class="value">—</span></li>
    <li data-metric="cost"><span class="label">${escapeHtml(vscode.l10n.t('Cost'))}</span><span class="value">—</span></li>
  </ul>
  <div class="toolbar">
    <button id="stop" title="${escapeHtml(vscode.l10n.t('Stop (Esc)'))}">${escapeHtml(vscode.l10n.t('Stop'))}</button>
    <button id="rerun" class="primary" title="${escapeHtml(vscode.l10n.t('Run again with the same inputs'))}">${escapeHtml(vscode.l10n.t('Run again'))}</button>
    <button id="copy" title="${escapeHtml(vscode.l10n.t('Copy the answer'))}">${escapeHtml(vscode.l10n.t('Copy'))}</button>
  </div>
  <p id="endpoint-notice" hidden></p>
  <p id="error" role="alert" hidden></p>
</header>
<details id="inputs-panel">
  <summary><span class="summary-label">${escapeHtml(vscode.l10n.t('Inputs'))}</span> <span id="inputs-summary"></span></summary>
  <div class="inputs-bar">
    <label for="sample-set">${escapeHtml(vscode.l10n.t('Sample set'))}</label>
    <select id="sample-set"></select>
    <button id="save-set" type="button" title="${escapeHtml(vscode.l10n.t('Save these values as a named sample set of this prompt'))}">${escapeHtml(vscode.l10n.t('Save as Set…'))}</button>
    <button id="delete-set" type="button" title="${escapeHtml(vscode.l10n.t('Delete the selected sample set'))}">${escapeHtml(vscode.l10n.t('Delete Set'))}</button>
  </div>
  <form id="inputs-form" novalidate>
    <div id="input-fields"></div>
    <p id="inputs-message" role="alert" hidden></p>
    <button id="run" class="primary" type="submit" title="${escapeHtml(vscode.l10n.t('Run the prompt with these inputs (Ctrl+Enter)'))}">${escapeHtml(vscode.l10n.t('Run'))}</button>
  </form>
</details>
<main id="output" aria-live="polite"></main>`;
}

/**
 * One webview panel showing one prompt's run as it streams. The host keeps the whole state;
 * the webview gets a snapshot when it says `ready` or becomes visible again, and text deltas
 * in between while it is visible.
 */
export class RunPanel implements vscode.Disposable {
  private ready = false;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly onStopEmitter = new vscode.EventEmitter<void>();
  private readonly onRerunEmitter = new vscode.EventEmitter<void>();
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  private readonly onActionEmitter = new vscode.EventEmitter<RunPanelAction>();
  readonly onAction = this.onActionEmitter.event;
  readonly onStop = this.onStopEmitter.event;
  readonly onRerun = this.onRerunEmitter.event;
  readonly onDidDispose = this.onDisposeEmitter.event;

  static create(extensionUri: vscode.Uri, state: RunPanelState): RunPanel {
    const panel = vscode.window.createWebviewPanel(
      RUN_PANEL_VIEW_TYPE,
      vscode.l10n.t('Run: {0}', state.promptName),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] },
    );
    return new RunPanel(panel, extensionUri, state);
  }

  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private state: RunPanelState) {
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'prompt-workbench.svg');
    panel.webview.html = webviewHtml({
      webview: panel.webview,
      extensionUri,
      title: panel.title,
      script: 'run.js',
      styles: ['run.css', 'runInputs.css', 'ratings.css', 'sources.css'],
      body: body(),
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: RunPanelToHost) => this.onMessage(message)),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.postSnapshot();
      }),
      panel.onDidDispose(() => this.dispose()),
      this.onStopEmitter,
      this.onRerunEmitter,
      this.onActionEmitter,
    );
  }

  get current(): RunPanelState {
    return this.state;
  }

  /** Replaces the whole state (a new run, a status change, metrics) and shows it. */
  setState(state: RunPanelState): void {
    this.state = state;
    this.panel.title = vscode.l10n.t('Run: {0}', state.promptName);
    this.postSnapshot();
  }

  update(patch: Partial<RunPanelState>): void {
    this.setState({ ...this.state, ...patch });
  }

  appendText(text: string): void {
    this.state = { ...this.state, output: this.state.output + text };
    // A hidden webview drops messages: it gets a snapshot when it is shown again.
    if (this.ready && this.panel.visible) this.post({ type: 'delta', text, length: this.state.output.length });
  }

  /** Sets one field of the form without redrawing it (the rest of what is typed stays). */
  setField(name: string, value: string): void {
    if (this.ready) this.post({ type: 'setField', name, value });
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  private onMessage(message: RunPanelToHost): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.postSnapshot();
        break;
      case 'resync':
        this.postSnapshot();
        break;
      case 'stop':
        this.onStopEmitter.fire();
        break;
      case 'rerun':
        this.onRerunEmitter.fire();
        break;
      default:
        this.onActionEmitter.fire(message);
    }
  }

  private postSnapshot(): void {
    if (this.ready) this.post({ type: 'snapshot', state: this.state });
  }

  private post(message: HostToRunPanel): void {
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.onDisposeEmitter.fire();
    this.onDisposeEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
