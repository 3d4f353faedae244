import * as vscode from 'vscode';
import type { Release, ReleaseState } from '../../core/releases/releaseRecord';
import { formatMs, formatUsd } from '../../core/format/units';
import { loadEngine } from '../loadEngine';

export const RELEASES_VIEW_ID = 'promptWorkbench.releases';

export interface ReleasePromptNode {
  kind: 'releasePrompt';
  id: string;
  name: string;
  children: ReleaseNode[];
}

export interface ReleaseNode {
  kind: 'release';
  id: string;
  folder: vscode.WorkspaceFolder;
  release: Release;
  parent: ReleasePromptNode;
}

export type ReleasesNode = ReleasePromptNode | ReleaseNode;

const STATE_ICON: Record<ReleaseState, string> = { approved: 'pass', published: 'cloud-upload', superseded: 'history', 'rolled-back': 'discard' };

export function stateLabel(state: ReleaseState): string {
  switch (state) {
    case 'approved':
      return vscode.l10n.t('approved');
    case 'published':
      return vscode.l10n.t('published');
    case 'superseded':
      return vscode.l10n.t('superseded');
    default:
      return vscode.l10n.t('rolled back');
  }
}

/**
 * The Releases view: per prompt, its releases newest first with their state (approved,
 * published, superseded, rolled back); the context menu rolls back, publishes, verifies and
 * opens the lineage. Read from every folder's `.prompt-workbench/releases.jsonl` when shown and
 * again when the file changes.
 */
export class ReleasesTreeProvider implements vscode.TreeDataProvider<ReleasesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ReleasesNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: Promise<ReleasePromptNode[]> | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  refresh(): void {
    this.roots = undefined;
    this.changed.fire(undefined);
  }

  nodes(fresh = false): Promise<ReleasePromptNode[]> {
    if (fresh) this.refresh();
    this.roots ??= this.load().catch((err: Error) => {
      this.log.error(`Could not list releases: ${err.stack ?? err.message}`);
      this.roots = undefined;
      return [];
    });
    return this.roots;
  }

  /** The node of a release id (for commands given an id). */
  async find(releaseId: string): Promise<ReleaseNode | undefined> {
    for (const p of await this.nodes()) for (const r of p.children) if (r.release.id === releaseId) return r;
    return undefined;
  }

  async getChildren(node?: ReleasesNode): Promise<ReleasesNode[]> {
    if (!node) return this.nodes();
    return node.kind === 'releasePrompt' ? node.children : [];
  }

  getParent(node: ReleasesNode): ReleasesNode | undefined {
    return node.kind === 'release' ? node.parent : undefined;
  }

  getTreeItem(node: ReleasesNode): vscode.TreeItem {
    if (node.kind === 'releasePrompt') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.id;
      const live = node.children.find((c) => c.release.state === 'published') ?? node.children.find((c) => c.release.state === 'approved');
      item.description = live ? vscode.l10n.t('live: v{0} on {1}', live.release.prompt.version, live.release.model) : vscode.l10n.t('nothing live');
      item.contextValue = 'releasePrompt';
      item.iconPath = new vscode.ThemeIcon('rocket');
      return item;
    }
    const r = node.release;
    const item = new vscode.TreeItem(`v${r.prompt.version} · ${r.model}`, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = `${stateLabel(r.state)} · ${r.ts.slice(0, 10)} · ${r.by}`;
    item.contextValue = `release.${r.state}`;
    item.iconPath = new vscode.ThemeIcon(STATE_ICON[r.state]);
    item.tooltip = tooltipOf(r);
    return item;
  }

  private async load(): Promise<ReleasePromptNode[]> {
    const engine = await loadEngine();
    const byName = new Map<string, ReleasePromptNode>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const { releases, problems } = await engine.readReleases(folder.uri.fsPath);
      for (const p of problems.slice(0, 3)) this.log.warn(`Releases: ${folder.name}/.prompt-workbench/releases.jsonl${p.line ? `:${p.line}` : ''}: skipped: ${p.message}`);
      for (const [name, list] of engine.releasesByPrompt(releases)) {
        let prompt = byName.get(name);
        if (!prompt) byName.set(name, (prompt = { kind: 'releasePrompt', id: `releases:${name}`, name, children: [] }));
        for (const release of list) prompt.children.push({ kind: 'release', id: `release:${folder.uri.toString()}:${release.id}`, folder, release, parent: prompt });
      }
    }
    return [...byName.values()];
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function tooltipOf(r: Release): vscode.MarkdownString {
  const e = r.evidence;
  const lines = [
    `**${r.prompt.name} v${r.prompt.version}** → \`${r.model}\` — ${stateLabel(r.state)}`,
    '',
    `${vscode.l10n.t('Approved by {0} on {1}', r.by, r.ts.slice(0, 16).replace('T', ' '))}: ${r.note}`,
    '',
    `${vscode.l10n.t('Content hash')}: \`${r.prompt.contentHash}\``,
    '',
    vscode.l10n.t('Evidence: {0} runs, {1} ratings', e.runs, e.ratings) +
      (e.meanStars !== undefined ? ` · ★ ${e.meanStars.toFixed(2)}${e.starsInterval ? ` [${e.starsInterval[0].toFixed(2)}–${e.starsInterval[1].toFixed(2)}]` : ''}` : '') +
      (e.passRate !== undefined ? ` · ${vscode.l10n.t('checks')} ${Math.round(e.passRate * 100)}%` : '') +
      (e.latencyP50Ms !== undefined ? ` · p50 ${formatMs(e.latencyP50Ms)}` : '') +
      (e.costPer1kUsd !== undefined ? ` · ${formatUsd(e.costPer1kUsd)}/1k` : ''),
  ];
  if (r.published) lines.push('', `${vscode.l10n.t('Published as')} \`${r.published.promptArn}:${r.published.promptVersion}\``);
  const markdown = new vscode.MarkdownString(lines.join('\n'));
  markdown.supportHtml = false;
  return markdown;
}
