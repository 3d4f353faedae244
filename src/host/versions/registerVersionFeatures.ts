import * as vscode from 'vscode';
import { COMMAND } from '../commandIds';
import { PROMPT_LANGUAGE_ID } from '../language/languageId';
import { PreviewPanels } from '../preview/previewPanel';
import type { WorkbenchServices } from '../services';
import { VersionCommands } from './versionCommands';
import { VERSION_SCHEME, VersionContentProvider, VersionWorkspaces } from './versionDocuments';
import { VersionCodeActions, VersionDiagnostics } from './versionDiagnostics';
import { VERSIONS_VIEW_ID, VersionsTreeProvider } from './versionsTree';

/**
 * Versions and the preview, in one place: Save New Version, the Prompt Versions view, version
 * diffs (kept versions open read-only under `prompt-version:`), the "edited without a bump"
 * warning with its quick fix, and Preview Rendered Prompt. Cheap to call at activation:
 * nothing is read until a view is shown, a command runs or a prompt is edited.
 */
export function registerVersionFeatures(context: vscode.ExtensionContext, services: WorkbenchServices): void {
  const workspaces = new VersionWorkspaces();
  const tree = new VersionsTreeProvider(workspaces, services.log);
  const treeView = vscode.window.createTreeView(VERSIONS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const diagnostics = new VersionDiagnostics(workspaces, services.log);
  const commands = new VersionCommands(workspaces, tree, treeView, diagnostics, services.log);
  const previews = new PreviewPanels(services, context.extensionUri);
  // Runs, ratings and kept versions are appended by this window, other windows and the CLI.
  const records = vscode.workspace.createFileSystemWatcher('**/.prompt-workbench/**');
  const prompts = vscode.workspace.createFileSystemWatcher('**/*.prompt');
  const recordsChanged = () => {
    tree.scheduleRefresh();
    diagnostics.checkAllOpen();
  };
  const register = (id: string, handler: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, handler);

  context.subscriptions.push(
    tree,
    treeView,
    diagnostics,
    previews,
    records,
    prompts,
    records.onDidCreate(recordsChanged),
    records.onDidChange(recordsChanged),
    records.onDidDelete(recordsChanged),
    prompts.onDidCreate(() => tree.scheduleRefresh()),
    prompts.onDidChange(() => tree.scheduleRefresh()),
    prompts.onDidDelete(() => tree.scheduleRefresh()),
    vscode.workspace.registerTextDocumentContentProvider(VERSION_SCHEME, new VersionContentProvider()),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/*.prompt' }, new VersionCodeActions(), {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }),
    register(COMMAND.saveNewVersion, (arg?: unknown, options?: { changelog?: unknown }) =>
      commands.saveNewVersion(arg, typeof options?.changelog === 'string' ? { changelog: options.changelog } : {}),
    ),
    register(COMMAND.showVersions, (arg?: unknown) => commands.showVersions(arg)),
    register(COMMAND.compareWithPreviousVersion, (arg?: unknown) => commands.compareWithPreviousVersion(arg)),
    register(COMMAND.compareVersions, (arg?: unknown, options?: { from?: unknown; to?: unknown }) =>
      commands.compareVersions(arg, { from: versionRef(options?.from), to: versionRef(options?.to) }),
    ),
    register(COMMAND.openVersion, (arg?: unknown) => commands.openVersion(arg)),
    register(COMMAND.refreshVersions, () => tree.refresh()),
    register(COMMAND.previewPrompt, (arg?: unknown) => {
      const active = vscode.window.activeTextEditor?.document;
      const uri = arg instanceof vscode.Uri ? arg : active && (active.languageId === PROMPT_LANGUAGE_ID || active.uri.path.endsWith('.prompt')) ? active.uri : undefined;
      if (!uri) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Open a .prompt file to preview what it sends.'));
        return undefined;
      }
      return previews.show(uri);
    }),
  );
}

function versionRef(value: unknown): number | 'working' | undefined {
  return value === 'working' || (typeof value === 'number' && Number.isInteger(value)) ? value : undefined;
}
