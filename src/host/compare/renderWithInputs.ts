import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PromptError, RenderedPrompt } from '../../core/prompt/renderPrompt';
import type { PromptRunner } from '../../core/runs/promptRunner';

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
    return { kind: 'error', error: reportPromptError(err, document, log) };
  }
}

function reportPromptError(err: unknown, document: vscode.TextDocument, log: vscode.LogOutputChannel): { kind: 'prompt'; message: string; line?: number } {
  const name = path.basename(document.fileName);
  if (isPromptError(err)) {
    const first = err.diagnostics.find((d) => d.severity === 'error');
    const line = first?.range.startLine;
    const goTo = vscode.l10n.t('Go to Line');
    void vscode.window.showErrorMessage(err.message, goTo).then((choice) => {
      if (choice === goTo && line !== undefined) {
        const position = new vscode.Position(line, first?.range.startCol ?? 0);
        void vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
      }
    });
    log.warn(`Cannot compare ${name}: ${err.message}`);
    return { kind: 'prompt', message: err.message, line };
  }
  const message = vscode.l10n.t('Cannot compare {0}: {1}', name, (err as Error)?.message ?? String(err));
  void vscode.window.showErrorMessage(message);
  log.error(message);
  return { kind: 'prompt', message };
}

/** Checked by shape, so that this module need not load the prompt engine to know its error class. */
function isPromptError(err: unknown): err is PromptError {
  return err instanceof Error && err.name === 'PromptError' && Array.isArray((err as PromptError).diagnostics);
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
