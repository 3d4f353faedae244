import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PromptHistory, VersionEntry } from '../../core/versions/promptVersions';
import { COMMAND } from '../commandIds';
import { loadEngine } from '../loadEngine';
import { entryUri, type VersionWorkspaces } from './versionDocuments';

export const VERSIONS_VIEW_ID = 'promptWorkbench.versions';

export interface PromptNode {
  kind: 'prompt';
  id: string;
  folder: vscode.WorkspaceFolder;
  history: PromptHistory;
  children: VersionNode[];
}

export interface VersionNode {
  kind: 'version';
  id: string;
  folder: vscode.WorkspaceFolder;
  history: PromptHistory;
  entry: VersionEntry;
  parent: PromptNode;
}

export type VersionsNode = PromptNode | VersionNode;

const PROMPT_FILES_EXCLUDE = '{**/node_modules/**,**/.prompt-workbench/**,**/.git/**}';
const MAX_PROMPT_FILES = 5000;

/**
 * The Prompt Versions view: each prompt (by name), then its versions, newest first: the working
 * file, then the kept `v<N>.prompt` files, with date, changelog and, once ratings exist, the
 * mean of the overall stars. Read on first show and again when refreshed.
 */
export class VersionsTreeProvider implements vscode.TreeDataProvider<VersionsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<VersionsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: Promise<PromptNode[]> | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly workspaces: VersionWorkspaces, private readonly log: vscode.LogOutputChannel) {}

  refresh(): void {
    this.roots = undefined;
    this.changed.fire(undefined);
  }

  /** Refreshes once a burst of file changes is over. */
  scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh();
    }, 300);
  }

  /** The prompts and their versions, as the view shows them (read once per refresh). */
  nodes(fresh = false): Promise<PromptNode[]> {
    if (fresh) this.refresh();
    this.roots ??= this.load().catch((err: Error) => {
      this.log.error(`Could not list prompt versions: ${err.stack ?? err.message}`);
      this.roots = undefined;
      return [];
    });
    return this.roots;
  }

  async getChildren(node?: VersionsNode): Promise<VersionsNode[]> {
    if (!node) return this.nodes();
    return node.kind === 'prompt' ? node.children : [];
  }

  getParent(node: VersionsNode): VersionsNode | undefined {
    return node.kind === 'version' ? node.parent : undefined;
  }

  getTreeItem(node: VersionsNode): vscode.TreeItem {
    if (node.kind === 'prompt') {
      const item = new vscode.TreeItem(node.history.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.id;
      const kept = node.children.filter((child) => child.entry.kind === 'saved').length;
      item.description = vscode.l10n.t('{0} kept', kept);
      item.contextValue = 'promptVersions.prompt';
      item.iconPath = new vscode.ThemeIcon('symbol-file');
      item.tooltip = vscode.l10n.t('Versions kept in .prompt-workbench/versions/{0}/', node.history.folderName);
      return item;
    }
    const { entry } = node;
    const item = new vscode.TreeItem(`v${entry.version}`, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = describeEntry(entry, node.history, node.folder);
    item.tooltip = tooltipOf(entry, node.folder);
    item.contextValue = `promptVersion.${entry.kind}`;
    item.iconPath = new vscode.ThemeIcon(entry.kind === 'working' ? 'edit' : entry.kind === 'variant' ? 'warning' : 'history');
    item.resourceUri = entryUri(node.folder.uri, entry);
    item.command = { command: COMMAND.openVersion, title: vscode.l10n.t('Open Version'), arguments: [node] };
    return item;
  }

  private async load(): Promise<PromptNode[]> {
    const engine = await loadEngine();
    const nodes: PromptNode[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const { store, usage } = await this.workspaces.for(folder.uri.fsPath);
      const histories = await engine.listPromptHistories(store, usage, await workingPrompts(folder));
      for (const history of histories) {
        const prompt: PromptNode = { kind: 'prompt', id: `prompt:${folder.uri.toString()}:${history.folderName}`, folder, history, children: [] };
        prompt.children = history.entries.map((entry) => ({
          kind: 'version',
          id: `version:${folder.uri.toString()}:${entry.kind}:${entry.file}`,
          folder,
          history,
          entry,
          parent: prompt,
        }));
        nodes.push(prompt);
      }
    }
    return nodes;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.changed.dispose();
  }
}

/** The folder's `.prompt` files (not partials), with the text an open editor has, else the saved text. */
export async function workingPrompts(folder: vscode.WorkspaceFolder): Promise<{ file: string; text: string }[]> {
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.prompt'), PROMPT_FILES_EXCLUDE, MAX_PROMPT_FILES);
  const open = new Map(vscode.workspace.textDocuments.map((document) => [document.uri.toString(), document]));
  const prompts = await Promise.all(
    uris
      .filter((uri) => !path.basename(uri.fsPath).startsWith('_'))
      .map(async (uri) => {
        try {
          return { file: uri.fsPath, text: open.get(uri.toString())?.getText() ?? (await fs.promises.readFile(uri.fsPath, 'utf8')) };
        } catch {
          return undefined; // deleted since it was found
        }
      }),
  );
  return prompts.filter((p): p is { file: string; text: string } => p !== undefined).sort((a, b) => a.file.localeCompare(b.file));
}

function describeEntry(entry: VersionEntry, history: PromptHistory, folder: vscode.WorkspaceFolder): string {
  const parts: string[] = [];
  if (entry.kind === 'working') {
    const workingFiles = history.entries.filter((e) => e.kind === 'working').length;
    parts.push(entry.matchesSaved ? vscode.l10n.t('current, kept') : vscode.l10n.t('working copy'));
    if (workingFiles > 1) parts.push(path.relative(folder.uri.fsPath, entry.file).split(path.sep).join('/'));
  } else {
    if (entry.kind === 'variant') parts.push(vscode.l10n.t('edited without a version bump'));
    if (entry.savedAt) parts.push(formatDate(entry.savedAt));
  }
  if (entry.changelog) parts.push(firstLine(entry.changelog));
  if (entry.kind !== 'variant' && entry.stars) parts.push(`★ ${entry.stars.mean.toFixed(1)} (${entry.stars.n})`);
  return parts.join(' · ');
}

function tooltipOf(entry: VersionEntry, folder: vscode.WorkspaceFolder): vscode.MarkdownString {
  const lines = [
    `**${entry.name} v${entry.version}**${entry.kind === 'working' ? ` — ${vscode.l10n.t('working file')}` : ''}`,
    '',
    `${vscode.l10n.t('Content hash')}: \`${entry.contentHash}\``,
  ];
  if (entry.parent !== null) lines.push('', `${vscode.l10n.t('Parent')}: v${entry.parent}`);
  if (entry.changelog) lines.push('', `${vscode.l10n.t('Changelog')}: ${entry.changelog.replace(/\s+/g, ' ').trim()}`);
  if (entry.savedAt) lines.push('', `${vscode.l10n.t('Kept')}: ${formatDate(entry.savedAt)}${entry.savedReason ? ` (${reasonText(entry.savedReason)})` : ''}`);
  lines.push('', vscode.l10n.t('{0} runs, {1} ratings of v{2}', entry.runs, entry.ratings, entry.version));
  if (entry.stars) lines.push('', vscode.l10n.t('Overall stars: {0} from {1} ratings', entry.stars.mean.toFixed(2), entry.stars.n));
  lines.push('', `\`${path.relative(folder.uri.fsPath, entry.file).split(path.sep).join('/')}\``);
  const markdown = new vscode.MarkdownString(lines.join('\n'));
  markdown.supportHtml = false;
  return markdown;
}

function reasonText(reason: string): string {
  if (reason === 'saved') return vscode.l10n.t('Save New Version');
  if (reason === 'ran') return vscode.l10n.t('its first run');
  return vscode.l10n.t('a run of edited text');
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function firstLine(text: string): string {
  const line = text.trim().split(/\r?\n/)[0];
  return line.length > 70 ? `${line.slice(0, 69)}…` : line;
}
