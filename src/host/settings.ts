import * as vscode from 'vscode';
import { AWS_SERVICES, type AwsConnection, type AwsService } from '../core/aws/awsConnection';
import type { PriceOverride } from '../core/catalog/modelCatalog';
import { readGuardrailRef } from '../core/providers/bedrockGuardrail';
import { readEndpointConfigs, type EndpointConfig } from '../core/providers/openaiEndpoints';
import type { GuardrailRef } from '../core/providers/types';
import { compileDenyList, type DenyFilter } from '../core/privacy/denyList';

/** Every setting key the extension reads, in one table (package.json contributes the same). */
export const SETTING = {
  bedrockRegion: 'bedrock.region',
  bedrockProfile: 'bedrock.profile',
  bedrockEndpointUrl: 'bedrock.endpointUrl',
  bedrockMaxAttempts: 'bedrock.maxAttempts',
  defaultModel: 'defaultModel',
  storeInputs: 'runs.storeInputs',
  prices: 'prices',
  bedrockGuardrail: 'bedrock.guardrail',
  bedrockControlEndpointUrl: 'bedrock.controlEndpointUrl',
  openaiEndpoints: 'openai.endpoints',
  costGuardThresholdUsd: 'costGuard.thresholdUsd',
  shortlistMaxModels: 'shortlist.maxModels',
  ratingsBlind: 'ratings.blind',
  ragInclude: 'rag.include',
  ragExclude: 'rag.exclude',
  ragMaxFileKb: 'rag.maxFileKb',
  ragEmbedder: 'rag.embedder',
  ragTitanDimensions: 'rag.titanDimensions',
  ragOpenaiBaseUrl: 'rag.openaiBaseUrl',
  ragOpenaiModel: 'rag.openaiModel',
  ragAutoIndex: 'rag.autoIndex',
  datasetsConcurrency: 'datasets.concurrency',
  datasetsJudgeModel: 'datasets.judgeModel',
  cacheMaxMb: 'cache.maxMb',
  cacheInteractive: 'cache.interactive',
  privacyMaskPii: 'privacy.maskPii',
  privacyMaskNames: 'privacy.maskNames',
  filtersDeny: 'filters.deny',
  emailPrompt: 'email.prompt',
  awsEndpointUrls: 'aws.endpointUrls',
  batchS3Uri: 'batch.s3Uri',
  batchRoleArn: 'batch.roleArn',
  batchMinCases: 'batch.minCases',
} as const;

export const SETTINGS_SECTION = 'promptWorkbench';

export interface WorkbenchSettings {
  bedrock: { region?: string; profile?: string; endpointUrl?: string; maxAttempts: number };
  defaultModel: string;
  storeInputs: boolean;
  prices: Record<string, PriceOverride>;
  /** Applied to Bedrock calls of prompts without their own `workbench.guardrail`. */
  guardrail?: GuardrailRef;
  /** Endpoint overrides of the other AWS services (S3, Agents for Amazon Bedrock, CloudWatch Logs); see `awsConnection()`. */
  awsEndpointUrls: Partial<Record<AwsService, string>>;
  /** Bedrock's control plane (model listing); see `bedrockControlEndpoint()`. */
  bedrockControlEndpointUrl?: string;
  /** OpenAI-compatible endpoints; `problems` explains entries that were skipped. */
  openai: { endpoints: EndpointConfig[]; problems: string[] };
  /** Ask before a run or comparison estimated above this many USD. */
  costGuardThresholdUsd: number;
  /** How many models the comparison shortlist may hold (3 by default, at most 6). */
  shortlistMaxModels: number;
  /** New comparisons start in blind mode (names hidden, columns shuffled until rated). */
  ratingsBlind: boolean;
  /** The document index (RAG): which files, which embedder; see src/host/rag/ragSettings.ts. */
  rag: RagUserSettings;
  /** Run Dataset: calls at once, and the judge of `llmJudge` checks that name no model (undefined: the active model). */
  datasets: { concurrency: number; judgeModel?: string };
  /** The response cache: its size bound, and whether Run and Compare use it (datasets and the judge always do). */
  cache: { maxMb: number; interactive: boolean };
  /** Local deny-list filters on every call's input and output; `problems` explains patterns that were skipped. */
  filters: { deny: DenyFilter[]; problems: string[] };
  /** Bedrock batch inference: where input and results go, the role Bedrock assumes, and from how many cases Run Dataset offers it. */
  batch: { s3Uri?: string; roleArn?: string; minCases: number };
}

function denyFilters(value: unknown): { deny: DenyFilter[]; problems: string[] } {
  const { filters, problems } = compileDenyList(value);
  return { deny: filters, problems };
}

/** Summarize Email's settings, read per folder (masking can be turned off for one workspace). */
export interface EmailSettings {
  maskPii: boolean;
  maskNames: boolean;
  /** A prompt replacing prompts/email-summary.prompt: absolute, or relative to the workspace folder. */
  prompt?: string;
}

export function readEmailSettings(scope?: vscode.ConfigurationScope): EmailSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return {
    maskPii: c.get<boolean>(SETTING.privacyMaskPii) ?? true,
    maskNames: c.get<boolean>(SETTING.privacyMaskNames) ?? true,
    prompt: nonEmpty(c.get<string>(SETTING.emailPrompt)),
  };
}

export type RagEmbedderChoice = 'offline' | 'bedrock-titan' | 'bedrock-cohere-english' | 'bedrock-cohere-multilingual' | 'openai';

export interface RagUserSettings {
  include: string[];
  exclude: string[];
  maxFileKb: number;
  embedder: RagEmbedderChoice;
  titanDimensions: 256 | 512 | 1024;
  openaiBaseUrl: string;
  openaiModel: string;
  autoIndex: boolean;
}

const RAG_EMBEDDERS: readonly RagEmbedderChoice[] = ['offline', 'bedrock-titan', 'bedrock-cohere-english', 'bedrock-cohere-multilingual', 'openai'];
const stringList = (value: unknown, fallback: string[]) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : fallback);

const nonEmpty = (value: string | undefined) => (value && value.trim() ? value.trim() : undefined);

/** `promptWorkbench.aws.endpointUrls`: only known services, only http(s) URLs. */
function endpointUrls(value: unknown): Partial<Record<AwsService, string>> {
  const result: Partial<Record<AwsService, string>> = {};
  if (!value || typeof value !== 'object') return result;
  for (const [service, url] of Object.entries(value as Record<string, unknown>)) {
    if (!(AWS_SERVICES as readonly string[]).includes(service) || service === 'bedrock-runtime' || service === 'bedrock') continue;
    if (typeof url === 'string' && /^https?:\/\/\S+$/.test(url.trim())) result[service as AwsService] = url.trim();
  }
  return result;
}

/**
 * How this window reaches AWS, for any service's client (see core/aws/awsConnection.ts): the
 * Region, profile and attempts of `promptWorkbench.bedrock.*`, the runtime and control-plane
 * endpoints, and `promptWorkbench.aws.endpointUrls` for the others.
 */
export function awsConnection(settings: WorkbenchSettings, apiKey?: string): AwsConnection {
  const endpoints: Partial<Record<AwsService, string>> = { ...settings.awsEndpointUrls };
  if (settings.bedrock.endpointUrl) endpoints['bedrock-runtime'] = settings.bedrock.endpointUrl;
  if (settings.bedrockControlEndpointUrl) endpoints.bedrock = settings.bedrockControlEndpointUrl;
  return { region: settings.bedrock.region, profile: settings.bedrock.profile, maxAttempts: settings.bedrock.maxAttempts, ...(apiKey ? { apiKey } : {}), endpoints };
}

/** The one typed accessor for settings. */
export function readSettings(scope?: vscode.ConfigurationScope): WorkbenchSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return {
    bedrock: {
      region: nonEmpty(c.get<string>(SETTING.bedrockRegion)),
      profile: nonEmpty(c.get<string>(SETTING.bedrockProfile)),
      endpointUrl: nonEmpty(c.get<string>(SETTING.bedrockEndpointUrl)),
      maxAttempts: c.get<number>(SETTING.bedrockMaxAttempts) ?? 3,
    },
    defaultModel: nonEmpty(c.get<string>(SETTING.defaultModel)) ?? 'bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0',
    storeInputs: c.get<boolean>(SETTING.storeInputs) ?? false,
    prices: c.get<Record<string, PriceOverride>>(SETTING.prices) ?? {},
    guardrail: readGuardrailRef(c.get<unknown>(SETTING.bedrockGuardrail)),
    bedrockControlEndpointUrl: nonEmpty(c.get<string>(SETTING.bedrockControlEndpointUrl)),
    awsEndpointUrls: endpointUrls(c.get<unknown>(SETTING.awsEndpointUrls)),
    openai: readEndpointConfigs(c.get<unknown>(SETTING.openaiEndpoints)),
    costGuardThresholdUsd: Math.max(0, c.get<number>(SETTING.costGuardThresholdUsd) ?? 0.1),
    shortlistMaxModels: Math.min(6, Math.max(1, Math.round(c.get<number>(SETTING.shortlistMaxModels) ?? 3))),
    ratingsBlind: c.get<boolean>(SETTING.ratingsBlind) ?? false,
    datasets: {
      concurrency: Math.min(16, Math.max(1, Math.round(c.get<number>(SETTING.datasetsConcurrency) ?? 4))),
      judgeModel: nonEmpty(c.get<string>(SETTING.datasetsJudgeModel)),
    },
    cache: { maxMb: Math.max(1, c.get<number>(SETTING.cacheMaxMb) ?? 200), interactive: c.get<boolean>(SETTING.cacheInteractive) ?? false },
    filters: denyFilters(c.get<unknown>(SETTING.filtersDeny)),
    batch: {
      s3Uri: nonEmpty(c.get<string>(SETTING.batchS3Uri)),
      roleArn: nonEmpty(c.get<string>(SETTING.batchRoleArn)),
      minCases: Math.max(1, Math.round(c.get<number>(SETTING.batchMinCases) ?? 100)),
    },
    rag: {
      include: stringList(c.get<unknown>(SETTING.ragInclude), ['**/*.md', '**/*.txt', '**/*.rst', '**/*.adoc', '**/*.html']),
      exclude: stringList(c.get<unknown>(SETTING.ragExclude), []),
      maxFileKb: Math.max(1, c.get<number>(SETTING.ragMaxFileKb) ?? 512),
      embedder: RAG_EMBEDDERS.find((e) => e === c.get<string>(SETTING.ragEmbedder)) ?? 'offline',
      titanDimensions: ([256, 512, 1024] as const).find((d) => d === c.get<number>(SETTING.ragTitanDimensions)) ?? 1024,
      openaiBaseUrl: nonEmpty(c.get<string>(SETTING.ragOpenaiBaseUrl)) ?? 'http://127.0.0.1:11434/v1',
      openaiModel: nonEmpty(c.get<string>(SETTING.ragOpenaiModel)) ?? 'nomic-embed-text',
      autoIndex: c.get<boolean>(SETTING.ragAutoIndex) ?? true,
    },
  };
}
