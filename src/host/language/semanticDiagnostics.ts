import * as vscode from 'vscode';
import { PROMPT_LANGUAGE_ID } from './languageId';
import type { Engine } from '../loadEngine';
import type { PromptLanguageContexts } from './languageContext';
import { toDiagnostic } from './languageConvert';
import { DocumentCheckScheduler } from './documentCheckScheduler';

/** The same pause as the syntax checks (src/host/language/promptDiagnostics.ts), so both appear together. */
const DEBOUNCE_MS = 250;

/**
 * The checks that need the catalog and the files around a prompt (unknown keys and models,
 * config ranges, undeclared or unused inputs, missing partials), as you type, debounced.
 * Syntax problems (YAML, Handlebars) are PromptDiagnostics' own collection.
 */
export class PromptSemanticDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('dotprompt-semantics');
  private readonly scheduler: DocumentCheckScheduler;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly contexts: PromptLanguageContexts,
    private readonly language: () => Promise<Engine['promptLanguage']>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.scheduler = new DocumentCheckScheduler((document) => document.languageId === PROMPT_LANGUAGE_ID, (document) => this.update(document));
    this.disposables.push(
      this.collection,
      ...this.scheduler.watch(this.collection, { open: 0, change: DEBOUNCE_MS }),
      // A partial created or deleted, a model id setting changed: every open prompt may read differently.
      contexts.onDidChangePromptFiles(() => this.checkAllOpen()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('promptWorkbench')) this.checkAllOpen();
      }),
    );
    this.checkAllOpen();
  }

  checkAllOpen(): void {
    for (const document of vscode.workspace.textDocuments) this.scheduler.schedule(document, 0);
  }


  private async update(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) return;
    try {
      const version = document.version;
      const [promptLanguage, context] = await Promise.all([this.language(), this.contexts.forDocument(document)]);
      // Typing went on while the files were read: the newer version has its own pass scheduled.
      if (document.isClosed || document.version !== version) return;
      this.collection.set(document.uri, promptLanguage.semanticDiagnostics(document.getText(), context).map(toDiagnostic));
    } catch (error) {
      this.log.error(`Could not check ${document.uri.toString()}: ${(error as Error).stack ?? error}`);
    }
  }

  dispose(): void {
    this.scheduler.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
