/**
 * Built-in metadata for models people shortlist most. Prices are on-demand USD per million
 * tokens in us-east-1 as published by AWS; they change, so settings can override them
 * (`promptWorkbench.prices`). Unknown ids are allowed everywhere: they simply have no price.
 */
export interface ModelInfo {
  /** `provider/modelId`. */
  id: string;
  name: string;
  vendor: string;
  /** Tokens; 0 when unknown (a model listed by Bedrock or an endpoint that this table does not know). */
  contextWindow: number;
  /** Tokens; 0 when unknown. */
  maxOutputTokens: number;
  inputPerMTok?: number;
  outputPerMTok?: number;
  streaming: boolean;
  images: boolean;
  kind: 'text' | 'embedding';
  /** Where the entry comes from: this table, Bedrock's own listing, or an OpenAI-compatible endpoint's `/models`. */
  source?: 'builtin' | 'bedrock' | 'endpoint';
  /** False for a Bedrock model that is callable only through an inference profile (`us.…`). */
  onDemand?: boolean;
  /** For an inference profile: the foundation model it routes to, `bedrock/<modelId>`. */
  baseModel?: string;
}

type Row = [string, string, string, number, number, number | undefined, number | undefined, boolean, boolean, ('text' | 'embedding')?];

const ROWS: Row[] = [
  ['bedrock/anthropic.claude-3-5-haiku-20241022-v1:0', 'Claude 3.5 Haiku', 'Anthropic', 200_000, 8_192, 0.8, 4, true, false],
  ['bedrock/anthropic.claude-3-haiku-20240307-v1:0', 'Claude 3 Haiku', 'Anthropic', 200_000, 4_096, 0.25, 1.25, true, true],
  ['bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0', 'Claude 3.5 Sonnet v2', 'Anthropic', 200_000, 8_192, 3, 15, true, true],
  ['bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0', 'Claude 3.7 Sonnet', 'Anthropic', 200_000, 64_000, 3, 15, true, true],
  ['bedrock/anthropic.claude-sonnet-4-20250514-v1:0', 'Claude Sonnet 4', 'Anthropic', 200_000, 64_000, 3, 15, true, true],
  ['bedrock/anthropic.claude-opus-4-20250514-v1:0', 'Claude Opus 4', 'Anthropic', 200_000, 32_000, 15, 75, true, true],
  ['bedrock/amazon.nova-micro-v1:0', 'Amazon Nova Micro', 'Amazon', 128_000, 10_000, 0.035, 0.14, true, false],
  ['bedrock/amazon.nova-lite-v1:0', 'Amazon Nova Lite', 'Amazon', 300_000, 10_000, 0.06, 0.24, true, true],
  ['bedrock/amazon.nova-pro-v1:0', 'Amazon Nova Pro', 'Amazon', 300_000, 10_000, 0.8, 3.2, true, true],
  ['bedrock/meta.llama3-1-8b-instruct-v1:0', 'Llama 3.1 8B Instruct', 'Meta', 128_000, 2_048, 0.22, 0.22, true, false],
  ['bedrock/meta.llama3-1-70b-instruct-v1:0', 'Llama 3.1 70B Instruct', 'Meta', 128_000, 2_048, 0.72, 0.72, true, false],
  ['bedrock/meta.llama3-3-70b-instruct-v1:0', 'Llama 3.3 70B Instruct', 'Meta', 128_000, 2_048, 0.72, 0.72, true, false],
  ['bedrock/mistral.mistral-large-2407-v1:0', 'Mistral Large (24.07)', 'Mistral AI', 128_000, 8_192, 2, 6, true, false],
  ['bedrock/mistral.mistral-small-2402-v1:0', 'Mistral Small', 'Mistral AI', 32_000, 8_192, 1, 3, true, false],
  ['bedrock/cohere.command-r-plus-v1:0', 'Command R+', 'Cohere', 128_000, 4_096, 3, 15, true, false],
  ['bedrock/amazon.titan-embed-text-v2:0', 'Titan Text Embeddings v2', 'Amazon', 8_192, 0, 0.02, undefined, false, false, 'embedding'],
  ['bedrock/cohere.embed-english-v3', 'Cohere Embed English v3', 'Cohere', 512, 0, 0.1, undefined, false, false, 'embedding'],
  ['bedrock/cohere.embed-multilingual-v3', 'Cohere Embed Multilingual v3', 'Cohere', 512, 0, 0.1, undefined, false, false, 'embedding'],
  ['echo/echo', 'Echo (returns the rendered request)', 'Prompt Workbench', 1_000_000, 1_000_000, 0, 0, true, true],
];

export const BUILTIN_MODELS: readonly ModelInfo[] = ROWS.map(
  ([id, name, vendor, contextWindow, maxOutputTokens, inputPerMTok, outputPerMTok, streaming, images, kind]) => ({
    id,
    name,
    vendor,
    contextWindow,
    maxOutputTokens,
    inputPerMTok,
    outputPerMTok,
    streaming,
    images,
    kind: kind ?? 'text',
  }),
);
