import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PromptError } from '../../core/prompt/renderPrompt';

export interface PromptProblem {
  kind: 'prompt';
  message: string;
  /** 0-based line of the first error, when the prompt file itself is broken. */
  line?: number;
}

/** Checked by shape, so that callers need not load the prompt engine to know its error class. */
export function isPromptError(err: unknown): err is PromptError {
  return err instanceof Error && err.name === 'PromptError' && Array.isArray((err as PromptError).diagnostics);
}

/**
 * Tells the user why a prompt could not be rendered: for a broken file, its first error with
 * a button that goes to the line; for anything else, the reason. Returns what to report.
 */
export function reportPromptProblem(
  err: unknown,
  document: vscode.TextDocument,
  log: vscode.LogOutputChannel,
  action: 'run' | 'compare',
): PromptProblem {
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
    log.warn(`Cannot ${action} ${name}: ${err.message}`);
    return { kind: 'prompt', message: err.message, line };
  }
  const reason = (err as Error)?.message ?? String(err);
  const message = action === 'run' ? vscode.l10n.t('Cannot run {0}: {1}', name, reason) : vscode.l10n.t('Cannot compare {0}: {1}', name, reason);
  void vscode.window.showErrorMessage(message);
  log.error(message);
  return { kind: 'prompt', message };
}
