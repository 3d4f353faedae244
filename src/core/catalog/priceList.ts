/**
 * Bedrock prices from the AWS Price List Query API (`pricing:GetProducts`), read per Region
 * and cached for a day; the built-in table is the fallback when the list cannot be read.
 *
 * What the list looks like (researched 2026-12-04 from AWS's Price List API reference and
 * public code that reads it): `GetProducts` answers `PriceList`, an array of JSON *strings*,
 * each `{product: {sku, productFamily, attributes}, terms: {OnDemand: {<offerTermCode>:
 * {priceDimensions: {<rateCode>: {unit, description, pricePerUnit: {USD}}}}}}}`. Bedrock is
 * two service codes: `AmazonBedrock` (Amazon, Meta, Mistral, DeepSeek, OpenAI open-weight…;
 * attributes `model` or `titanModel`, `inferenceType` such as "Input tokens", `feature` such
 * as "On-demand Inference" or "Batch Inference", `usagetype` such as
 * `USE1-NovaPro-input-tokens`; unit "1K tokens") and `AmazonBedrockFoundationModels`
 * (Marketplace-sold models such as Claude; attribute `servicename` such as "Claude Haiku 4.5
 * (Amazon Bedrock Edition)", `usagetype` such as `USE1-MP:USE1_InputTokenCount-Units`, with
 * `_Global`, `_Batch`, `_CacheRead`, `_CacheWrite` variants; prices per million tokens).
 * Both are filtered by `regionCode`. Attribute names and units vary between products, so the
 * parsing is tolerant: a product it cannot read is counted and skipped, never priced at zero.
 */
import type * as PricingSdk from '@aws-sdk/client-pricing';
import * as l10n from '@vscode/l10n';
import type { ModelInfo, ModelPrices } from './builtinModels';
import type { CatalogStore } from './modelDiscovery';

export const PRICE_LIST_SERVICE_CODES = ['AmazonBedrock', 'AmazonBedrockFoundationModels'] as const;
const DAY_MS = 24 * 60 * 60 * 1000;
/** At most this many pages of 100 products per service code and Region. */
const MAX_PAGES = 60;

type Dimension = 'input' | 'output' | 'batchInput' | 'batchOutput' | 'cacheRead' | 'cacheWrite';

/** One model's prices as the list gives them, for one scope: in-Region (and geographic profiles) or global profiles. */
export interface PricedProduct {
  /** Bedrock model id when the product names it (an attribute or its usage type). */
  modelId?: string;
  /** The product's model name (`model`, `titanModel` or `servicename`), as written. */
  name?: string;
  scope: 'regional' | 'global';
  /** USD per million tokens. */
  usd: Partial<Record<Dimension, number>>;
}

export interface PriceListSnapshot {
  /** The Region the prices are for. */
  region: string;
  /** Epoch ms. */
  fetchedAt: number;
  products: PricedProduct[];
  /** Products that looked like token prices but could not be read (unknown unit, no USD price). */
  unreadable: number;
}

interface RawDimension {
  unit?: unknown;
  description?: unknown;
  pricePerUnit?: { USD?: unknown };
}

interface RawProduct {
  product?: { attributes?: Record<string, unknown> };
  terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, RawDimension> }> };
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** USD per million tokens from a price and its unit (or the dimension's description when the unit says only "Units"); undefined when unknown. */
export function perMillionTokens(usd: number, unit: string, description: string): number | undefined {
  const scale = (text: string): number | undefined => {
    if (/\b1\s*k\b|\b1,?000\s+(input |output )?tokens|thousand/i.test(text)) return 1000;
    if (/\b1\s*m\b|\b1,?000,?000\s+(input |output )?tokens|million/i.test(text)) return 1;
    if (/^\s*tokens?\s*$/i.test(text)) return 1_000_000;
    return undefined;
  };
  const factor = scale(unit) ?? scale(description);
  return factor === undefined ? undefined : usd * factor;
}

/** Which price of a model a product is, from its attributes and usage type; undefined for anything but text tokens. */
function dimensionOf(attributes: Record<string, unknown>, description: string): Dimension | undefined {
  const text = [attributes.inferenceType, attributes.usagetype, attributes.feature, attributes.operation, description].map(str).join(' ').replace(/_/g, ' ');
  if (/provisioned|reserved|custom|training|storage|flex|priority|latency.optimi[sz]ed|image|video|audio|speech|search.unit|per request/i.test(text)) return undefined;
  const batch = /batch/i.test(text);
  if (/cache.?(read|hit)/i.test(text)) return batch ? undefined : 'cacheRead';
  if (/cache.?(write|creat)/i.test(text)) return batch ? undefined : 'cacheWrite';
  if (/output.?token|outputtokencount|output\b/i.test(text)) return batch ? 'batchOutput' : 'output';
  if (/input.?token|inputtokencount|input\b/i.test(text)) return batch ? 'batchInput' : 'input';
  return undefined;
}

const MODEL_ID_IN_USAGE = /([a-z][a-z0-9]*\.[a-z0-9][a-z0-9.:-]*?)-(?:text-)?(?:input|output)-tokens/i;

/**
 * One `PriceList` entry (the JSON string, or the object the SDK already parsed) as a priced
 * product; `undefined` when it is not a token price of a model; `'unreadable'` when it is
 * one but its price or unit cannot be read.
 */
export function parsePriceListItem(item: unknown): PricedProduct | 'unreadable' | undefined {
  let raw: RawProduct;
  try {
    // The SDK hands each entry over as a string or a string-like LazyJsonString; tests may pass objects.
    const text = typeof item === 'string' ? item : item && typeof item === 'object' && !('product' in item) ? String(item) : undefined;
    raw = (text !== undefined ? JSON.parse(text) : item) as RawProduct;
  } catch {
    return 'unreadable';
  }
  const attributes = raw?.product?.attributes;
  if (!attributes || typeof attributes !== 'object') return 'unreadable';
  const name = (str(attributes.model) || str(attributes.titanModel) || str(attributes.servicename)).replace(/\s*\(Amazon Bedrock Edition\)\s*$/i, '').trim();
  const usage = str(attributes.usagetype);
  const modelId = str(attributes.modelId) || MODEL_ID_IN_USAGE.exec(usage)?.[1]?.toLowerCase() || undefined;
  const dimensions = Object.values(raw.terms?.OnDemand ?? {}).flatMap((term) => Object.values(term?.priceDimensions ?? {}));
  const first = dimensions[0];
  const dimension = dimensionOf(attributes, str(first?.description));
  if (!dimension || (!name && !modelId)) return undefined;
  if (!first) return 'unreadable';
  const usd = Number.parseFloat(str(first.pricePerUnit?.USD));
  // Marketplace products (`…TokenCount-Units`) are priced per million tokens with the unit "Units".
  const marketplace = /tokencount/i.test(usage) && /^\s*units?\s*$/i.test(str(first.unit)) ? usd : undefined;
  const perMillion = Number.isFinite(usd) && usd > 0 ? (perMillionTokens(usd, str(first.unit), str(first.description)) ?? marketplace) : undefined;
  if (perMillion === undefined) return 'unreadable';
  const scope = /global/i.test(`${usage} ${str(attributes.inferenceType)} ${str(attributes.feature)}`) ? 'global' : 'regional';
  return { ...(modelId ? { modelId } : {}), ...(name ? { name } : {}), scope, usd: { [dimension]: +perMillion.toPrecision(12) } };
}

/** Merges the products of one model and scope (each Price List product carries one dimension). */
export function collectProducts(items: readonly unknown[]): { products: PricedProduct[]; unreadable: number } {
  const byKey = new Map<string, PricedProduct>();
  let unreadable = 0;
  for (const item of items) {
    const parsed = parsePriceListItem(item);
    if (parsed === 'unreadable') unreadable++;
    if (!parsed || parsed === 'unreadable') continue;
    const key = `${parsed.modelId ?? nameKey(parsed.name ?? '')}|${parsed.scope}`;
    const known = byKey.get(key);
    if (known) known.usd = { ...known.usd, ...parsed.usd };
    else byKey.set(key, parsed);
  }
  return { products: [...byKey.values()], unreadable };
}

/** A model name reduced to what the Price List and Bedrock's listing share ("Amazon Nova Pro" and "Nova Pro"). */
export function nameKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/\(amazon bedrock edition\)/g, '')
    .replace(/\b(amazon|anthropic|meta|instruct|model)\b/g, '')
    .replace(/[^a-z0-9]/g, '');
}

const GLOBAL_PROFILE = /^bedrock\/global\./;
const PROFILE_PREFIX = /^(us|eu|apac|us-gov|ca|jp|au|global)\./;

/** The Price List's prices for a model (matched by id, else by name), or undefined when the list does not price it. */
export function priceListPrices(snapshot: PriceListSnapshot, model: Pick<ModelInfo, 'id' | 'name' | 'kind' | 'baseModel'>, baseName?: string): ModelPrices | undefined {
  const bareId = (model.baseModel ?? model.id).replace(/^bedrock\//, '').replace(PROFILE_PREFIX, '');
  const names = new Set([nameKey(model.name), ...(baseName ? [nameKey(baseName)] : [])].filter(Boolean));
  const matches = snapshot.products.filter((p) => (p.modelId ? p.modelId === bareId : names.has(nameKey(p.name ?? ''))));
  const order: PricedProduct['scope'][] = GLOBAL_PROFILE.test(model.id) ? ['global', 'regional'] : ['regional', 'global'];
  for (const scope of order) {
    const usd = matches.find((p) => p.scope === scope)?.usd;
    const output = usd?.output ?? (model.kind === 'embedding' ? 0 : undefined);
    if (usd?.input === undefined || output === undefined) continue;
    return {
      inputPerMTokens: usd.input,
      outputPerMTokens: output,
      ...(usd.batchInput !== undefined ? { batchInputPerMTokens: usd.batchInput } : {}),
      ...(usd.batchOutput !== undefined ? { batchOutputPerMTokens: usd.batchOutput } : {}),
      ...(usd.cacheRead !== undefined ? { cacheReadPerMTokens: usd.cacheRead } : {}),
      ...(usd.cacheWrite !== undefined ? { cacheWritePerMTokens: usd.cacheWrite } : {}),
      currency: 'USD',
      source: 'aws-price-list',
      asOf: new Date(snapshot.fetchedAt).toISOString().slice(0, 10),
    };
  }
  return undefined;
}

/** Copies of the Bedrock models that the Price List prices, each carrying those prices. */
export function applyPriceList(models: readonly ModelInfo[], snapshot: PriceListSnapshot): ModelInfo[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  const priced: ModelInfo[] = [];
  for (const model of models) {
    if (!model.id.startsWith('bedrock/')) continue;
    const prices = priceListPrices(snapshot, model, model.baseModel ? byId.get(model.baseModel)?.name : undefined);
    if (prices) priced.push({ ...model, prices });
  }
  return priced;
}

export interface PriceListOptions {
  /** The Bedrock Region whose prices are read. */
  region: string;
  profile?: string;
  /** The Price List endpoint; by default the SDK's (`AWS_ENDPOINT_URL_PRICING`, else `https://api.pricing.us-east-1.amazonaws.com`). */
  endpoint?: string;
  maxAttempts?: number;
  loadSdk?: () => Promise<typeof PricingSdk>;
  now?: () => number;
}

/** What a failed read means, for a person: the fallback is used either way. */
export function describePriceListError(err: unknown): string {
  const name = str((err as { name?: unknown })?.name);
  if (name === 'AccessDeniedException' || /not authorized|access denied/i.test(str((err as Error)?.message))) {
    return l10n.t('Your AWS identity may not read the AWS Price List. Allow pricing:GetProducts in your IAM policy; until then prices come from the built-in table.');
  }
  return l10n.t('The AWS Price List could not be read ({0}); prices come from the built-in table.', str((err as Error)?.message) || name || String(err));
}

/** Reads every Bedrock token price of a Region from the Price List. Throws an Error written for the user. */
export async function fetchPriceList(options: PriceListOptions, signal?: AbortSignal): Promise<PriceListSnapshot> {
  const sdk = await (options.loadSdk ?? (() => import('@aws-sdk/client-pricing')))();
  // The Price List API answers from us-east-1 (and two other Regions) for prices of every Region.
  const client = new sdk.PricingClient({
    region: 'us-east-1',
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
  const items: unknown[] = [];
  try {
    for (const ServiceCode of PRICE_LIST_SERVICE_CODES) {
      let NextToken: string | undefined;
      let pages = 0;
      do {
        const page = await client.send(
          new sdk.GetProductsCommand({ ServiceCode, FormatVersion: 'aws_v1', MaxResults: 100, NextToken, Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: options.region }] }),
          { abortSignal: signal },
        );
        items.push(...((page.PriceList as unknown[] | undefined) ?? []));
        NextToken = page.NextToken;
      } while (NextToken && ++pages < MAX_PAGES);
    }
  } catch (err) {
    throw new Error(describePriceListError(err));
  } finally {
    client.destroy();
  }
  const { products, unreadable } = collectProducts(items);
  return { region: options.region, fetchedAt: (options.now ?? Date.now)(), products, unreadable };
}

export interface PriceListResult {
  snapshot?: PriceListSnapshot;
  from: 'fetched' | 'cache' | 'none';
  /** Why the list was not read this time (the last good one, if any, is still used). */
  problem?: string;
}

const STORE_PREFIX = 'promptWorkbench.priceList/';

/** The Price List per Region, kept for a day in a store that outlives the window (or the CLI process). */
export class PriceListCache {
  private readonly inflight = new Map<string, Promise<PriceListSnapshot>>();

  constructor(
    private readonly store: CatalogStore | undefined,
    private readonly fetcher: (region: string, signal?: AbortSignal) => Promise<PriceListSnapshot>,
    private readonly now: () => number = Date.now,
  ) {}

  cached(region: string): PriceListSnapshot | undefined {
    const stored = this.store?.get<PriceListSnapshot>(STORE_PREFIX + region);
    return stored && typeof stored.fetchedAt === 'number' && Array.isArray(stored.products) ? stored : undefined;
  }

  /** A snapshot younger than a day as it is; otherwise (or with `refresh`) read again, keeping the last good one on failure. */
  async get(region: string, options: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<PriceListResult> {
    const cached = this.cached(region);
    if (cached && !options.refresh && this.now() - cached.fetchedAt < DAY_MS) return { snapshot: cached, from: 'cache' };
    let pending = this.inflight.get(region);
    if (!pending) {
      pending = this.fetcher(region, options.signal).then(async (snapshot) => {
        await Promise.resolve(this.store?.update(STORE_PREFIX + region, snapshot)).catch(() => undefined);
        return snapshot;
      });
      const forget = (): void => void this.inflight.delete(region);
      pending.then(forget, forget);
      this.inflight.set(region, pending);
    }
    try {
      return { snapshot: await pending, from: 'fetched' };
    } catch (err) {
      return { snapshot: cached, from: cached ? 'cache' : 'none', problem: err instanceof Error ? err.message : String(err) };
    }
  }
}

/**
 * What the catalog adds to the built-in table: the listed models, and the built-in ones the
 * listing lacks, each with the Price List's prices where it has them.
 */
export function withPriceList(listed: readonly ModelInfo[], builtins: readonly ModelInfo[], snapshot: PriceListSnapshot | undefined): ModelInfo[] {
  if (!snapshot) return [...listed];
  const listedIds = new Set(listed.map((m) => m.id));
  const all = [...builtins.filter((m) => !listedIds.has(m.id)), ...listed];
  const priced = new Map(applyPriceList(all, snapshot).map((m) => [m.id, m]));
  return [...listed.map((m) => priced.get(m.id) ?? m), ...builtins.filter((m) => !listedIds.has(m.id) && priced.has(m.id)).map((m) => priced.get(m.id) as ModelInfo)];
}
