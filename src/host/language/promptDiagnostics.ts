import * as vscode from 'vscode';
import type { PromptDiagnostic } from '../../core/prompt/parsePrompt';
import { loadEngine } from '../loadEngine';
import { PROMPT_LANGUAGE_ID } from './languageId';
import { DocumentCheckScheduler } from './documentCheckScheduler';

const DEBOUNCE_MS = 250;

const SEVERITY: Record<PromptDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Problems of `.prompt` files as you type (YAML, Handlebars, frontmatter), debounced. */
export class PromptDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(PROMPT_LANGUAGE_ID);
  private readonly scheduler: DocumentCheckScheduler;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.scheduler = new DocumentCheckScheduler((document) => document.languageId === PROMPT_LANGUAGE_ID, (document) => this.update(document));
    this.disposables.push(
      this.collection,
      ...this.scheduler.watch(this.collection, { open: 0, change: DEBOUNCE_MS }),
    );
    for (const d of vscode.workspace.textDocuments) this.scheduler.schedule(d, 0);
  }


  private async update(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) return;
    try {
      // The parser loads on the first check, not at activation.
      const { promptLanguage } = await loadEngine();
      if (document.isClosed) return;
      // The parse the language features' checks of the same text reuse: one parse per keystroke.
      // Past the editor's size limit it is empty (a 5 MB paste would stall typing for seconds);
      // the language features' collection then says the file is too large to check.
      const { parsed } = promptLanguage.analyzePrompt(document.getText());
      this.collection.set(
        document.uri,
        parsed.diagnostics.map((d) => {
          const diagnostic = new vscode.Diagnostic(
            new vscode.Range(d.range.startLine, d.range.startCol, d.range.endLine, d.range.endCol),
            d.message,
            SEVERITY[d.severity],
          );
          diagnostic.source = 'Prompt Workbench';
          diagnostic.code = d.code;
          return diagnostic;
        }),
      );
    } catch (err) {
      // The parser is meant never to throw; if it does, the editor must keep working.
      this.log.error(`Could not check ${document.uri.fsPath}: ${(err as Error).stack ?? err}`);
    }
  }

  dispose(): void {
    this.scheduler.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
