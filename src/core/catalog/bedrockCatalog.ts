/**
 * The models an AWS account can call in a Region, from Bedrock's control plane
 * (`ListFoundationModels`, `ListInferenceProfiles`), merged with the built-in metadata
 * (context window, prices) that the listing lacks. The control-plane SDK is its own lazily
 * loaded bundle: only types are imported here.
 */
import { sdkClientConfig } from '../aws/awsConnection';
import type * as ControlSdk from '@aws-sdk/client-bedrock';
import type { BedrockClientConfig, FoundationModelSummary, InferenceProfileSummary } from '@aws-sdk/client-bedrock';
import { describeBedrockError } from '../providers/bedrockErrors';
import type { ModelInfo } from './builtinModels';

export interface BedrockCatalogOptions {
  region?: string;
  profile?: string;
  /** The control-plane endpoint (`https://bedrock.REGION.amazonaws.com` by default). */
  endpoint?: string;
  /** A Bedrock API key, sent as a bearer token instead of a SigV4 signature. */
  apiKey?: string;
  maxAttempts?: number;
  loadSdk?: () => Promise<typeof ControlSdk>;
}

export interface BedrockListing {
  /** The Region the listing is for, as the SDK resolved it. */
  region: string;
  models: ModelInfo[];
}

const FOUNDATION_MODEL_ARN = /foundation-model\/(.+)$/;

function kindOf(summary: FoundationModelSummary): ModelInfo['kind'] | undefined {
  const outputs = summary.outputModalities ?? [];
  if (outputs.includes('TEXT')) return 'text';
  if (outputs.includes('EMBEDDING')) return 'embedding';
  return undefined; // image and video generators: nothing a prompt comparison can use
}

/** `YYYY-MM-DD` of a timestamp the SDK parsed (a Date) or passed through (a string). */
function dateOf(value: Date | string | undefined): string | undefined {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString().slice(0, 10) : undefined;
}

/** One foundation model as the catalog describes it: built-in metadata where known, the listing's otherwise. */
export function foundationModelInfo(summary: FoundationModelSummary, known: (id: string) => ModelInfo | undefined): ModelInfo | undefined {
  const kind = summary.modelId ? kindOf(summary) : undefined;
  if (!summary.modelId || !kind) return undefined;
  const id = `bedrock/${summary.modelId}`;
  const onDemand = (summary.inferenceTypesSupported ?? []).includes('ON_DEMAND');
  const builtin = known(id);
  const modalities = { input: summary.inputModalities ?? [], output: summary.outputModalities ?? [] };
  // Bedrock's own lifecycle wins; the table adds the end-of-life date and successor it knows.
  const status = summary.modelLifecycle?.status === 'LEGACY' ? 'LEGACY' : summary.modelLifecycle?.status === 'ACTIVE' ? 'ACTIVE' : undefined;
  const endOfLife = dateOf(summary.modelLifecycle?.endOfLifeTime) ?? builtin?.lifecycle?.endOfLife;
  const lifecycle: ModelInfo['lifecycle'] = status === 'LEGACY' ? { ...builtin?.lifecycle, status, ...(endOfLife ? { endOfLife } : {}) } : status ? { status } : builtin?.lifecycle;
  if (builtin) return { ...builtin, source: 'bedrock', onDemand, streaming: summary.responseStreamingSupported ?? builtin.streaming, modalities, ...(lifecycle ? { lifecycle } : {}) };
  return {
    modalities,
    ...(lifecycle ? { lifecycle } : {}),
    id,
    name: summary.modelName ?? summary.modelId,
    vendor: summary.providerName ?? summary.modelId.split('.')[0],
    contextWindow: 0,
    maxOutputTokens: 0,
    streaming: summary.responseStreamingSupported ?? false,
    images: (summary.inputModalities ?? []).includes('IMAGE'),
    kind,
    source: 'bedrock',
    onDemand,
  };
}

/** What a profile shares with its foundation model besides size and price: cache prices, capabilities, lifecycle. */
function inheritedFrom(base: ModelInfo | undefined): Partial<ModelInfo> {
  if (!base) return {};
  const keys = ['cacheReadPerMTok', 'cacheWritePerMTok', 'modalities', 'tools', 'documents', 'promptCache', 'lifecycle'] as const;
  return Object.fromEntries(keys.filter((key) => base[key] !== undefined).map((key) => [key, base[key]]));
}

/**
 * One inference profile: called by its id (`us.anthropic…`, or the ARN for an application
 * profile), priced and sized like the model it routes to.
 */
export function inferenceProfileInfo(profile: InferenceProfileSummary, known: (id: string) => ModelInfo | undefined): ModelInfo | undefined {
  const callId = profile.type === 'APPLICATION' ? profile.inferenceProfileArn : profile.inferenceProfileId;
  if (!callId) return undefined;
  const baseId = FOUNDATION_MODEL_ARN.exec(profile.models?.[0]?.modelArn ?? '')?.[1];
  const base = baseId ? known(`bedrock/${baseId}`) : undefined;
  if (base && base.kind !== 'text') return undefined;
  return {
    id: `bedrock/${callId}`,
    name: profile.inferenceProfileName ?? callId,
    vendor: base?.vendor ?? 'Amazon Bedrock',
    contextWindow: base?.contextWindow ?? 0,
    maxOutputTokens: base?.maxOutputTokens ?? 0,
    inputPerMTok: base?.inputPerMTok,
    outputPerMTok: base?.outputPerMTok,
    ...inheritedFrom(base),
    streaming: base?.streaming ?? true,
    images: base?.images ?? false,
    kind: 'text',
    source: 'bedrock',
    onDemand: true,
    ...(baseId ? { baseModel: `bedrock/${baseId}` } : {}),
  };
}

/** What the listing failed with, as a sentence for a person; listing needs other permissions than calling. */
export function describeListingError(err: unknown, options: BedrockCatalogOptions, region: string | undefined): string {
  const name = (err as { name?: unknown })?.name;
  if (name === 'AccessDeniedException') {
    return `Your AWS identity may not list Amazon Bedrock models in ${region ?? 'this Region'}. Allow bedrock:ListFoundationModels and bedrock:ListInferenceProfiles in your IAM policy; until then the picker shows the built-in model list.`;
  }
  const described = describeBedrockError(err, { modelId: 'the model list', region, profile: options.profile, endpoint: options.endpoint ?? process.env.AWS_ENDPOINT_URL_BEDROCK });
  return described.message.replace(/promptWorkbench\.bedrock\.endpointUrl/g, 'promptWorkbench.bedrock.controlEndpointUrl');
}

/** The control-plane SDK and a client configured from the options (SigV4 through the SDK chain, or a bearer API key). */
export async function controlClient(options: BedrockCatalogOptions): Promise<{ sdk: typeof ControlSdk; client: ControlSdk.BedrockClient }> {
  const sdk = await (options.loadSdk ?? (() => import('@aws-sdk/client-bedrock')))();
  const config: BedrockClientConfig = sdkClientConfig('bedrock', options);
  return { sdk, client: new sdk.BedrockClient(config) };
}

/**
 * Lists the foundation models and inference profiles of the Region. `known` gives built-in
 * metadata by id. Throws an Error whose message is written for the user.
 */
export async function listBedrockModels(options: BedrockCatalogOptions, known: (id: string) => ModelInfo | undefined, signal?: AbortSignal): Promise<BedrockListing> {
  const { sdk, client } = await controlClient(options);
  let region: string | undefined = options.region;
  try {
    region = await client.config.region();
    const foundation = await client.send(new sdk.ListFoundationModelsCommand({}), { abortSignal: signal });
    const models: ModelInfo[] = [];
    const listed = new Map<string, ModelInfo>();
    for (const summary of foundation.modelSummaries ?? []) {
      const info = foundationModelInfo(summary, known);
      if (info && !listed.has(info.id)) listed.set(info.id, info);
    }
    models.push(...listed.values());
    const lookup = (id: string): ModelInfo | undefined => known(id) ?? listed.get(id);
    let nextToken: string | undefined;
    do {
      const page = await client.send(new sdk.ListInferenceProfilesCommand({ maxResults: 1000, nextToken }), { abortSignal: signal });
      for (const profile of page.inferenceProfileSummaries ?? []) {
        const info = inferenceProfileInfo(profile, lookup);
        if (info && !models.some((m) => m.id === info.id)) models.push(info);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return { region: region ?? 'us-east-1', models };
  } catch (err) {
    throw new Error(describeListingError(err, options, region));
  } finally {
    client.destroy();
  }
}
