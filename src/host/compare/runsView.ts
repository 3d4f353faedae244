import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../core/runs/runRecord';
import type { ComparisonSummary, RunHistoryProblem } from '../../core/runs/runHistory';
import { WorkbenchPaths } from '../../core/workspace/paths';
import { COMMAND } from '../commandIds';
import { loadEngine } from '../loadEngine';
import { formatMs, formatTokens, formatUsd } from '../../core/format/units';

export const RUNS_VIEW_ID = 'promptWorkbench.runs';
/** The view lists this many comparisons per folder, newest first. */
const MAX_COMPARISONS = 100;

type RunsNode =
  | { kind: 'folder'; folder: vscode.WorkspaceFolder }
  | { kind: 'comparison'; folder: vscode.WorkspaceFolder; summary: ComparisonSummary }
  | { kind: 'run'; folder: vscode.WorkspaceFolder; summary: ComparisonSummary; record: RunRecord }
  | { kind: 'problems'; problems: RunHistoryProblem[] };

/** What “Refresh” resolves with: the comparisons the view lists now (for tests and scripts). */
export interface ListedComparison {
  comparisonId: string;
  label: string;
  description: string;
  models: string[];
  folder: string;
}

/**
 * The Runs view: past comparisons from `.prompt-workbench/runs/*.jsonl`, newest first, each
 * opening in the comparison panel; under each, its columns with their metrics or errors.
 * Lines that cannot be read are counted in a warning row that opens the first of them.
 */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Reloads the view soon (file changes come in bursts while a comparison streams). */
  scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.changed.fire(undefined);
    }, 300);
  }

  /** Reloads the view now and resolves with what it lists. */
  refresh(): Promise<ListedComparison[]> {
    this.changed.fire(undefined);
    return this.list();
  }

  /** The comparisons the view lists, newest first per folder. */
  async list(): Promise<ListedComparison[]> {
    const listed: ListedComparison[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const { comparisons } = await this.read(folder);
      for (const summary of comparisons) {
        const item = comparisonItem(folder, summary);
        listed.push({
          comparisonId: summary.comparisonId,
          label: String(item.label),
          description: String(item.description ?? ''),
          models: summary.columns.map((c) => c.model),
          folder: folder.uri.toString(),
        });
      }
    }
    return listed;
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'folder': {
        const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = vscode.ThemeIcon.Folder;
        return item;
      }
      case 'comparison':
        return comparisonItem(node.folder, node.summary);
      case 'run':
        return runItem(node.folder, node.summary, node.record);
      case 'problems':
        return problemsItem(node.problems);
    }
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!node) {
      if (folders.length === 1) return this.folderChildren(folders[0]);
      return folders.map((folder) => ({ kind: 'folder', folder }));
    }
    if (node.kind === 'folder') return this.folderChildren(node.folder);
    if (node.kind === 'comparison') return node.summary.columns.map((record) => ({ kind: 'run', folder: node.folder, summary: node.summary, record }));
    return [];
  }

  private async folderChildren(folder: vscode.WorkspaceFolder): Promise<RunsNode[]> {
    const { comparisons, problems } = await this.read(folder);
    const nodes: RunsNode[] = comparisons.map((summary) => ({ kind: 'comparison', folder, summary }));
    if (problems.length) nodes.unshift({ kind: 'problems', problems });
    return nodes;
  }

  private async read(folder: vscode.WorkspaceFolder): Promise<{ comparisons: ComparisonSummary[]; problems: RunHistoryProblem[] }> {
    try {
      const engine = await loadEngine();
      const { comparisons, problems } = await engine.readComparisons(new WorkbenchPaths(folder.uri.fsPath).runsDir);
      for (const p of problems.slice(0, 20)) this.log.warn(`Skipped ${p.file} line ${p.line}: ${p.message}`);
      return { comparisons: comparisons.slice(0, MAX_COMPARISONS), problems };
    } catch (err) {
      this.log.error(`Could not read the run records of ${folder.name}: ${(err as Error).message}`);
      return { comparisons: [], problems: [] };
    }
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.changed.dispose();
  }
}

function comparisonItem(folder: vscode.WorkspaceFolder, summary: ComparisonSummary): vscode.TreeItem {
  const item = new vscode.TreeItem(`${summary.prompt.name} v${summary.prompt.version}`, vscode.TreeItemCollapsibleState.Collapsed);
  const failed = summary.columns.filter((c) => c.error && c.error.kind !== 'cancelled').length;
  const when = new Date(summary.ts).toLocaleString(vscode.env.language, { dateStyle: 'short', timeStyle: 'short' });
  item.id = `${folder.uri.toString()}#${summary.comparisonId}`;
  item.description = vscode.l10n.t('{0} · {1} models', when, summary.columns.length) + (failed ? vscode.l10n.t(' · {0} failed', failed) : '');
  item.iconPath = new vscode.ThemeIcon(failed ? 'warning' : 'split-horizontal');
  item.contextValue = 'comparison';
  const tooltip = new vscode.MarkdownString(`**${summary.prompt.name}** v${summary.prompt.version} · \`${summary.comparisonId}\`\n\n`);
  for (const c of summary.columns) tooltip.appendMarkdown(`- \`${c.model}\`: ${describeRun(c)}\n`);
  item.tooltip = tooltip;
  item.command = {
    command: COMMAND.openComparison,
    title: vscode.l10n.t('Open Comparison'),
    arguments: [summary.comparisonId, folder.uri.toString()],
  };
  return item;
}

function runItem(folder: vscode.WorkspaceFolder, summary: ComparisonSummary, record: RunRecord): vscode.TreeItem {
  const item = new vscode.TreeItem(record.model, vscode.TreeItemCollapsibleState.None);
  item.id = `${folder.uri.toString()}#${summary.comparisonId}#${record.id}`;
  item.description = describeRun(record);
  item.iconPath = new vscode.ThemeIcon(!record.error ? 'pass' : record.error.kind === 'cancelled' ? 'debug-stop' : 'error');
  item.tooltip = record.error ? record.error.message : record.output.slice(0, 500);
  item.contextValue = 'run';
  item.command = {
    command: COMMAND.openComparison,
    title: vscode.l10n.t('Open Comparison'),
    arguments: [summary.comparisonId, folder.uri.toString()],
  };
  return item;
}

function problemsItem(problems: RunHistoryProblem[]): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('{0} unreadable line(s) skipped', problems.length), vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon('warning');
  item.tooltip = problems
    .slice(0, 10)
    .map((p) => `${path.basename(p.file)}:${p.line}: ${p.message}`)
    .join('\n');
  const first = problems[0];
  item.command = {
    command: 'vscode.open',
    title: vscode.l10n.t('Show the line'),
    arguments: [vscode.Uri.file(first.file), { selection: new vscode.Range(first.line - 1, 0, first.line - 1, 0) }],
  };
  return item;
}

function describeRun(r: RunRecord): string {
  if (r.error) return r.error.kind === 'cancelled' ? vscode.l10n.t('stopped') : r.error.kind;
  const m = r.metrics;
  const tokens = m.outputTokens == null ? '' : ` · ${formatTokens(m.outputTokens)} tok`;
  const cost = m.costUsd == null ? '' : ` · ${formatUsd(m.costUsd)}`;
  return formatMs(m.latencyMs) + tokens + cost;
}
