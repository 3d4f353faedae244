import * as vscode from 'vscode';
import { COMMAND } from '../commandIds';
import type { RunPromptController } from './runPromptCommand';
import { BEDROCK_API_KEY_SECRET, WorkbenchServices } from '../services';

/** Registers every command in one place; each disposable goes to the context. */
export function registerCommands(
  context: vscode.ExtensionContext,
  services: WorkbenchServices,
  runs: RunPromptController,
): void {
  const register = (id: string, handler: (...args: any[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));

  register(COMMAND.runPrompt, (uri?: vscode.Uri, options?: { inputs?: Record<string, string>; model?: string }) =>
    runs.run(uri, options),
  );
  register(COMMAND.showLog, () => services.log.show());
  register(COMMAND.setBedrockApiKey, async () => {
    const key = await vscode.window.showInputBox({
      title: vscode.l10n.t('Amazon Bedrock API key'),
      prompt: vscode.l10n.t('Kept in VS Code secret storage, never in settings or logs. Used instead of the AWS credential chain.'),
      password: true,
      ignoreFocusOut: true,
    });
    if (!key) return;
    try {
      await context.secrets.store(BEDROCK_API_KEY_SECRET, key.trim());
      void vscode.window.showInformationMessage(vscode.l10n.t('The Bedrock API key is stored.'));
    } catch (err) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'Could not store the key in secret storage ({0}). On Linux without a keyring, set AWS_BEARER_TOKEN_BEDROCK in the environment instead.',
          (err as Error).message,
        ),
      );
    }
  });
  register(COMMAND.clearBedrockApiKey, async () => {
    await context.secrets.delete(BEDROCK_API_KEY_SECRET);
    void vscode.window.showInformationMessage(vscode.l10n.t('The Bedrock API key is removed.'));
  });
}
