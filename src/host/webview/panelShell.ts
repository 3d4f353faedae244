import * as vscode from 'vscode';
import { webviewHtml } from './webviewHtml';

/** What a panel's page is made of: its bundled script (dist/webview/), its styles (media/) and its static markup. */
export interface PanelPage {
  script: string;
  styles: string[];
  body: string;
}

/** What a panel does with its webview; the shell does the rest (handshake, visibility, dispose). */
export interface PanelHandlers<FromWebview extends { type: string }> {
  /**
   * The webview said `ready` (or `resync`), or was shown again: post what it must show. A hidden
   * webview drops messages, so this is the one moment a panel brings it up to date.
   */
  sync(reason: 'ready' | 'visible'): void;
  /** Every message but the handshake (`ready`, `resync`). */
  receive(message: Exclude<FromWebview, { type: 'ready' | 'resync' }>): void;
}

/** Where a new panel opens. */
export interface PanelPlacement {
  viewType: string;
  title: string;
  viewColumn?: vscode.ViewColumn;
  preserveFocus?: boolean;
}

/** The webview may run scripts and load files only from media/ and dist/webview/. */
function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
}

/**
 * One webview panel, typed by its protocol (in the spirit of GitLens's `WebviewController`): the
 * page with its CSP and resource roots, the `ready` handshake, posting only to a webview that is
 * ready and visible, a sync when it is shown again, and disposal. Every panel class (run, compare,
 * dataset, email, preview, scoreboard) keeps its state and logic and leaves these to the shell.
 */
export class PanelShell<ToWebview, FromWebview extends { type: string }> implements vscode.Disposable {
  private isReady = false;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  /** Opens a new webview panel (beside the editor, keeping the focus unless told). */
  static open(extensionUri: vscode.Uri, placement: PanelPlacement): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(
      placement.viewType,
      placement.title,
      { viewColumn: placement.viewColumn ?? vscode.ViewColumn.Beside, preserveFocus: placement.preserveFocus ?? true },
      webviewOptions(extensionUri),
    );
  }

  /** Takes over a panel (a new one, or one VS Code restores after a reload) and loads the page. */
  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    page: PanelPage,
    private readonly handlers: PanelHandlers<FromWebview>,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'prompt-workbench.svg');
    panel.webview.html = webviewHtml({ webview: panel.webview, extensionUri, title: panel.title, ...page });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: FromWebview) => this.receive(message)),
      panel.onDidChangeViewState(() => {
        if (panel.visible && this.isReady) handlers.sync('visible');
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** The webview said `ready` and the panel is shown: what is posted now arrives. */
  get live(): boolean {
    return this.isReady && this.panel.visible && !this.disposed;
  }

  get ready(): boolean {
    return this.isReady;
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  set title(title: string) {
    if (!this.disposed) this.panel.title = title;
  }

  /** Posts to a ready, visible webview; otherwise the next `sync` brings it up to date. */
  post(message: ToWebview): boolean {
    if (!this.live) return false;
    void this.panel.webview.postMessage(message);
    return true;
  }

  reveal(preserveFocus = true): void {
    if (!this.disposed) this.panel.reveal(undefined, preserveFocus);
  }

  /** Disposed with the panel. */
  track(...disposables: vscode.Disposable[]): void {
    this.disposables.push(...disposables);
  }

  private receive(message: FromWebview): void {
    if (!message || typeof message.type !== 'string') return;
    if (message.type === 'ready' || message.type === 'resync') {
      this.isReady = true;
      this.handlers.sync('ready');
      return;
    }
    this.handlers.receive(message as Exclude<FromWebview, { type: 'ready' | 'resync' }>);
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
