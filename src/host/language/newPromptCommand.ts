import * as vscode from 'vscode';
import { loadEngine } from '../loadEngine';
import type { WorkbenchServices } from '../services';
import { createExclusive } from '../../core/workspace/guardedFs';
import { uriExists } from '../workspace/uriExists';

const PROMPTS_FOLDER = 'prompts';
/** The placeholder the template's description holds, selected so that typing replaces it. */
const DESCRIPTION_PLACEHOLDER = 'Say what this prompt is for in one sentence';

/**
 * `Prompt Workbench: New Prompt`: asks for a name, writes `prompts/<name>.prompt` from a
 * template that runs as it is (the model picked in the status bar, an input, two messages),
 * opens it with the description selected. `name` skips the question (tests, other commands).
 * Resolves with the new file, or undefined when cancelled or impossible (and says why).
 */
export async function newPrompt(services: WorkbenchServices, name?: unknown): Promise<vscode.Uri | undefined> {
  const folder = targetFolder();
  if (!folder) {
    void vscode.window.showErrorMessage(vscode.l10n.t('New Prompt needs an open folder: open one (File > Open Folder…), then run New Prompt again. The prompt goes to prompts/<name>.prompt in it.'));
    return undefined;
  }
  const { promptLanguage } = await loadEngine();
  const fileFor = (promptName: string) => vscode.Uri.joinPath(folder.uri, PROMPTS_FOLDER, `${promptName.trim()}.prompt`);

  let chosen: string | undefined;
  if (typeof name === 'string') {
    const problem = promptLanguage.checkPromptName(name);
    if (problem) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Cannot create a prompt named "{0}": {1}.', name, problem));
      return undefined;
    }
    chosen = name.trim();
  } else {
    chosen = await vscode.window.showInputBox({
      title: vscode.l10n.t('New Prompt'),
      prompt: vscode.l10n.t('Name of the prompt: it becomes {0}/<name>.prompt in {1}', PROMPTS_FOLDER, folder.name),
      placeHolder: 'ticket-triage',
      ignoreFocusOut: true,
      validateInput: async (value) => {
        const problem = promptLanguage.checkPromptName(value);
        if (problem) return vscode.l10n.t('{0}', problem);
        return (await uriExists(fileFor(value))) ? vscode.l10n.t('{0}/{1}.prompt already exists; pick another name', PROMPTS_FOLDER, value.trim()) : undefined;
      },
    });
    if (chosen === undefined) return undefined;
    chosen = chosen.trim();
  }

  const file = fileFor(chosen);
  if (await uriExists(file)) {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0}/{1}.prompt already exists; pick another name, or open it from the Explorer.', PROMPTS_FOLDER, chosen));
    return undefined;
  }
  const source = promptLanguage.newPromptSource(chosen, services.selection.activeModel);
  try {
    // The guarded layer: inside the folder, never through a link (a planted prompts/ link or a dangling file link).
    await createExclusive(file.fsPath, source, folder.uri.fsPath);
  } catch (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not write {0}: {1}. Check that the folder is writable.', file.fsPath, (error as Error).message));
    return undefined;
  }
  // Opened with the description selected (not selected afterwards, which races with typing).
  const lines = source.split('\n');
  const line = Math.max(0, lines.findIndex((text) => text.includes(DESCRIPTION_PLACEHOLDER)));
  const start = Math.max(0, lines[line].indexOf(DESCRIPTION_PLACEHOLDER));
  await vscode.window.showTextDocument(file, { selection: new vscode.Range(line, start, line, start + DESCRIPTION_PLACEHOLDER.length) });
  return file;
}

/** The folder of the active file, else the first folder of the workspace. */
function targetFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
}
