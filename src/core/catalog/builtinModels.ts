/**
 * Built-in metadata for the models people shortlist most: the offline fallback of the model
 * catalog. Prices are on-demand USD per million tokens in us-east-1 as AWS published them on
 * the date below; the live AWS Price List (priceList.ts) replaces them when it can be read,
 * and settings override both (`promptWorkbench.prices`). Unknown ids are allowed everywhere:
 * they simply have no price.
 *
 * Lineup researched 2026-12-04 from Amazon Bedrock's model cards and supported-models table
 * (ids, context windows, output limits, modalities, lifecycle) and its pricing page.
 */
export const BUILTIN_PRICES_AS_OF = '2026-12-04';

/** Where a price comes from: the AWS Price List (live), this table, or the user's settings. */
export type PriceSource = 'aws-price-list' | 'builtin' | 'settings';

/** One model's prices, USD per million tokens; a field is absent when the source does not list it. */
export interface ModelPrices {
  inputPerMTokens: number;
  outputPerMTokens: number;
  batchInputPerMTokens?: number;
  batchOutputPerMTokens?: number;
  cacheReadPerMTokens?: number;
  cacheWritePerMTokens?: number;
  currency: 'USD';
  source: PriceSource;
  /** `YYYY-MM-DD`: when the Price List was read, the table's research date; null for settings. */
  asOf: string | null;
}

/** Bedrock's `modelLifecycle`: a `LEGACY` model still answers until its end of life. */
export interface ModelLifecycle {
  status: 'ACTIVE' | 'LEGACY';
  /** `YYYY-MM-DD`, where Bedrock gives one. */
  endOfLife?: string;
  /** The model id to move to, `bedrock/…`, where one is known. */
  successor?: string;
}

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
  /** This table's prompt-cache prices (USD per million tokens), where the model has a prompt cache. */
  cacheReadPerMTok?: number;
  cacheWritePerMTok?: number;
  /** The fewest tokens before a cache point that Bedrock caches for this model (default 1,024; Nova 1,000). */
  cacheMinTokens?: number;
  /** Prices read from the AWS Price List for this model and Region; they win over the table's. */
  prices?: ModelPrices;
  streaming: boolean;
  images: boolean;
  kind: 'text' | 'embedding';
  /** Input and output modalities as Bedrock names them (`TEXT`, `IMAGE`, `VIDEO`, `EMBEDDING`); absent when unknown. */
  modalities?: { input: string[]; output: string[] };
  /** Tool use, document (PDF) input and prompt caching through Converse; absent when unknown. */
  tools?: boolean;
  documents?: boolean;
  promptCache?: boolean;
  lifecycle?: ModelLifecycle;
  /** Where the entry comes from: this table, Bedrock's own listing, or an OpenAI-compatible endpoint's `/models`. */
  source?: 'builtin' | 'bedrock' | 'endpoint';
  /** False for a Bedrock model that is callable only through an inference profile (`us.…`). */
  onDemand?: boolean;
  /** For an inference profile: the foundation model it routes to, `bedrock/<modelId>`. */
  baseModel?: string;
}

/** Capability letters: i = images in, v = video in, d = documents, t = tools, c = prompt cache. */
type Row = [id: string, name: string, vendor: string, context: number, maxOutput: number, input: number | undefined, output: number | undefined, caps: string, extra?: Partial<ModelInfo>];

const T = 'embedding' as const;
const legacy = (successor: string, endOfLife?: string): Partial<ModelInfo> => ({ lifecycle: { status: 'LEGACY', successor: `bedrock/${successor}`, ...(endOfLife ? { endOfLife } : {}) } });
const cache = (read: number, write?: number, minTokens?: number): Partial<ModelInfo> => ({ cacheReadPerMTok: read, ...(write !== undefined ? { cacheWritePerMTok: write } : {}), ...(minTokens ? { cacheMinTokens: minTokens } : {}) });

const ROWS: Row[] = [
  // Anthropic: the 4.5/4.6 generation is current; Bedrock serves it through inference profiles.
  ['bedrock/anthropic.claude-haiku-4-5-20251001-v1:0', 'Claude Haiku 4.5', 'Anthropic', 200_000, 64_000, 1, 5, 'idtc', cache(0.1, 1.25, 4_096)],
  ['bedrock/anthropic.claude-sonnet-4-6', 'Claude Sonnet 4.6', 'Anthropic', 200_000, 64_000, 3, 15, 'idtc', cache(0.3, 3.75)],
  ['bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0', 'Claude Sonnet 4.5', 'Anthropic', 200_000, 64_000, 3, 15, 'idtc', cache(0.3, 3.75)],
  ['bedrock/anthropic.claude-opus-4-6-v1', 'Claude Opus 4.6', 'Anthropic', 200_000, 128_000, 5, 25, 'idtc', cache(0.5, 6.25, 4_096)],
  ['bedrock/anthropic.claude-opus-4-5-20251101-v1:0', 'Claude Opus 4.5', 'Anthropic', 200_000, 64_000, 5, 25, 'idtc', cache(0.5, 6.25, 4_096)],
  ['bedrock/anthropic.claude-3-5-haiku-20241022-v1:0', 'Claude 3.5 Haiku', 'Anthropic', 200_000, 8_192, 0.8, 4, 'tc', { ...cache(0.08, 1, 2_048), ...legacy('anthropic.claude-haiku-4-5-20251001-v1:0', '2026-06-19') }],
  ['bedrock/anthropic.claude-3-haiku-20240307-v1:0', 'Claude 3 Haiku', 'Anthropic', 200_000, 4_096, 0.25, 1.25, 'idt', legacy('anthropic.claude-haiku-4-5-20251001-v1:0')],
  ['bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0', 'Claude 3.5 Sonnet v2', 'Anthropic', 200_000, 8_192, 3, 15, 'idt', legacy('anthropic.claude-sonnet-4-6')],
  ['bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0', 'Claude 3.7 Sonnet', 'Anthropic', 200_000, 64_000, 3, 15, 'idtc', { ...cache(0.3, 3.75), ...legacy('anthropic.claude-sonnet-4-6') }],
  ['bedrock/anthropic.claude-sonnet-4-20250514-v1:0', 'Claude Sonnet 4', 'Anthropic', 200_000, 64_000, 3, 15, 'idtc', { ...cache(0.3, 3.75), ...legacy('anthropic.claude-sonnet-4-6') }],
  ['bedrock/anthropic.claude-opus-4-20250514-v1:0', 'Claude Opus 4', 'Anthropic', 200_000, 32_000, 15, 75, 'idtc', { ...cache(1.5, 18.75), ...legacy('anthropic.claude-opus-4-6-v1') }],
  // Amazon
  ['bedrock/amazon.nova-2-lite-v1:0', 'Amazon Nova 2 Lite', 'Amazon', 1_000_000, 65_536, 0.3, 2.5, 'ivdtc', cache(0.075)],
  ['bedrock/amazon.nova-premier-v1:0', 'Amazon Nova Premier', 'Amazon', 1_000_000, 32_000, 2.5, 12.5, 'ivdt'],
  ['bedrock/amazon.nova-pro-v1:0', 'Amazon Nova Pro', 'Amazon', 300_000, 10_000, 0.8, 3.2, 'ivdtc', cache(0.2)],
  ['bedrock/amazon.nova-lite-v1:0', 'Amazon Nova Lite', 'Amazon', 300_000, 10_000, 0.06, 0.24, 'ivdtc', cache(0.015)],
  ['bedrock/amazon.nova-micro-v1:0', 'Amazon Nova Micro', 'Amazon', 128_000, 10_000, 0.035, 0.14, 'tc', cache(0.00875)],
  // Meta
  ['bedrock/meta.llama4-maverick-17b-instruct-v1:0', 'Llama 4 Maverick 17B Instruct', 'Meta', 1_000_000, 8_192, 0.24, 0.97, 'it'],
  ['bedrock/meta.llama4-scout-17b-instruct-v1:0', 'Llama 4 Scout 17B Instruct', 'Meta', 3_500_000, 8_192, 0.17, 0.66, 'it'],
  ['bedrock/meta.llama3-3-70b-instruct-v1:0', 'Llama 3.3 70B Instruct', 'Meta', 128_000, 2_048, 0.72, 0.72, 't'],
  ['bedrock/meta.llama3-1-8b-instruct-v1:0', 'Llama 3.1 8B Instruct', 'Meta', 128_000, 2_048, 0.22, 0.22, 't'],
  ['bedrock/meta.llama3-1-70b-instruct-v1:0', 'Llama 3.1 70B Instruct', 'Meta', 128_000, 2_048, 0.72, 0.72, 't'],
  // OpenAI open-weight, DeepSeek, Mistral, Cohere
  ['bedrock/openai.gpt-oss-120b-1:0', 'gpt-oss-120b', 'OpenAI', 128_000, 32_768, 0.15, 0.6, 't'],
  ['bedrock/openai.gpt-oss-20b-1:0', 'gpt-oss-20b', 'OpenAI', 128_000, 32_768, 0.07, 0.3, 't'],
  ['bedrock/deepseek.r1-v1:0', 'DeepSeek-R1', 'DeepSeek', 128_000, 32_768, 1.35, 5.4, ''],
  ['bedrock/mistral.mistral-large-2407-v1:0', 'Mistral Large (24.07)', 'Mistral AI', 128_000, 8_192, 2, 6, 't'],
  ['bedrock/mistral.mistral-small-2402-v1:0', 'Mistral Small', 'Mistral AI', 32_000, 8_192, 1, 3, 't'],
  ['bedrock/cohere.command-r-plus-v1:0', 'Command R+', 'Cohere', 128_000, 4_096, 3, 15, 't'],
  // Embeddings
  ['bedrock/amazon.titan-embed-text-v2:0', 'Titan Text Embeddings v2', 'Amazon', 8_192, 0, 0.02, undefined, '', { kind: T }],
  ['bedrock/cohere.embed-v4:0', 'Cohere Embed v4', 'Cohere', 128_000, 0, 0.12, undefined, 'i', { kind: T }],
  ['bedrock/cohere.embed-english-v3', 'Cohere Embed English v3', 'Cohere', 512, 0, 0.1, undefined, '', { kind: T }],
  ['bedrock/cohere.embed-multilingual-v3', 'Cohere Embed Multilingual v3', 'Cohere', 512, 0, 0.1, undefined, '', { kind: T }],
  ['echo/echo', 'Echo (returns the rendered request)', 'Prompt Workbench', 1_000_000, 1_000_000, 0, 0, 'i'],
];

export const BUILTIN_MODELS: readonly ModelInfo[] = ROWS.map(([id, name, vendor, contextWindow, maxOutputTokens, inputPerMTok, outputPerMTok, caps, extra]) => {
  const kind = extra?.kind ?? 'text';
  const input = ['TEXT', ...(caps.includes('i') ? ['IMAGE'] : []), ...(caps.includes('v') ? ['VIDEO'] : [])];
  return {
    id,
    name,
    vendor,
    contextWindow,
    maxOutputTokens,
    inputPerMTok,
    outputPerMTok,
    streaming: kind === 'text',
    images: caps.includes('i') && kind === 'text',
    kind,
    modalities: { input, output: [kind === 'text' ? 'TEXT' : 'EMBEDDING'] },
    tools: caps.includes('t'),
    documents: caps.includes('d'),
    promptCache: caps.includes('c'),
    lifecycle: { status: 'ACTIVE' },
    ...extra,
  };
});
