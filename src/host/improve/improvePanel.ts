import * as vscode from 'vscode';
import type { HostToImprovePanel, ImprovePanelState, ImprovePanelToHost } from '../../shared/improvePanelProtocol';
import { PanelShell } from '../webview/panelShell';
import { escapeHtml } from '../webview/webviewHtml';

export const IMPROVE_PANEL_VIEW_TYPE = 'promptWorkbench.improve';

/** The Improve Prompt panel: whole snapshots only (on ready, when shown again, as the round moves). */
export class ImprovePanel implements vscode.Disposable {
  private readonly shell: PanelShell<HostToImprovePanel, ImprovePanelToHost>;
  private readonly messages = new vscode.EventEmitter<ImprovePanelToHost>();
  readonly onMessage = this.messages.event;

  static create(extensionUri: vscode.Uri, state: ImprovePanelState): ImprovePanel {
    return new ImprovePanel(PanelShell.open(extensionUri, { viewType: IMPROVE_PANEL_VIEW_TYPE, title: titleOf(state) }), extensionUri, state);
  }

  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private state: ImprovePanelState) {
    const body = `<div id="app" role="application" aria-label="${escapeHtml(vscode.l10n.t('Improve Prompt'))}"></div>`;
    this.shell = new PanelShell(panel, extensionUri, { script: 'improve.js', styles: ['improve.css'], body }, {
      sync: () => this.shell.post({ type: 'state', state: this.state }),
      receive: (message) => this.messages.fire(message),
    });
    this.shell.track(this.messages);
  }

  get onDidDispose(): vscode.Event<void> {
    return this.shell.onDidDispose;
  }

  get current(): ImprovePanelState {
    return this.state;
  }

  get isDisposed(): boolean {
    return this.shell.isDisposed;
  }

  setState(state: ImprovePanelState): void {
    this.state = state;
    this.shell.title = titleOf(state);
    this.shell.post({ type: 'state', state });
  }

  reveal(): void {
    this.shell.reveal();
  }

  dispose(): void {
    this.shell.dispose();
  }
}

function titleOf(state: ImprovePanelState): string {
  return vscode.l10n.t('Improve: {0}', state.promptName);
}
