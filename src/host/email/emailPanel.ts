import * as vscode from 'vscode';
import type { EmailPanelState, EmailPanelToHost, HostToEmailPanel } from '../../shared/emailPanelProtocol';
import { escapeHtml, webviewHtml } from '../webviewHtml';

export const EMAIL_PANEL_VIEW_TYPE = 'promptWorkbench.email';

/** The page, in the display language: static markup with escaped, translated texts. */
function body(): string {
  return `
<header>
  <h1>${escapeHtml(vscode.l10n.t('Summarize Email'))}</h1>
  <p id="status" role="status" aria-live="polite"></p>
  <ul id="facts" aria-label="${escapeHtml(vscode.l10n.t('What was sent'))}">
    <li data-fact="messages"><span class="label">${escapeHtml(vscode.l10n.t('Messages'))}</span> <span class="value">—</span></li>
    <li data-fact="tokensSaved"><span class="label">${escapeHtml(vscode.l10n.t('Tokens saved by the cleanup'))}</span> <span class="value">—</span></li>
    <li data-fact="redactions"><span class="label">${escapeHtml(vscode.l10n.t('Details masked'))}</span> <span class="value">—</span></li>
  </ul>
  <p id="masking-note"></p>
  <ul id="warnings" hidden></ul>
  <p id="guardrail" role="status" hidden></p>
  <p id="error" role="alert" hidden></p>
</header>
<details id="paste-panel">
  <summary>${escapeHtml(vscode.l10n.t('Paste a thread'))}</summary>
  <form id="paste-form">
    <label for="paste">${escapeHtml(vscode.l10n.t('The email thread (newest message first or last; quoted replies and signatures are removed before anything is sent)'))}</label>
    <textarea id="paste" rows="12" spellcheck="false"></textarea>
    <button id="summarize" class="primary" type="submit">${escapeHtml(vscode.l10n.t('Summarize'))}</button>
  </form>
</details>
<main>
  <section id="summary" aria-label="${escapeHtml(vscode.l10n.t('Summary'))}"></section>
  <section id="related-section" hidden>
    <h2>${escapeHtml(vscode.l10n.t('Related documents'))}</h2>
    <ul id="related"></ul>
  </section>
  <div class="toolbar" id="actions" hidden>
    <button id="compare" title="${escapeHtml(vscode.l10n.t('Run the same rendered prompt on the shortlisted models side by side'))}">${escapeHtml(vscode.l10n.t('Compare across models'))}</button>
    <span class="rating" aria-label="${escapeHtml(vscode.l10n.t('Rate this summary'))}">
      <button id="thumbs-up" data-thumbs="up" title="${escapeHtml(vscode.l10n.t('Good summary'))}" aria-pressed="false">👍</button>
      <button id="thumbs-down" data-thumbs="down" title="${escapeHtml(vscode.l10n.t('Poor summary'))}" aria-pressed="false">👎</button>
      <span id="stars" role="radiogroup" aria-label="${escapeHtml(vscode.l10n.t('Stars'))}"></span>
    </span>
  </div>
</main>`;
}

/** The Summarize Email panel: the host keeps the state and posts snapshots; see emailPanelProtocol.ts. */
export class EmailPanel implements vscode.Disposable {
  private ready = false;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly messageEmitter = new vscode.EventEmitter<EmailPanelToHost>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onMessage = this.messageEmitter.event;
  readonly onDidDispose = this.disposeEmitter.event;

  static create(extensionUri: vscode.Uri, state: EmailPanelState): EmailPanel {
    const panel = vscode.window.createWebviewPanel(EMAIL_PANEL_VIEW_TYPE, vscode.l10n.t('Email Summary'), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {});
    return new EmailPanel(panel, extensionUri, state);
  }

  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private state: EmailPanelState) {
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'prompt-workbench.svg');
    panel.webview.html = webviewHtml({ webview: panel.webview, extensionUri, title: panel.title, script: 'email.js', styles: ['email.css'], body: body() });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: EmailPanelToHost) => {
        if (message.type === 'ready') {
          this.ready = true;
          this.postSnapshot();
          return;
        }
        // What is typed in the paste box survives the panel being hidden or a failed summary.
        if (message.type === 'pasteChanged') this.state = { ...this.state, pasteText: message.text };
        this.messageEmitter.fire(message);
      }),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.postSnapshot();
      }),
      panel.onDidDispose(() => this.dispose()),
      this.messageEmitter,
    );
  }

  get current(): EmailPanelState {
    return this.state;
  }

  update(patch: Partial<EmailPanelState>): void {
    this.state = { ...this.state, ...patch };
    this.postSnapshot();
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  private postSnapshot(): void {
    if (!this.ready || !this.panel.visible) return;
    const message: HostToEmailPanel = { type: 'snapshot', state: this.state };
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
