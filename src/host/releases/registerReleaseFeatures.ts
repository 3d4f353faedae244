import * as vscode from 'vscode';
import { COMMAND } from '../commandIds';
import type { WorkbenchServices } from '../services';
import { ReleaseCommands } from './releaseCommands';
import { RELEASES_VIEW_ID, ReleasesTreeProvider } from './releasesTree';

/**
 * Releases (issue 18): Approve for Production (the scoreboard row's button and the command),
 * the Releases view and its Roll Back. Cheap at activation: nothing is read until the view is
 * shown or a command runs.
 */
export function registerReleaseFeatures(context: vscode.ExtensionContext, services: WorkbenchServices): void {
  const tree = new ReleasesTreeProvider(services.log);
  const view = vscode.window.createTreeView(RELEASES_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const commands = new ReleaseCommands(tree, services);
  // Approvals come from this window, other windows, the CLI and git pulls.
  const watcher = vscode.workspace.createFileSystemWatcher('**/.prompt-workbench/releases.jsonl');
  const changed = () => tree.refresh();
  const register = (id: string, handler: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, handler);
  context.subscriptions.push(
    tree,
    view,
    watcher,
    watcher.onDidCreate(changed),
    watcher.onDidChange(changed),
    watcher.onDidDelete(changed),
    register(COMMAND.approveRelease, (args?: unknown) => commands.approve(args && typeof args === 'object' ? args : {})),
    register(COMMAND.rollBackRelease, (arg?: unknown) => commands.rollBack(arg as never)),
    register(COMMAND.refreshReleases, () => tree.refresh()),
    register(COMMAND.publishRelease, (arg?: unknown) => commands.publish(arg as never)),
    register(COMMAND.verifyRelease, (arg?: unknown, options?: { dataset?: unknown; show?: unknown }) => commands.verify(arg as never, options ?? {})),
    register(COMMAND.importFromBedrock, (args?: unknown) => commands.importFromBedrock(args && typeof args === 'object' ? args : {})),
  );
}
