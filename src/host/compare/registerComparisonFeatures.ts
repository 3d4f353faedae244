import * as vscode from 'vscode';
import type { ComparePanelState } from '../../shared/comparePanelProtocol';
import { COMMAND } from '../commandIds';
import type { WorkbenchServices } from '../services';
import { CompareModelsOptions, ComparisonController } from './compareController';
import { COMPARE_PANEL_VIEW_TYPE } from './comparePanel';
import { OutputActions } from './outputActions';
import { RUNS_VIEW_ID, RunsTreeProvider } from './runsView';
import { PROMPT_LANGUAGE_ID } from '../language/languageId';

/**
 * Everything about comparing models, in one place: the commands (Compare Models, Stop
 * Comparison, Open Comparison, Refresh), the “Compare Models” CodeLens, the panel's
 * serializer (panels survive a reload) and the Runs view, kept fresh as records are appended.
 */
export function registerComparisonFeatures(context: vscode.ExtensionContext, services: WorkbenchServices): void {
  const actions = new OutputActions();
  const controller = new ComparisonController(services, context.extensionUri, actions);
  const runsView = new RunsTreeProvider(services.log);
  // The CLI and other windows append records too.
  const watcher = vscode.workspace.createFileSystemWatcher('**/.prompt-workbench/runs/*.jsonl');
  const refreshSoon = () => runsView.scheduleRefresh();
  const register = (id: string, handler: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, handler);

  context.subscriptions.push(
    actions,
    controller,
    runsView,
    watcher,
    watcher.onDidChange(refreshSoon),
    watcher.onDidCreate(refreshSoon),
    watcher.onDidDelete(refreshSoon),
    controller.onDidRecord(refreshSoon),
    vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: runsView, showCollapseAll: true }),
    register(COMMAND.compareModels, (uri?: unknown, options?: unknown) =>
      controller.compare(uri instanceof vscode.Uri ? uri : undefined, compareOptions(options)),
    ),
    register(COMMAND.stopComparison, (comparisonId?: unknown, column?: unknown) =>
      controller.stop(typeof comparisonId === 'string' ? comparisonId : undefined, typeof column === 'number' ? column : undefined),
    ),
    register(COMMAND.openComparison, async (comparisonId?: unknown, folder?: unknown) => {
      if (typeof comparisonId === 'string') return controller.openComparison(comparisonId, typeof folder === 'string' ? folder : undefined);
      const picked = await pickComparison(runsView);
      return picked ? controller.openComparison(picked.comparisonId, picked.folder) : false;
    }),
    register(COMMAND.refreshRuns, () => runsView.refresh()),
    vscode.languages.registerCodeLensProvider({ language: PROMPT_LANGUAGE_ID }, new CompareCodeLensProvider()),
    vscode.window.registerWebviewPanelSerializer(COMPARE_PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) => controller.restore(panel, (state as ComparePanelState | undefined) ?? undefined),
    }),
  );
}

/** Menus pass a Uri and sometimes an array of Uris: only a plain object is options. */
function compareOptions(value: unknown): CompareModelsOptions {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof vscode.Uri) return {};
  const { inputs, models, display } = value as CompareModelsOptions;
  return {
    display: typeof display === 'function' ? display : undefined,
    inputs: inputs && typeof inputs === 'object' ? inputs : undefined,
    models: Array.isArray(models) ? models.filter((m): m is string => typeof m === 'string' && m.trim().length > 0) : undefined,
  };
}

async function pickComparison(runsView: RunsTreeProvider): Promise<{ comparisonId: string; folder: string } | undefined> {
  const listed = await runsView.list();
  if (!listed.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No comparison is recorded yet. Open a .prompt file and run “Prompt Workbench: Compare Models”.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    listed.map((c) => ({ label: c.label, description: c.description, detail: c.models.join(' · '), comparison: c })),
    { title: vscode.l10n.t('Open a recorded comparison'), matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.comparison;
}

/** “Compare Models” above the frontmatter of every `.prompt` file, beside “Run Prompt”. */
class CompareCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return [
      new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
        title: vscode.l10n.t('$(split-horizontal) Compare Models'),
        tooltip: vscode.l10n.t('Run this prompt on several models side by side'),
        command: COMMAND.compareModels,
        arguments: [document.uri],
      }),
    ];
  }
}
