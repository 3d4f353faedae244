/**
 * The control-plane catalog the local server lists: a realistic subset of Bedrock's
 * foundation models and system-defined cross-region inference profiles, shaped like
 * `ListFoundationModels` / `GetFoundationModel` / `ListInferenceProfiles` answers.
 */

export interface FoundationModelSummary {
  modelArn: string;
  modelId: string;
  modelName: string;
  providerName: string;
  inputModalities: string[];
  outputModalities: string[];
  responseStreamingSupported: boolean;
  customizationsSupported: string[];
  inferenceTypesSupported: string[];
  modelLifecycle: { status: 'ACTIVE' | 'LEGACY'; endOfLifeTime?: string };
}

type Entry = [modelId: string, modelName: string, providerName: string, inputModalities: string[], outputModalities: string[], inferenceTypes: string[], lifecycle?: FoundationModelSummary['modelLifecycle']];

const TEXT = ['TEXT'];
const TEXT_IMAGE = ['TEXT', 'IMAGE'];
const ON_DEMAND = ['ON_DEMAND'];
const PROFILE_ONLY = ['INFERENCE_PROFILE'];
const BOTH = ['ON_DEMAND', 'INFERENCE_PROFILE'];

/** The one Legacy model of the listing, with the end of life Bedrock gives for it. */
export const LEGACY_MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
/** Listed and priced by the simulated Price List, but not in the built-in table. */
export const UNTABLED_MODEL = 'qwen.qwen3-32b-v1:0';

const ENTRIES: Entry[] = [
  ['anthropic.claude-haiku-4-5-20251001-v1:0', 'Claude Haiku 4.5', 'Anthropic', TEXT_IMAGE, TEXT, PROFILE_ONLY],
  ['anthropic.claude-sonnet-4-6', 'Claude Sonnet 4.6', 'Anthropic', TEXT_IMAGE, TEXT, PROFILE_ONLY],
  [LEGACY_MODEL, 'Claude 3.5 Haiku', 'Anthropic', TEXT, TEXT, BOTH, { status: 'LEGACY', endOfLifeTime: '2026-06-19T00:00:00Z' }],
  ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'Claude 3.5 Sonnet v2', 'Anthropic', TEXT_IMAGE, TEXT, BOTH],
  ['anthropic.claude-3-7-sonnet-20250219-v1:0', 'Claude 3.7 Sonnet', 'Anthropic', TEXT_IMAGE, TEXT, PROFILE_ONLY],
  ['anthropic.claude-sonnet-4-20250514-v1:0', 'Claude Sonnet 4', 'Anthropic', TEXT_IMAGE, TEXT, PROFILE_ONLY],
  ['amazon.nova-2-lite-v1:0', 'Nova 2 Lite', 'Amazon', ['TEXT', 'IMAGE', 'VIDEO'], TEXT, BOTH],
  ['amazon.nova-micro-v1:0', 'Nova Micro', 'Amazon', TEXT, TEXT, BOTH],
  ['amazon.nova-lite-v1:0', 'Nova Lite', 'Amazon', ['TEXT', 'IMAGE', 'VIDEO'], TEXT, BOTH],
  ['amazon.nova-pro-v1:0', 'Nova Pro', 'Amazon', ['TEXT', 'IMAGE', 'VIDEO'], TEXT, BOTH],
  ['meta.llama3-1-8b-instruct-v1:0', 'Llama 3.1 8B Instruct', 'Meta', TEXT, TEXT, BOTH],
  ['meta.llama3-1-70b-instruct-v1:0', 'Llama 3.1 70B Instruct', 'Meta', TEXT, TEXT, BOTH],
  ['mistral.mistral-large-2402-v1:0', 'Mistral Large (24.02)', 'Mistral AI', TEXT, TEXT, ON_DEMAND],
  ['openai.gpt-oss-120b-1:0', 'gpt-oss-120b', 'OpenAI', TEXT, TEXT, ON_DEMAND],
  [UNTABLED_MODEL, 'Qwen3 32B', 'Qwen', TEXT, TEXT, ON_DEMAND],
  ['amazon.titan-embed-text-v2:0', 'Titan Text Embeddings V2', 'Amazon', TEXT, ['EMBEDDING'], ON_DEMAND],
  ['cohere.embed-english-v3', 'Embed English', 'Cohere', TEXT, ['EMBEDDING'], ON_DEMAND],
  ['cohere.embed-multilingual-v3', 'Embed Multilingual', 'Cohere', TEXT, ['EMBEDDING'], ON_DEMAND],
];

export function foundationModels(region: string): FoundationModelSummary[] {
  return ENTRIES.map(([modelId, modelName, providerName, inputModalities, outputModalities, inferenceTypesSupported, lifecycle]) => ({
    modelArn: `arn:aws:bedrock:${region}::foundation-model/${modelId}`,
    modelId,
    modelName,
    providerName,
    inputModalities,
    outputModalities,
    responseStreamingSupported: !outputModalities.includes('EMBEDDING'),
    customizationsSupported: [],
    inferenceTypesSupported,
    modelLifecycle: lifecycle ?? { status: 'ACTIVE' },
  }));
}

/** `byProvider` matches the provider name without regard to case ("anthropic", "Mistral AI", "mistral"). */
export function filterFoundationModels(models: FoundationModelSummary[], query: URLSearchParams): FoundationModelSummary[] {
  const provider = query.get('byProvider')?.toLowerCase();
  const outputModality = query.get('byOutputModality')?.toUpperCase();
  const inferenceType = query.get('byInferenceType')?.toUpperCase();
  return models.filter((model) => {
    const name = model.providerName.toLowerCase();
    if (provider && name !== provider && !name.startsWith(`${provider} `)) return false;
    if (outputModality && !model.outputModalities.includes(outputModality)) return false;
    if (inferenceType && !model.inferenceTypesSupported.includes(inferenceType)) return false;
    return true;
  });
}

const PROFILE_GEOGRAPHIES: Record<string, string[]> = {
  us: ['us-east-1', 'us-east-2', 'us-west-2'],
  eu: ['eu-central-1', 'eu-west-1', 'eu-west-3'],
  global: ['us-east-1', 'us-west-2', 'eu-central-1', 'ap-northeast-1'],
};

const PROFILED_MODELS: Array<[modelId: string, geographies: string[]]> = [
  ['anthropic.claude-haiku-4-5-20251001-v1:0', ['us', 'eu', 'global']],
  ['anthropic.claude-sonnet-4-6', ['us', 'eu', 'global']],
  ['amazon.nova-2-lite-v1:0', ['us', 'global']],
  ['anthropic.claude-3-5-haiku-20241022-v1:0', ['us']],
  ['anthropic.claude-3-5-sonnet-20241022-v2:0', ['us']],
  ['anthropic.claude-3-7-sonnet-20250219-v1:0', ['us', 'eu']],
  ['anthropic.claude-sonnet-4-20250514-v1:0', ['us', 'eu']],
  ['amazon.nova-micro-v1:0', ['us', 'eu']],
  ['amazon.nova-lite-v1:0', ['us', 'eu']],
  ['amazon.nova-pro-v1:0', ['us', 'eu']],
  ['meta.llama3-1-8b-instruct-v1:0', ['us']],
  ['meta.llama3-1-70b-instruct-v1:0', ['us']],
];

export function inferenceProfiles(region: string): Array<Record<string, unknown>> {
  const names = new Map(ENTRIES.map(([modelId, modelName, providerName]) => [modelId, `${providerName === 'Mistral AI' ? 'Mistral' : providerName} ${modelName}`]));
  return PROFILED_MODELS.flatMap(([modelId, geographies]) =>
    geographies.map((geography) => ({
      inferenceProfileName: `${geography.toUpperCase()} ${names.get(modelId) ?? modelId}`,
      description: `Routes requests to ${names.get(modelId) ?? modelId} in ${PROFILE_GEOGRAPHIES[geography].join(', ')}.`,
      createdAt: '2024-11-01T00:00:00Z',
      updatedAt: '2024-11-01T00:00:00Z',
      inferenceProfileArn: `arn:aws:bedrock:${region}:123456789012:inference-profile/${geography}.${modelId}`,
      inferenceProfileId: `${geography}.${modelId}`,
      models: PROFILE_GEOGRAPHIES[geography].map((modelRegion) => ({ modelArn: `arn:aws:bedrock:${modelRegion}::foundation-model/${modelId}` })),
      status: 'ACTIVE',
      type: 'SYSTEM_DEFINED',
    })),
  );
}

/**
 * `GetFoundationModelAvailability` as the simulated account sees it: Claude Sonnet 4 still needs
 * its agreement accepted, Llama 3.1 70B is not authorized for the identity, Mistral Large's
 * request is pending; every other model is ready to call.
 */
export function modelAvailability(modelId: string): Record<string, unknown> {
  const ready = { agreementAvailability: { status: 'AVAILABLE' }, authorizationStatus: 'AUTHORIZED', entitlementAvailability: 'AVAILABLE', regionAvailability: 'AVAILABLE' };
  if (modelId === 'anthropic.claude-sonnet-4-20250514-v1:0') return { modelId, ...ready, agreementAvailability: { status: 'NOT_AVAILABLE' }, entitlementAvailability: 'NOT_AVAILABLE' };
  if (modelId === 'meta.llama3-1-70b-instruct-v1:0') return { modelId, ...ready, authorizationStatus: 'NOT_AUTHORIZED' };
  if (modelId === 'mistral.mistral-large-2402-v1:0') return { modelId, ...ready, agreementAvailability: { status: 'PENDING' } };
  return { modelId, ...ready };
}
