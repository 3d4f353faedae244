import * as vscode from 'vscode';
import type { HostToLineage, LineageSnapshot, LineageToHost } from '../../shared/lineageProtocol';
import { loadEngine } from '../loadEngine';
import { versionDocumentUri } from '../versions/versionDocuments';
import { PanelShell } from '../webview/panelShell';
import { escapeHtml } from '../webview/webviewHtml';

export const LINEAGE_VIEW_TYPE = 'promptWorkbench.lineage';

function body(): string {
  const h = (id: string, title: string, extra = '') => `<h2>${escapeHtml(title)}${extra}</h2><ul id="${id}"></ul>`;
  return [
    `<h1 id="title"></h1>`,
    `<div id="problems" hidden></div>`,
    `<h2>${escapeHtml(vscode.l10n.t('Versions and their changes'))}</h2><div id="chain"></div>`,
    h('releases', vscode.l10n.t('Releases')),
    h('datasets', vscode.l10n.t('Dataset runs')),
    h('runs', vscode.l10n.t('Runs by model'), ' (<span id="runs-total"></span>)'),
    h('ratings', vscode.l10n.t('Ratings by rater'), ' (<span id="ratings-total"></span>)'),
  ].join('\n');
}

/**
 * The Lineage panel of a prompt version: one per version, opened from the Releases view (a
 * release's version) or the command with `{prompt, version}`. Read once when opened and again
 * when the records change; the webview only draws the snapshot, as text.
 */
export class LineagePanels implements vscode.Disposable {
  private readonly open = new Map<string, LineagePanel>();

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel) {}

  async show(folder: vscode.WorkspaceFolder, prompt: string, version: number): Promise<LineageSnapshot> {
    const key = `${folder.uri.toString()}|${prompt}|${version}`;
    let panel = this.open.get(key);
    if (!panel) {
      const webviewPanel = PanelShell.open(this.extensionUri, { viewType: LINEAGE_VIEW_TYPE, title: vscode.l10n.t('Lineage: {0} v{1}', prompt, version), preserveFocus: false });
      panel = new LineagePanel(webviewPanel, this.extensionUri, folder, prompt, version, this.log, () => this.open.delete(key));
      this.open.set(key, panel);
    } else {
      panel.shell.reveal(false);
    }
    return panel.refresh();
  }

  dispose(): void {
    for (const p of [...this.open.values()]) p.dispose();
  }
}

class LineagePanel implements vscode.Disposable {
  readonly shell: PanelShell<HostToLineage, LineageToHost>;
  private snapshot: LineageSnapshot | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly folder: vscode.WorkspaceFolder,
    private readonly prompt: string,
    private readonly version: number,
    private readonly log: vscode.LogOutputChannel,
    private readonly onDispose: () => void,
  ) {
    this.shell = new PanelShell(panel, extensionUri, { script: 'lineage.js', styles: ['lineage.css'], body: body() }, {
      sync: () => this.post(),
      receive: (m) => {
        if (m.type === 'openVersion' && Number.isInteger(m.version)) void this.openVersion(m.version);
      },
    });
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.prompt-workbench/**'));
    const changed = () => void this.refresh().catch((err: Error) => this.log.warn(`Lineage: ${err.message}`));
    this.shell.track(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), { dispose: () => this.dispose() });
  }

  async refresh(): Promise<LineageSnapshot> {
    const engine = await loadEngine();
    this.snapshot = await engine.buildLineage(this.folder.uri.fsPath, this.prompt, this.version);
    this.post();
    return this.snapshot;
  }

  private post(): void {
    if (this.snapshot) this.shell.post({ type: 'snapshot', state: this.snapshot });
  }

  private async openVersion(version: number): Promise<void> {
    const engine = await loadEngine();
    const store = new engine.VersionStore(this.folder.uri.fsPath);
    await vscode.window.showTextDocument(versionDocumentUri(this.folder.uri, store.snapshotPath(this.prompt, version)), { preview: true });
  }

  dispose(): void {
    this.onDispose();
    this.shell.dispose();
  }
}
