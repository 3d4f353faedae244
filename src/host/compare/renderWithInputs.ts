import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RenderedPrompt } from '../../core/prompt/renderPrompt';
import type { PromptRunner } from '../../core/runs/promptRunner';
import { reportPromptProblem } from '../promptErrors';

export type PreparedPrompt =
  | { kind: 'ready'; rendered: RenderedPrompt; inputs: Record<string, unknown> }
  | { kind: 'cancelled' }
  | { kind: 'error'; error: { kind: 'prompt'; message: string; line?: number } };

/**
 * Renders a prompt with the given inputs and asks, one input box each, for the values still
 * missing, as “Run Prompt” does (`@path` reads a file). A broken prompt is reported to the
 * user with a way to its line, and comes back as an error instead of an exception.
 */
export async function renderWithInputs(
  runner: PromptRunner,
  document: vscode.TextDocument,
  given: Record<string, unknown>,
  log: vscode.LogOutputChannel,
): Promise<PreparedPrompt> {
  const file = document.uri.scheme === 'file' ? document.uri.fsPath : undefined;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
  const source = document.getText();
  const inputs = { ...given };
  try {
    let rendered = await runner.render(source, file, inputs);
    for (const name of rendered.missingInputs) {
      const value = await askForInput(name, folder);
      if (value === undefined) return { kind: 'cancelled' };
      inputs[name] = value;
    }
    if (rendered.missingInputs.length) rendered = await runner.render(source, file, inputs);
    return { kind: 'ready', rendered, inputs };
  } catch (err) {
    return { kind: 'error', error: reportPromptProblem(err, document, log, 'compare') };
  }
}

async function askForInput(name: string, folder: string | undefined): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Prompt input'),
    prompt: vscode.l10n.t('Value for “{0}” (or @path to read a file)', name),
    ignoreFocusOut: true,
    validateInput: (text) => {
      if (!text.startsWith('@')) return undefined;
      const target = resolveInputPath(text.slice(1), folder);
      return fs.existsSync(target) ? undefined : vscode.l10n.t('No file at {0}', target);
    },
  });
  if (value === undefined) return undefined;
  if (value.startsWith('@')) return fs.promises.readFile(resolveInputPath(value.slice(1), folder), 'utf8');
  return value;
}

function resolveInputPath(p: string, folder: string | undefined): string {
  return path.isAbsolute(p) || !folder ? p : path.join(folder, p);
}
