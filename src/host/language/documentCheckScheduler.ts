import * as vscode from 'vscode';

/**
 * Runs a check of a document after a pause, at most one pending per document: a new edit
 * replaces the pending check, so typing fast costs one check, not one per keystroke. Shared by
 * the diagnostics collections (syntax, semantics, versions), which differ only in what they check.
 */
export class DocumentCheckScheduler implements vscode.Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly accepts: (document: vscode.TextDocument) => boolean,
    private readonly check: (document: vscode.TextDocument) => Promise<void>,
  ) {}

  schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!this.accepts(document)) return;
    this.cancel(document);
    const key = document.uri.toString();
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.check(document);
      }, delayMs),
    );
  }

  /**
   * Checks documents as they open (after `delays.open`) and after each edit (after
   * `delays.change`); a closed document's pending check is cancelled and its diagnostics dropped.
   */
  watch(collection: vscode.DiagnosticCollection, delays: { open: number; change: number }): vscode.Disposable[] {
    return [
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, delays.open)),
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && this.schedule(e.document, delays.change)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.cancel(d);
        collection.delete(d.uri);
      }),
    ];
  }

  cancel(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
