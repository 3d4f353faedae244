import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OpenSourceMessage, SourceRef } from '../../shared/sources';
import { browsableUrl, isExternalLocation } from '../../core/rag/knowledgeBase';

/**
 * Opens a workspace document with lines `startLine`–`endLine` (1-based, inclusive) selected and
 * in view: where a search result or a prompt's cited source came from.
 */
export async function openDocumentAt(folder: vscode.Uri, relativePath: string, startLine: number, endLine: number): Promise<vscode.TextEditor | undefined> {
  const target = path.resolve(folder.fsPath, ...relativePath.split('/'));
  if (target !== folder.fsPath && !target.startsWith(folder.fsPath + path.sep)) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} is outside the workspace folder; it is not opened.', relativePath));
    return undefined;
  }
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(vscode.Uri.file(target));
  } catch {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} no longer exists. Rebuild the document index if it moved.', relativePath));
    return undefined;
  }
  const last = Math.max(0, document.lineCount - 1);
  const start = Math.min(Math.max(0, startLine - 1), last);
  const end = Math.min(Math.max(start, endLine - 1), last);
  const selection = new vscode.Selection(start, 0, end, document.lineAt(end).text.length);
  const editor = await vscode.window.showTextDocument(document, { selection, preview: true, viewColumn: vscode.ViewColumn.One });
  editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

/** The workspace folder a panel's prompt belongs to, for opening its sources. */
export function folderOfPrompt(promptUri: string | vscode.Uri | undefined | null): vscode.Uri | undefined {
  if (!promptUri) return vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = typeof promptUri === 'string' ? vscode.Uri.parse(promptUri) : promptUri;
  return (vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0])?.uri;
}

/** What a panel shows under an answer: the chunks a prompt's `workbench.rag` retrieved (null without `workbench.rag`). */
export function sourcesOf(rendered: object | undefined): SourceRef[] | null {
  const retrieved = (rendered as { retrieved?: SourceRef[] } | undefined)?.retrieved;
  if (!Array.isArray(retrieved)) return null;
  return retrieved.map(({ path: file, startLine, endLine, score }) => ({ path: file, startLine, endLine, score }));
}

/** Opens a source a panel's webview asked for, relative to the folder of the panel's prompt. */
export async function openSource(promptUri: string | vscode.Uri | undefined | null, message: OpenSourceMessage): Promise<void> {
  if (typeof message.path === 'string' && isExternalLocation(message.path)) {
    // A knowledge base result (s3://…, https://…) opens outside the editor, after VS Code's own confirmation.
    const url = browsableUrl(message.path);
    if (url) await vscode.env.openExternal(vscode.Uri.parse(url));
    else void vscode.window.showInformationMessage(vscode.l10n.t('{0} cannot be opened from here.', message.path));
    return;
  }
  const folder = folderOfPrompt(promptUri);
  if (!folder || typeof message.path !== 'string') return;
  await openDocumentAt(folder, message.path, Number(message.startLine) || 1, Number(message.endLine) || 1);
}
