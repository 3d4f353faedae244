import * as vscode from 'vscode';

/**
 * Copy, insert at cursor and open as a document, for one model's answer. The comparison
 * panel has the focus when its buttons are clicked, so “the cursor” is the one in the text
 * editor that was active last: it is tracked here.
 */
export class OutputActions implements vscode.Disposable {
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor) this.lastEditor = editor;
    });
  }

  async copy(text: string, model: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the answer of {0}', model), 3000);
  }

  /** Inserts at every cursor of the last active editor (replacing selected text); false when there is none. */
  async insert(text: string): Promise<boolean> {
    const editor = await this.liveEditor();
    if (!editor) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a text editor and place the cursor where the answer should go, then click Insert again.'));
      return false;
    }
    const done = await editor.edit((edit) => {
      for (const selection of editor.selections) edit.replace(selection, text);
    });
    if (done) await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    return done;
  }

  /** Opens the answer as a new untitled Markdown document. */
  async openAsDocument(text: string): Promise<vscode.TextDocument> {
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
    await vscode.window.showTextDocument(document, { preview: false });
    return document;
  }

  /** The last editor, shown again if another tab covered it (VS Code restores its cursor). */
  private async liveEditor(): Promise<vscode.TextEditor | undefined> {
    const editor = this.lastEditor;
    if (!editor || editor.document.isClosed) return vscode.window.visibleTextEditors[0];
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === editor.document);
    return visible ?? vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: true });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
