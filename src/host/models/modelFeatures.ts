import * as vscode from 'vscode';
import type { Discovered } from '../../core/catalog/modelDiscovery';
import { describeGuardrailOutcome } from '../../core/providers/bedrockGuardrail';
import { endpointSecretKey, type EndpointConfig } from '../../core/providers/openaiEndpoints';
import { COMMAND } from '../commandIds';
import { checkConnection } from '../connection/connectionCheck';
import { ModelPicker } from './modelPicker';
import type { WorkbenchServices } from '../services';

/** What `promptWorkbench.refreshModels` resolves with (for scripts and tests). */
export interface RefreshModelsResult {
  models: string[];
  listings: Discovered['listings'];
}

/**
 * The model picker in the status bar, its commands, the model list refresh, API keys of
 * OpenAI-compatible endpoints, and the notices that go with runs (a guardrail that
 * intervened, endpoint settings that were skipped). Everything it makes is disposed with
 * the extension.
 */
export function registerModelFeatures(context: vscode.ExtensionContext, services: WorkbenchServices): ModelPicker {
  const picker = new ModelPicker(services, context);
  const register = (id: string, handler: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  context.subscriptions.push(picker);

  register(COMMAND.pickModel, (model?: unknown) => picker.pickModel(model));
  register(COMMAND.pickComparisonModels, (models?: unknown) => picker.pickComparisonModels(models));
  register(COMMAND.refreshModels, async (): Promise<RefreshModelsResult> => {
    const found = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Refreshing the model list…') },
      () => picker.discover(true),
    );
    const counts = found.listings.map((l) => vscode.l10n.t('{0}: {1} models', l.label, l.count)).join('; ');
    const problems = found.listings.filter((l) => l.problem);
    if (problems.length) {
      for (const p of problems) void vscode.window.showWarningMessage(vscode.l10n.t('Could not list the models of {0}: {1}', p.label, p.problem ?? ''));
    } else {
      void vscode.window.showInformationMessage(vscode.l10n.t('Model list refreshed. {0}.', counts));
    }
    return { models: found.models.map((m) => m.id), listings: found.listings };
  });
  register(COMMAND.checkConnection, (options?: { quiet?: boolean }) => checkConnection(services, picker, { quiet: options?.quiet === true }));
  register(COMMAND.setEndpointApiKey, (name?: unknown, key?: unknown) => setEndpointApiKey(context, services, name, key));
  register(COMMAND.clearEndpointApiKey, async (name?: unknown) => {
    const endpoint = await chooseEndpoint(services, name, vscode.l10n.t('Remove the API key of which endpoint?'));
    if (!endpoint) return false;
    await context.secrets.delete(endpointSecretKey(endpoint.name, endpoint.baseUrl));
    await context.secrets.delete(endpointSecretKey(endpoint.name)); // a key of an earlier version, not yet moved
    void vscode.window.showInformationMessage(vscode.l10n.t('The API key of {0} is removed.', endpoint.name));
    return true;
  });

  let shownProblems = '';
  const reportEndpointProblems = (): void => {
    const problems = services.currentSettings.openai.problems;
    const key = problems.join('\n');
    if (key === shownProblems) return;
    shownProblems = key;
    if (problems.length) void vscode.window.showWarningMessage(vscode.l10n.t('Some OpenAI-compatible endpoints in the settings are skipped: {0}', problems.join(' ')));
  };
  reportEndpointProblems();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('promptWorkbench.openai') && reportEndpointProblems()),
    services.onDidRun((outcome) => {
      if (!outcome.guardrail?.intervened) return;
      const message = describeGuardrailOutcome(outcome.guardrail, outcome.guardrail.id);
      services.log.warn(`Run ${outcome.runId} on ${outcome.model}: ${message}`);
      void vscode.window.showWarningMessage(message);
    }),
  );
  return picker;
}

async function chooseEndpoint(services: WorkbenchServices, name: unknown, title: string): Promise<EndpointConfig | undefined> {
  const endpoints = services.currentSettings.openai.endpoints;
  if (typeof name === 'string') {
    const found = endpoints.find((e) => e.name === name.trim().toLowerCase());
    if (!found) void vscode.window.showErrorMessage(vscode.l10n.t('No endpoint is called “{0}” in promptWorkbench.openai.endpoints.', name));
    return found;
  }
  if (endpoints.length === 0) {
    const open = vscode.l10n.t('Open Settings');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('No OpenAI-compatible endpoint is configured. Add one to promptWorkbench.openai.endpoints, e.g. {"name": "ollama", "baseUrl": "http://127.0.0.1:11434/v1"}.'),
      open,
    );
    if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', 'promptWorkbench.openai.endpoints');
    return undefined;
  }
  // Endpoints that say they need a key come first.
  const sorted = [...endpoints].sort((a, b) => Number(b.apiKeySecret) - Number(a.apiKeySecret));
  const picked = await vscode.window.showQuickPick(
    sorted.map((e) => ({ label: e.name, description: e.baseUrl, endpoint: e })),
    { title, placeHolder: vscode.l10n.t('Endpoints from promptWorkbench.openai.endpoints') },
  );
  return picked?.endpoint;
}

/** Stores an endpoint's key in secret storage; `name` and `key` as arguments skip the questions. */
async function setEndpointApiKey(context: vscode.ExtensionContext, services: WorkbenchServices, name: unknown, keyArg: unknown): Promise<boolean> {
  const endpoint = await chooseEndpoint(services, name, vscode.l10n.t('Set the API key of which endpoint?'));
  if (!endpoint) return false;
  const key =
    typeof keyArg === 'string'
      ? keyArg
      : await vscode.window.showInputBox({
          title: vscode.l10n.t('API key for {0}', endpoint.name),
          prompt: vscode.l10n.t('Kept in VS Code secret storage, never in settings or logs; sent as a bearer token to {0}.', endpoint.baseUrl),
          password: true,
          ignoreFocusOut: true,
        });
  if (!key?.trim()) return false;
  try {
    await context.secrets.store(endpointSecretKey(endpoint.name, endpoint.baseUrl), key.trim());
  } catch (err) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        'Could not store the key in secret storage ({0}). On Linux without a keyring, put the key in an environment variable and name it in "apiKeyEnv" for {1}.',
        (err as Error).message,
        endpoint.name,
      ),
    );
    return false;
  }
  if (typeof keyArg !== 'string') void vscode.window.showInformationMessage(vscode.l10n.t('The API key of {0} is stored.', endpoint.name));
  return true;
}
