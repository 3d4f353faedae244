/**
 * The AWS Price List Query API as the local server answers it (`AWSPriceListService.GetProducts`,
 * JSON 1.1): a few Bedrock products per Region in the documented shape — `PriceList` is an
 * array of JSON strings, each `{product: {attributes}, terms: {OnDemand: {…priceDimensions}}}`.
 * `AmazonBedrock` products name the model in `model` and price per 1K tokens;
 * `AmazonBedrockFoundationModels` (Marketplace models such as Claude) name it in `servicename`
 * and price per million tokens with the unit "Units". One product (Qwen3 32B) prices a model
 * the built-in table does not know, and one has no readable price.
 */
import { UNTABLED_MODEL } from './bedrockCatalog';

type Product = [serviceCode: 'AmazonBedrock' | 'AmazonBedrockFoundationModels', name: string, usage: string, inferenceType: string, feature: string, unit: string, usd: string];

const PRODUCTS: Product[] = [
  ['AmazonBedrock', 'Nova Pro', 'NovaPro-input-tokens', 'Input tokens', 'On-demand Inference', '1K tokens', '0.0008'],
  ['AmazonBedrock', 'Nova Pro', 'NovaPro-output-tokens', 'Output tokens', 'On-demand Inference', '1K tokens', '0.0032'],
  ['AmazonBedrock', 'Nova Pro', 'NovaPro-input-tokens-batch', 'Input tokens', 'Batch Inference', '1K tokens', '0.0004'],
  ['AmazonBedrock', 'Nova Pro', 'NovaPro-output-tokens-batch', 'Output tokens', 'Batch Inference', '1K tokens', '0.0016'],
  ['AmazonBedrock', 'Nova Pro', 'NovaPro-cache-read-input-tokens', 'Cache read input tokens', 'On-demand Inference', '1K tokens', '0.0002'],
  ['AmazonBedrock', 'Nova 2 Lite', 'Nova2Lite-input-tokens', 'Input tokens', 'On-demand Inference', '1K tokens', '0.0003'],
  ['AmazonBedrock', 'Nova 2 Lite', 'Nova2Lite-output-tokens', 'Output tokens', 'On-demand Inference', '1K tokens', '0.0025'],
  ['AmazonBedrock', 'Qwen3 32B', 'Qwen3-32B-input-tokens', 'Input tokens', 'On-demand Inference', '1K tokens', '0.00015'],
  ['AmazonBedrock', 'Qwen3 32B', 'Qwen3-32B-output-tokens', 'Output tokens', 'On-demand Inference', '1K tokens', '0.0006'],
  ['AmazonBedrock', 'Qwen3 32B', 'Qwen3-32B-input-tokens-batch', 'Input tokens', 'Batch Inference', '1K tokens', '0.000075'],
  ['AmazonBedrock', 'Qwen3 32B', 'Qwen3-32B-output-tokens-batch', 'Output tokens', 'Batch Inference', '1K tokens', '0.0003'],
  // Provisioned Throughput is not a token price: skipped.
  ['AmazonBedrock', 'Nova Pro', 'NovaPro-ProvisionedThroughput', 'Provisioned throughput', 'Provisioned Throughput', 'Hrs', '21.18'],
  // A token price without a readable amount: counted as unreadable, never priced at zero.
  ['AmazonBedrock', 'Nova Micro', 'NovaMicro-input-tokens', 'Input tokens', 'On-demand Inference', '1K tokens', 'n/a'],
  ['AmazonBedrockFoundationModels', 'Claude Haiku 4.5 (Amazon Bedrock Edition)', 'MP:{R}_InputTokenCount-Units', '', '', 'Units', '1.1'],
  ['AmazonBedrockFoundationModels', 'Claude Haiku 4.5 (Amazon Bedrock Edition)', 'MP:{R}_OutputTokenCount-Units', '', '', 'Units', '5.5'],
  ['AmazonBedrockFoundationModels', 'Claude Haiku 4.5 (Amazon Bedrock Edition)', 'MP:{R}_InputTokenCount_Global-Units', '', '', 'Units', '1'],
  ['AmazonBedrockFoundationModels', 'Claude Haiku 4.5 (Amazon Bedrock Edition)', 'MP:{R}_OutputTokenCount_Global-Units', '', '', 'Units', '5'],
  ['AmazonBedrockFoundationModels', 'Claude Haiku 4.5 (Amazon Bedrock Edition)', 'MP:{R}_CacheReadInputTokenCount-Units', '', '', 'Units', '0.11'],
  ['AmazonBedrockFoundationModels', 'Claude Haiku 4.5 (Amazon Bedrock Edition)', 'MP:{R}_CacheWriteInputTokenCount-Units', '', '', 'Units', '1.375'],
  ['AmazonBedrockFoundationModels', 'Claude Haiku 4.5 (Amazon Bedrock Edition)', 'MP:{R}_Batch_InputTokenCount-Units', '', '', 'Units', '0.55'],
  ['AmazonBedrockFoundationModels', 'Claude Haiku 4.5 (Amazon Bedrock Edition)', 'MP:{R}_Batch_OutputTokenCount-Units', '', '', 'Units', '2.75'],
];

/** The Price List's prices of the model the built-in table lacks, USD per million tokens (for assertions). */
export const UNTABLED_MODEL_PRICES = { modelId: UNTABLED_MODEL, inputPerMTokens: 0.15, outputPerMTokens: 0.6, batchInputPerMTokens: 0.075, batchOutputPerMTokens: 0.3 };

const REGION_PREFIX: Record<string, string> = { 'us-east-1': 'USE1', 'us-east-2': 'USE2', 'us-west-2': 'USW2', 'eu-central-1': 'EUC1', 'eu-west-1': 'EU', 'ap-northeast-1': 'APN1' };

function productJson([serviceCode, name, usage, inferenceType, feature, unit, usd]: Product, region: string, index: number): string {
  const prefix = REGION_PREFIX[region] ?? region.toUpperCase().replace(/-/g, '');
  const sku = `SIM${String(index).padStart(4, '0')}${prefix}`;
  const attributes: Record<string, string> = {
    servicecode: serviceCode,
    regionCode: region,
    location: region,
    locationType: 'AWS Region',
    usagetype: `${prefix}-${usage.replace('{R}', prefix)}`,
    operation: 'Usage',
  };
  if (serviceCode === 'AmazonBedrock') Object.assign(attributes, { servicename: 'Amazon Bedrock', model: name, inferenceType, feature });
  else attributes.servicename = name;
  const perWhat = unit === 'Units' ? 'per million tokens' : `per ${unit}`;
  return JSON.stringify({
    product: { productFamily: serviceCode === 'AmazonBedrock' ? 'Amazon Bedrock' : 'Bedrock Foundation Models', attributes, sku },
    serviceCode,
    terms: {
      OnDemand: {
        [`${sku}.JRTCKXETXF`]: {
          priceDimensions: {
            [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: { unit, endRange: 'Inf', description: `$${usd} ${perWhat} for ${name} (${attributes.usagetype})`, appliesTo: [], rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`, beginRange: '0', pricePerUnit: { USD: usd } },
          },
          sku,
          effectiveDate: '2026-11-01T00:00:00Z',
          offerTermCode: 'JRTCKXETXF',
          termAttributes: {},
        },
      },
    },
    version: '20261101000000',
    publicationDate: '2026-11-01T00:00:00Z',
  });
}

interface GetProductsBody {
  ServiceCode?: string;
  Filters?: Array<{ Type?: string; Field?: string; Value?: string }>;
  MaxResults?: number;
  NextToken?: string;
}

/** `GetProducts`: the products of the service code matching every TERM_MATCH filter, a page at a time. */
export function getProducts(body: GetProductsBody): { FormatVersion: string; PriceList: string[]; NextToken?: string } {
  const region = body.Filters?.find((f) => f.Field === 'regionCode')?.Value ?? 'us-east-1';
  const all = PRODUCTS.map((product, index) => ({ product, json: productJson(product, region, index) })).filter(({ product, json }) => {
    if (product[0] !== body.ServiceCode) return false;
    const attributes = (JSON.parse(json) as { product: { attributes: Record<string, string> } }).product.attributes;
    return (body.Filters ?? []).every((f) => f.Type !== 'TERM_MATCH' || !f.Field || attributes[f.Field] === f.Value);
  });
  const start = Number(body.NextToken ?? 0) || 0;
  const size = Math.max(1, Math.min(body.MaxResults ?? 100, 5)); // small pages, so that clients must follow NextToken
  const page = all.slice(start, start + size).map((p) => p.json);
  return { FormatVersion: 'aws_v1', PriceList: page, ...(start + size < all.length ? { NextToken: String(start + size) } : {}) };
}
