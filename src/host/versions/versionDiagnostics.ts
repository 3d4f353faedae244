import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMAND } from '../commandIds';
import { loadEngine } from '../loadEngine';
import type { VersionWorkspaces } from './versionDocuments';
import { DocumentCheckScheduler } from '../language/documentCheckScheduler';

export const EDITED_WITHOUT_BUMP_CODE = 'version-edited-without-bump';
/** The same warning when the version edited is an approved or published release. */
export const EDITED_AFTER_RELEASE_CODE = 'version-edited-after-release';
const DEBOUNCE_MS = 600;

/** A `.prompt` file of the workspace (not a partial, not a kept version). */
export function isWorkingPromptFile(document: vscode.TextDocument): boolean {
  const { uri } = document;
  return uri.scheme === 'file' && uri.path.endsWith('.prompt') && !path.basename(uri.path).startsWith('_') && !uri.path.includes('/.prompt-workbench/');
}

/**
 * Warns, at the `version:` line, when a version that already has runs or ratings (or is kept)
 * is edited without a bump: its content hash changes, so new results would not compare with
 * the old ones. Checked debounced, on the engine bundle, never at activation.
 */
export class VersionDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('prompt-versions');
  private readonly scheduler: DocumentCheckScheduler;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly workspaces: VersionWorkspaces, private readonly log: vscode.LogOutputChannel) {
    this.scheduler = new DocumentCheckScheduler(isWorkingPromptFile, (document) => this.update(document));
    this.disposables.push(
      this.collection,
      ...this.scheduler.watch(this.collection, { open: DEBOUNCE_MS, change: DEBOUNCE_MS }),
    );
    for (const d of vscode.workspace.textDocuments) this.scheduler.schedule(d, DEBOUNCE_MS);
  }

  /** Checks a document soon (after a version is saved, or records change). */
  check(document: vscode.TextDocument): void {
    this.scheduler.schedule(document, 0);
  }

  checkAllOpen(): void {
    for (const d of vscode.workspace.textDocuments) this.scheduler.schedule(d, DEBOUNCE_MS);
  }


  private async update(document: vscode.TextDocument): Promise<void> {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (document.isClosed || !folder) return;
    try {
      const engine = await loadEngine();
      const { store, usage } = await this.workspaces.for(folder.uri.fsPath);
      const version = document.version;
      const text = document.getText();
      const { releases } = await engine.readReleases(folder.uri.fsPath);
      const flagged = await engine.findEditedWithoutBump(store, usage, text, document.uri.fsPath, releases);
      // A newer edit has its own check on the way.
      if (document.isClosed || document.version !== version) return;
      if (!flagged) {
        this.collection.delete(document.uri);
        return;
      }
      const line = engine.describePromptVersion(text, document.uri.fsPath).versionLine ?? 0;
      const diagnostic = new vscode.Diagnostic(document.lineAt(Math.min(line, document.lineCount - 1)).range, flagged.message, vscode.DiagnosticSeverity.Warning);
      diagnostic.source = 'Prompt Workbench';
      diagnostic.code = flagged.releaseId ? EDITED_AFTER_RELEASE_CODE : EDITED_WITHOUT_BUMP_CODE;
      this.collection.set(document.uri, [diagnostic]);
    } catch (err) {
      this.log.error(`Could not check the version of ${document.uri.fsPath}: ${(err as Error).stack ?? err}`);
    }
  }

  dispose(): void {
    this.scheduler.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The quick fix of the warning above: Save New Version of the file. */
export class VersionCodeActions implements vscode.CodeActionProvider {
  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return context.diagnostics
      .filter((d) => d.code === EDITED_WITHOUT_BUMP_CODE || d.code === EDITED_AFTER_RELEASE_CODE)
      .map((d) => {
        const title = vscode.l10n.t('Save as a new version…');
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = true;
        action.command = { command: COMMAND.saveNewVersion, title, arguments: [document.uri] };
        return action;
      });
  }
}
