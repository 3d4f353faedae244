import * as vscode from 'vscode';
import type { EmailPanelState, EmailPanelToHost, HostToEmailPanel } from '../../shared/emailPanelProtocol';
import { PanelShell } from '../webview/panelShell';
import { escapeHtml } from '../webview/webviewHtml';

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
  private readonly shell: PanelShell<HostToEmailPanel, EmailPanelToHost>;
  private readonly messageEmitter = new vscode.EventEmitter<EmailPanelToHost>();
  readonly onMessage = this.messageEmitter.event;

  static create(extensionUri: vscode.Uri, state: EmailPanelState): EmailPanel {
    const panel = PanelShell.open(extensionUri, { viewType: EMAIL_PANEL_VIEW_TYPE, title: vscode.l10n.t('Email Summary'), preserveFocus: false });
    return new EmailPanel(panel, extensionUri, state);
  }

  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private state: EmailPanelState) {
    this.shell = new PanelShell(panel, extensionUri, { script: 'email.js', styles: ['email.css'], body: body() }, {
      sync: () => this.postSnapshot(),
      receive: (message) => {
        // What is typed in the paste box survives the panel being hidden or a failed summary.
        if (message.type === 'pasteChanged') this.state = { ...this.state, pasteText: message.text };
        this.messageEmitter.fire(message);
      },
    });
    this.shell.track(this.messageEmitter);
  }

  get onDidDispose(): vscode.Event<void> {
    return this.shell.onDidDispose;
  }

  get current(): EmailPanelState {
    return this.state;
  }

  update(patch: Partial<EmailPanelState>): void {
    this.state = { ...this.state, ...patch };
    this.postSnapshot();
  }

  reveal(): void {
    this.shell.reveal(false);
  }

  private postSnapshot(): void {
    this.shell.post({ type: 'snapshot', state: this.state });
  }

  dispose(): void {
    this.shell.dispose();
  }
}
