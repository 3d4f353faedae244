import * as vscode from 'vscode';
import { BUILTIN_MODELS, type ModelInfo } from '../core/catalog/builtinModels';
import { ModelCatalog } from '../core/catalog/modelCatalog';
import { mergeModels } from '../core/catalog/modelDiscovery';
import { applyEndpoints, endpointSecretKey, type EndpointConfig } from '../core/providers/openaiEndpoints';
import { SessionCost } from '../core/runs/costEstimate';
import { BedrockProvider } from '../core/providers/bedrock';
import { bedrockEndpointKind } from '../core/providers/endpointNotice';
import { ProviderRegistry } from '../core/providers/providerRegistry';
import type { PromptRunner, RunOutcome } from '../core/runs/promptRunner';
import type { DocumentIndex } from './rag/ragAccess';
import { loadEngine } from './loadEngine';
import { ModelSelection } from './models/modelSelection';
import { PromptInputs } from './run/promptInputs';
import { awsConnection, readSettings, SETTINGS_SECTION, WorkbenchSettings } from './settings';
import type { AwsConnection } from '../core/aws/awsConnection';
import { Ratings } from './ratings/ratings';

export const BEDROCK_API_KEY_SECRET = 'promptWorkbench.bedrock.apiKey';

/**
 * The services the extension builds once, at activation, and hands to commands. Building
 * them is cheap: providers (and the AWS SDK behind them) are created on first use.
 */
export class WorkbenchServices implements vscode.Disposable {
  readonly providers: ProviderRegistry;
  readonly selection: ModelSelection;
  /** Where prompts' inputs come from: defaults, sample sets, the form (run panel and preview). */
  readonly inputs: PromptInputs;
  /** Rating where the output is: the recorder, blind mode and pairwise (src/host/ratings/). */
  readonly ratings: Ratings;
  private settings: WorkbenchSettings;
  private catalog_: ModelCatalog;
  private bedrockApiKey: string | undefined;
  private apiKeyLoaded: Promise<void>;
  /** What this window has spent on model calls (the status bar's tooltip). */
  readonly sessionCost = new SessionCost();
  private readonly runFinished = new vscode.EventEmitter<RunOutcome>();
  /** Fires after every model call of this window, recorded or not. */
  readonly onDidRun = this.runFinished.event;
  /** Models listed by Bedrock and the OpenAI-compatible endpoints (see modelPicker.ts). */
  private discovered: readonly ModelInfo[] = [];
  /** The OpenAI-compatible endpoints registered as providers now. */
  private endpointIds: string[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    /** The workspace's document index: `workbench.rag` retrieval, the email panel's related documents. */
    readonly documents: DocumentIndex,
  ) {
    this.settings = readSettings();
    this.catalog_ = new ModelCatalog(undefined, this.settings.prices);
    this.providers = new ProviderRegistry({
      bedrock: () =>
        new BedrockProvider({
          region: this.settings.bedrock.region,
          profile: this.settings.bedrock.profile,
          endpoint: this.settings.bedrock.endpointUrl,
          maxAttempts: this.settings.bedrock.maxAttempts,
          apiKey: this.bedrockApiKey,
        }),
    });
    this.applyEndpointSettings();
    this.selection = new ModelSelection(context.workspaceState, () => this.settings.defaultModel);
    this.inputs = new PromptInputs(context.workspaceState);
    this.ratings = new Ratings(log, () => this.settings.ratingsBlind);
    this.apiKeyLoaded = this.loadApiKey();
    this.disposables.push(
      this.runFinished,
      this.selection,
      this.inputs,
      this.ratings,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(SETTINGS_SECTION)) return;
        this.settings = readSettings();
        this.catalog_ = new ModelCatalog(mergeModels(BUILTIN_MODELS, this.discovered), this.settings.prices);
        this.providers.reset();
        this.applyEndpointSettings();
        this.log.info('Settings changed; providers will be rebuilt on next use.');
      }),
      context.secrets.onDidChange((e) => {
        if (e.key === BEDROCK_API_KEY_SECRET) this.apiKeyLoaded = this.loadApiKey();
      }),
    );
  }

  get catalog(): ModelCatalog {
    return this.catalog_;
  }

  get currentSettings(): WorkbenchSettings {
    return this.settings;
  }

  /** Where answers come from, when that is not Amazon Bedrock itself. */
  endpointNotice(model: string): string | null {
    if (!model.startsWith('bedrock/')) return null;
    const url = this.settings.bedrock.endpointUrl ?? process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
    switch (bedrockEndpointKind(url)) {
      case 'invalid':
        return vscode.l10n.t('The Bedrock endpoint “{0}” is not a valid URL.', url ?? '');
      case 'local':
        return vscode.l10n.t('Answers come from a local Bedrock-compatible server at {0} (such as the Prompt Workbench simulator), not from Amazon Bedrock.', url ?? '');
      case 'custom':
        return vscode.l10n.t('Answers come from the custom Bedrock endpoint {0}.', url ?? '');
      default:
        return null;
    }
  }

  /** A runner that records into the given workspace folder (or nowhere, for a loose file). */
  async runnerFor(workspaceFolder: string | undefined): Promise<PromptRunner> {
    await this.apiKeyLoaded;
    const { PromptRunner, knowledgeBaseRetriever } = await loadEngine();
    return new PromptRunner({
      providers: this.providers,
      catalog: this.catalog_,
      workspaceFolder,
      storeInputs: this.settings.storeInputs,
      // A prompt's own `model` wins; then the model picked in the status bar; then the setting.
      defaultModel: this.selection.activeModel,
      onRecordError: (err) => this.log.error(`Could not append the run record: ${err.message}`),
      guardrail: this.settings.guardrail,
      denyList: this.settings.filters.deny,
      retrieve: workspaceFolder ? this.documents.retrieverFor(workspaceFolder) : undefined,
      retrieveKnowledgeBase: knowledgeBaseRetriever(() => this.awsConnection()),
      // A call that failed before any token was counted is not billed.
      onRun: (o) => {
        this.sessionCost.add(o.metrics.costUsd ?? (o.error && o.metrics.outputTokens == null ? 0 : null));
        this.runFinished.fire(o);
      },
    });
  }

  /** Puts the models the listings found into the catalog, over the built-in metadata. */
  setDiscoveredModels(models: readonly ModelInfo[]): void {
    this.discovered = models;
    this.catalog_ = new ModelCatalog(mergeModels(BUILTIN_MODELS, models), this.settings.prices);
  }

  /** Registers the OpenAI-compatible endpoints of the settings as providers (`name/model`). */
  private applyEndpointSettings(): void {
    for (const problem of this.settings.openai.problems) this.log.warn(problem);
    for (const problem of this.settings.filters.problems) this.log.warn(problem);
    this.endpointIds = applyEndpoints(this.providers, this.settings.openai.endpoints, this.endpointIds, (endpoint) => this.endpointApiKey(endpoint));
  }

  /** Read on every call, so a key stored a moment ago is used: secret storage first, then the endpoint's environment variable. */
  async endpointApiKey(endpoint: EndpointConfig): Promise<string | undefined> {
    try {
      // Bound to the endpoint's name and origin; a name-only key of an earlier version moves to the endpoint of the user's settings once.
      const stored = (await this.context.secrets.get(endpointSecretKey(endpoint.name, endpoint.baseUrl))) || (await this.moveLegacyEndpointKey(endpoint));
      if (stored) return stored;
    } catch (err) {
      // Linux machines without a keyring have no secret storage; the environment variable still works.
      if (endpoint.apiKeySecret) this.log.warn(`Could not read the API key of ${endpoint.name} from secret storage: ${(err as Error).message}`);
    }
    return endpoint.apiKeyEnv ? process.env[endpoint.apiKeyEnv] || undefined : undefined;
  }

  private async moveLegacyEndpointKey(endpoint: EndpointConfig): Promise<string | undefined> {
    const legacy = await this.context.secrets.get(endpointSecretKey(endpoint.name));
    if (!legacy) return undefined;
    await this.context.secrets.store(endpointSecretKey(endpoint.name, endpoint.baseUrl), legacy);
    await this.context.secrets.delete(endpointSecretKey(endpoint.name));
    return legacy;
  }

  /** The Bedrock API key from secret storage, once read (the document index's Bedrock embedders use it too). */
  async bedrockApiKeyValue(): Promise<string | undefined> {
    await this.apiKeyLoaded;
    return this.bedrockApiKey;
  }

  /** How to reach any AWS service from this window (settings, and the Bedrock API key for Bedrock's own endpoints). */
  async awsConnection(): Promise<AwsConnection> {
    await this.apiKeyLoaded;
    return awsConnection(this.settings, this.bedrockApiKey);
  }

  private async loadApiKey(): Promise<void> {
    try {
      this.bedrockApiKey = (await this.context.secrets.get(BEDROCK_API_KEY_SECRET)) || undefined;
    } catch (err) {
      // Linux machines without a keyring cannot use SecretStorage: the SDK's own chain still works.
      this.log.warn(`Could not read the Bedrock API key from secret storage: ${(err as Error).message}`);
      this.bedrockApiKey = undefined;
    }
    this.providers.reset();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
