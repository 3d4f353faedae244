import * as vscode from 'vscode';
import { checkBedrockConnection, summarizeConnection, type BedrockConnectionReport, type ModelAccess, type ModelAccessStatus } from '../../core/catalog/connectionCheck';
import type { ListingStatus } from '../../core/catalog/modelDiscovery';
import { COMMAND } from '../commandIds';
import { knownBuiltinModel, type ModelPicker } from '../models/modelPicker';
import type { WorkbenchServices } from '../services';

/** What `promptWorkbench.checkConnection` resolves with (for the walkthrough, scripts and tests). */
export interface ConnectionCheckResult {
  bedrock: BedrockConnectionReport;
  endpoints: ListingStatus[];
}

interface AccessItem extends vscode.QuickPickItem {
  model?: ModelAccess;
  region?: string;
}

const ICON: Record<ModelAccessStatus, string> = {
  ready: '$(pass-filled)',
  'needs-access': '$(lock)',
  pending: '$(clock)',
  unknown: '$(question)',
  'not-in-region': '$(circle-slash)',
};

function heading(status: ModelAccessStatus, n: number): string {
  switch (status) {
    case 'ready':
      return vscode.l10n.t('Ready to call ({0})', n);
    case 'needs-access':
      return vscode.l10n.t('Need access granted ({0})', n);
    case 'pending':
      return vscode.l10n.t('Access requested, pending ({0})', n);
    case 'not-in-region':
      return vscode.l10n.t('Not offered in this Region ({0})', n);
    default:
      return vscode.l10n.t('Access unknown ({0})', n);
  }
}

function modelAccessPage(region: string | undefined): vscode.Uri {
  const r = region ?? 'us-east-1';
  return vscode.Uri.parse(`https://${r}.console.aws.amazon.com/bedrock/home?region=${r}#/modelaccess`);
}

/** The QuickPick rows: models grouped by status, then the OpenAI-compatible endpoints. */
export function connectionItems(result: ConnectionCheckResult): AccessItem[] {
  const items: AccessItem[] = [];
  const { bedrock } = result;
  if (!bedrock.ok) {
    items.push({ label: `$(error) ${vscode.l10n.t('Amazon Bedrock could not be reached')}`, detail: bedrock.problem });
  } else {
    if (bedrock.availabilityProblem) items.push({ label: `$(warning) ${vscode.l10n.t('Access per model is unknown')}`, detail: bedrock.availabilityProblem });
    const statuses: ModelAccessStatus[] = ['ready', 'pending', 'needs-access', 'unknown', 'not-in-region'];
    for (const status of statuses) {
      const models = bedrock.models.filter((m) => m.status === status);
      if (!models.length) continue;
      items.push({ label: heading(status, models.length), kind: vscode.QuickPickItemKind.Separator });
      for (const model of models) {
        items.push({ label: `${ICON[status]} ${model.name}`, description: model.id, detail: model.detail, model, region: bedrock.region });
      }
    }
  }
  if (result.endpoints.length) {
    items.push({ label: vscode.l10n.t('OpenAI-compatible endpoints'), kind: vscode.QuickPickItemKind.Separator });
    for (const e of result.endpoints) {
      items.push(
        e.problem
          ? { label: `$(error) ${e.label}`, detail: e.problem }
          : { label: `$(pass-filled) ${e.label}`, description: vscode.l10n.t('{0} models', e.count) },
      );
    }
  }
  return items;
}

/**
 * `Prompt Workbench: Check Connection`: asks Bedrock (with the settings' Region, profile,
 * endpoint or the stored API key) which text models this identity can call and which need
 * access granted, lists each OpenAI-compatible endpoint's models, and shows the answer in a
 * list. Choosing a ready model makes it the active model; choosing one that needs access
 * opens the Bedrock console's Model access page.
 */
export async function checkConnection(services: WorkbenchServices, picker: ModelPicker, options: { quiet?: boolean } = {}): Promise<ConnectionCheckResult> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the connection to Amazon Bedrock and your endpoints…'), cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const bedrockCheck = checkBedrockConnection(await picker.bedrockControlOptions(), knownBuiltinModel, abort.signal);
      const endpointSources = picker.sources().slice(1);
      const endpoints = endpointSources.length ? (await picker.discover(true)).listings.filter((l) => endpointSources.some((s) => s.label === l.label)) : [];
      return { bedrock: await bedrockCheck, endpoints };
    },
  );
  services.log.info(`Check connection: ${summarizeConnection(result.bedrock)} (${result.bedrock.ms} ms)`);
  if (options.quiet) return result;

  const quickPick = vscode.window.createQuickPick<AccessItem>();
  quickPick.title = result.bedrock.ok
    ? vscode.l10n.t('Amazon Bedrock {0}: choose a ready model to use it, or one that needs access to grant it', summarizeConnection(result.bedrock))
    : vscode.l10n.t('Connection check');
  quickPick.items = connectionItems(result);
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  const picked = await new Promise<AccessItem | undefined>((resolve) => {
    quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]));
    quickPick.onDidHide(() => resolve(undefined));
    quickPick.show();
  });
  quickPick.dispose();
  if (picked?.model?.status === 'ready') {
    await vscode.commands.executeCommand(COMMAND.pickModel, picked.model.id);
  } else if (picked?.model) {
    await vscode.env.openExternal(modelAccessPage(picked.region));
  } else if (picked && !result.bedrock.ok) {
    const choice = await vscode.window.showErrorMessage(result.bedrock.problem ?? '', vscode.l10n.t('Open Settings'), vscode.l10n.t('Set Bedrock API Key'));
    if (choice === vscode.l10n.t('Open Settings')) await vscode.commands.executeCommand('workbench.action.openSettings', 'promptWorkbench.bedrock');
    if (choice === vscode.l10n.t('Set Bedrock API Key')) await vscode.commands.executeCommand(COMMAND.setBedrockApiKey);
  }
  return result;
}
