import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PromptDocument } from '../../core/prompt/promptDocument';
import type { PreparedRun, PromptRunner } from '../../core/runs/promptRunner';
import { reportPromptProblem } from '../run/promptErrors';

export type PreparedPrompt =
  | { kind: 'ready'; prepared: PreparedRun }
  | { kind: 'cancelled' }
  | { kind: 'error'; error: { kind: 'prompt'; message: string; line?: number } };

/**
 * Prepares a prompt (parsed once, in `prompt`) with the given inputs and asks, one input box each, for the values still
 * missing, as “Run Prompt” does (`@path` reads a file). A broken prompt is reported to the
 * user with a way to its line, and comes back as an error instead of an exception.
 */
export async function renderWithInputs(
  runner: Pick<PromptRunner, 'prepare'>,
  prompt: PromptDocument,
  document: vscode.TextDocument,
  given: Record<string, unknown>,
  log: vscode.LogOutputChannel,
): Promise<PreparedPrompt> {
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
  const inputs = { ...given };
  try {
    let prepared = await runner.prepare(prompt, inputs);
    for (const name of prepared.missingInputs) {
      const value = await askForInput(name, folder);
      if (value === undefined) return { kind: 'cancelled' };
      inputs[name] = value;
    }
    if (prepared.missingInputs.length) prepared = await runner.prepare(prompt, inputs);
    return { kind: 'ready', prepared };
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
