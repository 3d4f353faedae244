import * as vscode from 'vscode';

/** Whether a file or folder is there, through VS Code's file system (any scheme, remote included). */
export async function uriExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
