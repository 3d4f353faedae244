import * as vscode from 'vscode';
import { COMMAND } from '../commandIds';

/** “Run Prompt” and “Versions” above the frontmatter of every `.prompt` file. */
export class PromptCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, {
        title: vscode.l10n.t('$(play) Run Prompt'),
        tooltip: vscode.l10n.t('Render this prompt and stream the answer of its model'),
        command: COMMAND.runPrompt,
        arguments: [document.uri],
      }),
      // “Compare Models” is registered beside these by the comparison features (src/host/compare/).
      new vscode.CodeLens(top, {
        title: vscode.l10n.t('$(history) Versions'),
        tooltip: vscode.l10n.t('Show the saved versions of this prompt'),
        command: COMMAND.showVersions,
        arguments: [document.uri],
      }),
      new vscode.CodeLens(top, {
        title: vscode.l10n.t('$(sparkle) Improve Prompt'),
        tooltip: vscode.l10n.t('Propose rewrites of this prompt and try each on its dataset'),
        command: COMMAND.improvePrompt,
        arguments: [document.uri],
      }),
    ];
  }
}
