import * as vscode from 'vscode';

/** Outside paths the person answered for in this window (asked once per path and session). */
const answered = new Map<string, boolean>();

/**
 * Asks before reading a file outside the workspace folder that a workspace file names (an
 * `@file` sample value, `workbench.dataset`, a dataset run): a cloned repository could name
 * `~/.aws/credentials`. The read policy's `confirmOutside` in the editor (the CLI refuses instead).
 */
export async function confirmOutsideRead(file: string): Promise<boolean> {
  const earlier = answered.get(file);
  if (earlier !== undefined) return earlier;
  if (!vscode.workspace.isTrusted) return false;
  const read = vscode.l10n.t('Read It');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('A file of this workspace asks Prompt Workbench to read {0}, which is outside the workspace folder. Its text would be sent to the model. Read it?', file),
    { modal: true },
    read,
  );
  answered.set(file, answer === read);
  return answer === read;
}
