import * as vscode from 'vscode';
import type { HostToRunPanel, RunPanelState, RunPanelToHost } from '../../shared/runPanelProtocol';
import { COMMAND } from '../commandIds';
import { PanelShell } from '../webview/panelShell';
import { escapeHtml } from '../webview/webviewHtml';

/** What the inputs form asks of the host: run with its values, pick or save a sample set, pick a file. */
export type RunPanelAction = Extract<
  RunPanelToHost,
  { type: 'run' | 'selectSet' | 'saveSet' | 'deleteSet' | 'pickFile' | 'rate' | 'loadRating' | 'openSource' | 'answerTool' | 'answerToolWithMock' | 'autoMocks' | 'reply' }
>;

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
    <button id="scoreboard" title="${escapeHtml(vscode.l10n.t('Open the scoreboard on this prompt'))}">${escapeHtml(vscode.l10n.t('Scoreboard'))}</button>
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
 * in between while it is visible (the shell: ./webview/panelShell.ts).
 */
export class RunPanel implements vscode.Disposable {
  private readonly shell: PanelShell<HostToRunPanel, RunPanelToHost>;
  private readonly onStopEmitter = new vscode.EventEmitter<void>();
  private readonly onRerunEmitter = new vscode.EventEmitter<void>();
  private readonly onActionEmitter = new vscode.EventEmitter<RunPanelAction>();
  readonly onAction = this.onActionEmitter.event;
  readonly onStop = this.onStopEmitter.event;
  readonly onRerun = this.onRerunEmitter.event;

  static create(extensionUri: vscode.Uri, state: RunPanelState): RunPanel {
    return new RunPanel(PanelShell.open(extensionUri, { viewType: RUN_PANEL_VIEW_TYPE, title: titleOf(state) }), extensionUri, state);
  }

  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private state: RunPanelState) {
    panel.title = titleOf(state);
    this.shell = new PanelShell(panel, extensionUri, { script: 'run.js', styles: ['run.css', 'runInputs.css', 'ratings.css', 'sources.css', 'conversation.css'], body: body() }, {
      sync: () => this.postSnapshot(),
      receive: (message) => {
        if (message.type === 'stop') this.onStopEmitter.fire();
        else if (message.type === 'rerun') this.onRerunEmitter.fire();
        else if (message.type === 'openScoreboard') void vscode.commands.executeCommand(COMMAND.openScoreboard, { prompt: this.state.promptName });
        else this.onActionEmitter.fire(message);
      },
    });
    this.shell.track(this.onStopEmitter, this.onRerunEmitter, this.onActionEmitter);
  }

  get onDidDispose(): vscode.Event<void> {
    return this.shell.onDidDispose;
  }

  get current(): RunPanelState {
    return this.state;
  }

  /** Replaces the whole state (a new run, a status change, metrics) and shows it. */
  setState(state: RunPanelState): void {
    this.state = state;
    this.shell.title = titleOf(state);
    this.postSnapshot();
  }

  update(patch: Partial<RunPanelState>): void {
    this.setState({ ...this.state, ...patch });
  }

  appendText(text: string): void {
    this.state = { ...this.state, output: this.state.output + text };
    // A hidden webview drops messages: it gets a snapshot when it is shown again.
    this.shell.post({ type: 'delta', text, length: this.state.output.length });
  }

  /** Sets one field of the form without redrawing it (the rest of what is typed stays). */
  setField(name: string, value: string): void {
    this.shell.post({ type: 'setField', name, value });
  }

  reveal(): void {
    this.shell.reveal();
  }

  private postSnapshot(): void {
    this.shell.post({ type: 'snapshot', state: this.state });
  }

  dispose(): void {
    this.shell.dispose();
  }
}

function titleOf(state: RunPanelState): string {
  return vscode.l10n.t('Run: {0}', state.promptName);
}
