import * as path from 'node:path';
import * as vscode from 'vscode';
import { listBedrockModels, type BedrockCatalogOptions } from '../../core/catalog/bedrockCatalog';
import { BUILTIN_MODELS } from '../../core/catalog/builtinModels';
import { ModelDiscovery, type Discovered, type ModelSource } from '../../core/catalog/modelDiscovery';
import { fetchPriceList, PriceListCache, withPriceList, type PriceListResult } from '../../core/catalog/priceList';
import { parseModelId } from '../../core/providers/modelId';
import { OpenAiCompatibleProvider } from '../../core/providers/openaiCompatible';
import { endpointModelInfo, isLocalEndpoint } from '../../core/providers/openaiEndpoints';
import { COMMAND } from '../commandIds';
import { PROMPT_LANGUAGE_ID } from '../language/languageId';
import { loadEngine } from '../loadEngine';
import { MAX_SHORTLIST } from './modelSelection';
import { modelItems, pickableModels, problemItems, typedIdItem, type ModelPickItem } from './modelPickerItems';
import { BEDROCK_API_KEY_SECRET, type WorkbenchServices } from '../services';
import type { WorkbenchSettings } from '../settings';
import { formatUsd } from '../../core/format/units';

const DAY_MS = 24 * 60 * 60 * 1000;
const ENDPOINT_LISTING_MAX_AGE_MS = 5 * 60 * 1000;

/**
 * Where Bedrock's control plane (the model listing) is: the setting, else the runtime
 * endpoint when that is a local server (the simulator answers both), else the SDK's own
 * (`https://bedrock.REGION.amazonaws.com`, or `AWS_ENDPOINT_URL_BEDROCK`).
 */
export function bedrockControlEndpoint(settings: WorkbenchSettings): string | undefined {
  if (settings.bedrockControlEndpointUrl) return settings.bedrockControlEndpointUrl;
  const runtime = settings.bedrock.endpointUrl;
  return runtime && isLocalEndpoint(runtime) ? runtime : undefined;
}

/** The `model` and `workbench.compare` of the `.prompt` in the active editor, which win over the picker's choice. */
interface PromptOverrides {
  file: string;
  model?: string;
  compare: string[];
}

async function activePromptOverrides(): Promise<PromptOverrides | undefined> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || !(document.languageId === PROMPT_LANGUAGE_ID || document.fileName.endsWith('.prompt'))) return undefined;
  const { parsePromptSource } = await loadEngine();
  const parsed = parsePromptSource(document.getText());
  const compare = Array.isArray(parsed.workbench.compare) ? parsed.workbench.compare.filter((m): m is string => typeof m === 'string') : [];
  return { file: path.basename(document.fileName), model: parsed.model, compare };
}

/**
 * The status bar item that shows the active model, and the two pickers behind it: the
 * active model, and the comparison shortlist. Both list the catalog grouped by provider,
 * with context window and price, and refresh the model listings in the background.
 */
/** Built-in metadata (context window, prices) for a model id, if the catalog knows it. */
export const knownBuiltinModel = (id: string) => BUILTIN_MODELS.find((m) => m.id === id);

/** The Bedrock Region prices are read for: the setting, else the SDK's environment, else us-east-1. */
export function priceRegion(settings: WorkbenchSettings): string {
  return settings.bedrock.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
}

/** What a refresh found: the listings, and the Price List's outcome. */
export interface DiscoveredWithPrices extends Discovered {
  prices: PriceListResult;
}

export class ModelPicker implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly discovery: ModelDiscovery;
  private readonly priceList: PriceListCache;
  /** The Price List's problem is said once per window; after that the picker just uses the built-in table. */
  private priceNoteShown = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: WorkbenchServices, private readonly context: vscode.ExtensionContext) {
    this.discovery = new ModelDiscovery(context.globalState);
    this.priceList = new PriceListCache(context.globalState, (region, signal) => fetchPriceList(this.priceListOptions(region), signal));
    // What earlier windows listed and priced is known at once, without asking anyone.
    services.setDiscoveredModels(withPriceList(this.discovery.cached(this.sources()), BUILTIN_MODELS, this.priceList.cached(priceRegion(services.currentSettings))));
    this.item = vscode.window.createStatusBarItem('promptWorkbench.model', vscode.StatusBarAlignment.Right, 100);
    this.item.name = vscode.l10n.t('Prompt Workbench Model');
    this.item.command = COMMAND.pickModel;
    this.disposables.push(
      this.item,
      services.selection.onDidChange(() => this.update()),
      services.sessionCost.onChange(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('promptWorkbench') && this.update()),
    );
    this.update();
    this.item.show();
  }

  private name(id: string): string {
    return this.services.catalog.find(id)?.name ?? parseModelId(id).modelId;
  }

  /** Text, tooltip and accessible label of the status bar item. */
  update(): void {
    const active = this.services.selection.activeModel;
    const shortlist = this.services.selection.shortlist;
    const session = this.services.sessionCost.snapshot;
    this.item.text = `$(sparkle) ${this.name(active)}`;
    this.item.accessibilityInformation = { label: vscode.l10n.t('Prompt Workbench model: {0}. Click to change it.', this.name(active)) };
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${vscode.l10n.t('Active model')}**: ${this.name(active)} (\`${active}\`)\n\n`);
    tooltip.appendMarkdown(
      `**${vscode.l10n.t('Comparison shortlist')}**: ${shortlist.length ? shortlist.map((m) => this.name(m)).join(', ') : vscode.l10n.t('none (comparisons use the active model)')}\n\n`,
    );
    const unpriced = session.unpriced ? vscode.l10n.t(' ({0} without a known price)', session.unpriced) : '';
    tooltip.appendMarkdown(`**${vscode.l10n.t('This session')}**: ${formatUsd(session.usd)} ${vscode.l10n.t('over {0} runs', session.runs)}${unpriced}\n\n`);
    tooltip.appendMarkdown(vscode.l10n.t("A prompt's own `model` and `workbench.compare` take precedence. Click to change the model."));
    this.item.tooltip = tooltip;
  }

  /** How to reach Bedrock's control plane with the current settings and the stored API key, if any. */
  async bedrockControlOptions(): Promise<BedrockCatalogOptions> {
    const settings = this.services.currentSettings;
    const { region, profile, maxAttempts } = settings.bedrock;
    const endpoint = bedrockControlEndpoint(settings);
    const apiKey = (await Promise.resolve(this.context.secrets.get(BEDROCK_API_KEY_SECRET)).catch(() => undefined)) || undefined;
    return { region, profile, endpoint, apiKey, maxAttempts };
  }

  /** How to reach the AWS Price List: the SDK's endpoint (or AWS_ENDPOINT_URL_PRICING), or the local server that also answers Bedrock. */
  private priceListOptions(region: string): Parameters<typeof fetchPriceList>[0] {
    const { profile, maxAttempts } = this.services.currentSettings.bedrock;
    const control = bedrockControlEndpoint(this.services.currentSettings);
    return { region, profile, maxAttempts, ...(control && isLocalEndpoint(control) ? { endpoint: control } : {}) };
  }

  /** Every place models are listed from: Bedrock's control plane and each OpenAI-compatible endpoint. */
  sources(): ModelSource[] {
    const settings = this.services.currentSettings;
    const { region, profile } = settings.bedrock;
    const endpoint = bedrockControlEndpoint(settings);
    const bedrock: ModelSource = {
      key: `bedrock|${region ?? 'sdk-default'}|${profile ?? ''}|${endpoint ?? 'aws'}`,
      label: vscode.l10n.t('Amazon Bedrock ({0})', region ?? vscode.l10n.t('default Region')),
      maxAgeMs: DAY_MS,
      list: async (signal) => (await listBedrockModels(await this.bedrockControlOptions(), knownBuiltinModel, signal)).models,
    };
    const endpoints = settings.openai.endpoints.map(
      (config): ModelSource => ({
        key: `endpoint|${config.name}|${config.baseUrl}`,
        label: config.name,
        maxAgeMs: ENDPOINT_LISTING_MAX_AGE_MS,
        list: async (signal) => {
          const provider = new OpenAiCompatibleProvider({ name: config.name, baseUrl: config.baseUrl, apiKey: () => this.services.endpointApiKey(config) });
          return (await provider.listModels(signal)).map((m) => endpointModelInfo(config, m.id));
        },
      }),
    );
    return [bedrock, ...endpoints];
  }

  /** Lists the models again (or takes fresh cached listings) and puts them in the catalog. */
  async discover(refresh = false): Promise<DiscoveredWithPrices> {
    const [found, prices] = await Promise.all([this.discovery.discover(this.sources(), { refresh }), this.priceList.get(priceRegion(this.services.currentSettings), { refresh })]);
    this.services.setDiscoveredModels(withPriceList(found.models, BUILTIN_MODELS, prices.snapshot));
    for (const listing of found.listings) if (listing.problem) this.services.log.warn(`Model list of ${listing.label}: ${listing.problem}`);
    if (prices.problem) this.services.log.warn(`AWS Price List: ${prices.problem}`);
    else if (prices.snapshot?.unreadable) this.services.log.info(`AWS Price List: ${prices.snapshot.unreadable} products could not be read and were skipped.`);
    this.update();
    return { ...found, prices };
  }

  /** The one-time note that prices come from the built-in table because the Price List could not be read. */
  private priceNote(prices: PriceListResult): ModelPickItem[] {
    if (!prices.problem || this.priceNoteShown) return [];
    this.priceNoteShown = true;
    return [{ label: `$(info) ${vscode.l10n.t('Prices: built-in table')}`, detail: prices.problem, action: 'problem', problem: prices.problem, alwaysShow: true }];
  }

  /** Opens the picker; `model` (a command argument) sets the active model without asking. */
  async pickModel(model?: unknown): Promise<string | undefined> {
    if (typeof model === 'string' && model.trim()) {
      await this.services.selection.setActiveModel(model);
      return this.services.selection.activeModel;
    }
    const overrides = await activePromptOverrides();
    const quickPick = vscode.window.createQuickPick<ModelPickItem>();
    quickPick.title = overrides?.model
      ? vscode.l10n.t('Active model — {0} names its own model ({1}), which it keeps', overrides.file, overrides.model)
      : vscode.l10n.t('Active model');
    quickPick.placeholder = vscode.l10n.t('Search by name or id, or type a model id such as ollama/llama3.2');
    quickPick.matchOnDescription = true;
    quickPick.buttons = [{ iconPath: new vscode.ThemeIcon('refresh'), tooltip: vscode.l10n.t('Refresh the model list') }];
    const actions: ModelPickItem[] = [
      { label: `$(checklist) ${vscode.l10n.t('Choose comparison models…')}`, description: vscode.l10n.t('{0} in the shortlist', this.services.selection.shortlist.length), action: 'compare' },
    ];
    let problems: ModelPickItem[] = [];
    let closed = false;
    const build = (): void => {
      if (closed) return; // a listing that finishes after the picker closed
      const active = this.services.selection.activeModel;
      const models = pickableModels(this.services.catalog, [active, ...this.services.selection.shortlist]);
      const rows = modelItems(this.services.catalog, models, { active, shortlist: this.services.selection.shortlist });
      const typed = typedIdItem(quickPick.value, rows);
      quickPick.items = [...(typed ? [typed] : []), ...actions, ...problems, ...rows];
      const current = rows.find((r) => r.model === active);
      if (current && !typed) quickPick.activeItems = [current];
    };
    const refresh = (force: boolean): void => {
      quickPick.busy = true;
      void this.discover(force).then(
        (found) => {
          problems = [...problemItems(found.listings), ...this.priceNote(found.prices)];
          build();
          if (!closed) quickPick.busy = false;
        },
        () => !closed && (quickPick.busy = false),
      );
    };
    const chosen = await new Promise<ModelPickItem | undefined>((resolve) => {
      const subscriptions = [
        quickPick.onDidChangeValue(() => build()),
        quickPick.onDidTriggerButton(() => refresh(true)),
        quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0])),
        quickPick.onDidHide(() => resolve(undefined)),
      ];
      quickPick.onDidHide(() => subscriptions.forEach((s) => s.dispose()));
      build();
      quickPick.show();
      refresh(false);
    });
    closed = true;
    quickPick.hide();
    quickPick.dispose();
    if (!chosen) return undefined;
    if (chosen.action === 'compare') {
      await this.pickComparisonModels();
      return undefined;
    }
    if (chosen.action === 'problem') {
      void this.showProblem(chosen.problem ?? '');
      return undefined;
    }
    if (!chosen.model) return undefined;
    await this.services.selection.setActiveModel(chosen.model);
    return this.services.selection.activeModel;
  }

  /** Opens the multi-select picker; `models` (a command argument) sets the shortlist without asking. */
  async pickComparisonModels(models?: unknown): Promise<string[] | undefined> {
    const max = this.services.currentSettings.shortlistMaxModels;
    if (Array.isArray(models)) {
      const ids = models.filter((m): m is string => typeof m === 'string' && m.trim().length > 0);
      if (ids.length > max) {
        void vscode.window.showWarningMessage(vscode.l10n.t('The shortlist holds at most {0} models; raise promptWorkbench.shortlist.maxModels (up to {1}) for more.', max, MAX_SHORTLIST));
        return undefined;
      }
      await this.services.selection.setShortlist(ids);
      return this.services.selection.shortlist;
    }
    const overrides = await activePromptOverrides();
    const quickPick = vscode.window.createQuickPick<ModelPickItem>();
    quickPick.canSelectMany = true;
    quickPick.matchOnDescription = true;
    const baseTitle =
      overrides && overrides.compare.length
        ? vscode.l10n.t('Comparison models — {0} sets workbench.compare, which it keeps', overrides.file)
        : vscode.l10n.t('Comparison models');
    const setTitle = (count: number): void => {
      quickPick.title = count > max ? vscode.l10n.t('{0} — {1} picked: pick at most {2}', baseTitle, count, max) : vscode.l10n.t('{0} — {1} of up to {2} picked', baseTitle, count, max);
    };
    quickPick.placeholder = vscode.l10n.t('Pick up to {0} models to compare side by side; search by name or id', max);
    const shortlist = this.services.selection.shortlist;
    let selected = new Set(shortlist.length ? shortlist : [this.services.selection.activeModel]);
    let closed = false;
    const build = (): void => {
      if (closed) return;
      const models = pickableModels(this.services.catalog, [...selected]);
      const rows = modelItems(this.services.catalog, models, { active: this.services.selection.activeModel });
      const typed = typedIdItem(quickPick.value, rows);
      // A listing's problem is shown by the single picker; here a checkbox on it would mean nothing.
      const items = [...(typed ? [typed] : []), ...rows];
      quickPick.items = items;
      quickPick.selectedItems = items.filter((i) => i.model && selected.has(i.model));
      setTitle(selected.size);
    };
    const chosen = await new Promise<string[] | undefined>((resolve) => {
      const subscriptions = [
        quickPick.onDidChangeValue(() => build()),
        quickPick.onDidChangeSelection((items) => {
          // Rows hidden by the search keep their state; only visible rows report a change.
          const visible = new Set(quickPick.items.map((i) => i.model));
          selected = new Set([...[...selected].filter((m) => !visible.has(m)), ...items.filter((i) => i.model).map((i) => i.model as string)]);
          setTitle(selected.size);
        }),
        quickPick.onDidAccept(() => {
          if (selected.size > max) return setTitle(selected.size);
          resolve([...selected]);
        }),
        quickPick.onDidHide(() => resolve(undefined)),
      ];
      quickPick.onDidHide(() => subscriptions.forEach((s) => s.dispose()));
      build();
      quickPick.show();
      quickPick.busy = true;
      void this.discover(false).then(
        () => {
          build();
          if (!closed) quickPick.busy = false;
        },
        () => !closed && (quickPick.busy = false),
      );
    });
    closed = true;
    quickPick.hide();
    quickPick.dispose();
    if (!chosen) return undefined;
    await this.services.selection.setShortlist(chosen);
    return this.services.selection.shortlist;
  }

  private async showProblem(problem: string): Promise<void> {
    const settings = vscode.l10n.t('Open Settings');
    const choice = await vscode.window.showWarningMessage(problem, settings);
    if (choice === settings) void vscode.commands.executeCommand('workbench.action.openSettings', 'promptWorkbench');
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
