import * as l10n from '@vscode/l10n';
import { parseModelId } from '../providers/modelId';
import { BUILTIN_MODELS, BUILTIN_PRICES_AS_OF, ModelInfo, type ModelPrices, type PriceSource } from './builtinModels';

/** Cross-region inference profiles prefix a model id with a geography (`us.`, `eu.`, `apac.`, `global.`). */
const PROFILE_PREFIX = /^(us|eu|apac|us-gov|ca|jp|au|global)\./;

export interface PriceOverride {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Prompt-cache prices (USD per million tokens); each falls back to the list's or the table's. */
  cacheReadPerMTok?: number;
  cacheWritePerMTok?: number;
}

/** Input tokens a call read from Bedrock's prompt cache and wrote to it (reported apart from `inputTokens`). */
export interface CacheUsage {
  readTokens: number;
  writeTokens: number;
}

export class ModelCatalog {
  private readonly byId = new Map<string, ModelInfo>();

  constructor(models: readonly ModelInfo[] = BUILTIN_MODELS, private readonly prices: Record<string, PriceOverride> = {}) {
    for (const m of models) this.byId.set(m.id, m);
  }

  /** Metadata for an id (bare ids are Bedrock; inference profiles map to their base model), or undefined. */
  find(rawId: string): ModelInfo | undefined {
    const { provider, modelId, qualified } = parseModelId(rawId);
    const direct = this.byId.get(qualified);
    if (direct) return direct;
    if (provider === 'bedrock') {
      const base = modelId.replace(PROFILE_PREFIX, '');
      return this.byId.get(`bedrock/${base}`);
    }
    return undefined;
  }

  all(): ModelInfo[] {
    return [...this.byId.values()];
  }

  /**
   * A model's prices and where they come from, in this order: the user's settings
   * (`promptWorkbench.prices`), the AWS Price List, the built-in table. Undefined when none
   * prices it.
   */
  pricesOf(rawId: string): ModelPrices | undefined {
    const { qualified, modelId } = parseModelId(rawId);
    const override = this.prices[qualified] ?? this.prices[modelId];
    const base = this.listedPrices(rawId);
    const priceOf = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
    const input = priceOf(override?.inputPerMTok);
    const output = priceOf(override?.outputPerMTok);
    const cacheRead = priceOf(override?.cacheReadPerMTok) ?? base?.cacheReadPerMTokens;
    const cacheWrite = priceOf(override?.cacheWritePerMTok) ?? base?.cacheWritePerMTokens;
    const cachePrices = { ...(cacheRead !== undefined ? { cacheReadPerMTokens: cacheRead } : {}), ...(cacheWrite !== undefined ? { cacheWritePerMTokens: cacheWrite } : {}) };
    if (input === undefined && output === undefined) {
      const cacheOverridden = priceOf(override?.cacheReadPerMTok) !== undefined || priceOf(override?.cacheWritePerMTok) !== undefined;
      return base && cacheOverridden ? { ...base, ...cachePrices, source: 'settings', asOf: null } : base;
    }
    // A setting that gives one of the two prices takes the other from the list or the table.
    const inputPerMTokens = input ?? base?.inputPerMTokens;
    const outputPerMTokens = output ?? base?.outputPerMTokens;
    if (inputPerMTokens === undefined || outputPerMTokens === undefined) return undefined;
    return { inputPerMTokens, outputPerMTokens, ...cachePrices, currency: 'USD', source: 'settings', asOf: null };
  }

  /** The AWS Price List's prices, else the built-in table's. */
  private listedPrices(rawId: string): ModelPrices | undefined {
    const info = this.find(rawId);
    if (info?.prices) return info.prices;
    const output = info?.outputPerMTok ?? (info?.kind === 'embedding' ? 0 : undefined);
    if (info?.inputPerMTok === undefined || output === undefined) return undefined;
    return {
      inputPerMTokens: info.inputPerMTok,
      outputPerMTokens: output,
      // Batch inference is half the on-demand price for the models the table lists.
      ...(info.kind === 'text' && info.inputPerMTok > 0 ? { batchInputPerMTokens: info.inputPerMTok / 2, batchOutputPerMTokens: output / 2 } : {}),
      ...(info.cacheReadPerMTok !== undefined ? { cacheReadPerMTokens: info.cacheReadPerMTok } : {}),
      ...(info.cacheWritePerMTok !== undefined ? { cacheWritePerMTokens: info.cacheWritePerMTok } : {}),
      currency: 'USD',
      source: 'builtin',
      asOf: BUILTIN_PRICES_AS_OF,
    };
  }

  /**
   * USD for one call, or null when the model has no known price. Cache reads and writes are
   * priced at the model's cache prices (a write without its own price costs the input price).
   */
  costUsd(rawId: string, inputTokens: number | null, outputTokens: number | null, cache?: CacheUsage): number | null {
    if (inputTokens == null || outputTokens == null) return null;
    const prices = this.pricesOf(rawId);
    if (!prices) return null;
    const { read, write } = cacheRates(prices);
    const cached = cache ? cache.readTokens * read + cache.writeTokens * write : 0;
    return (inputTokens * prices.inputPerMTokens + outputTokens * prices.outputPerMTokens + cached) / 1_000_000;
  }

  /** What caching saved on a call: its cached tokens at the input price, less what they cost; null without prices. */
  cacheSavingsUsd(rawId: string, cache: CacheUsage): number | null {
    const prices = this.pricesOf(rawId);
    if (!prices) return null;
    const { read, write } = cacheRates(prices);
    const input = prices.inputPerMTokens;
    return (cache.readTokens * (input - read) + cache.writeTokens * (input - write)) / 1_000_000;
  }

  /**
   * The fewest tokens a cache point must follow for the model to cache them (Bedrock's
   * per-model minimum); undefined when the model has no prompt cache or is unknown.
   */
  cacheMinTokens(rawId: string): number | undefined {
    const info = this.find(rawId);
    if (!info?.promptCache) return undefined;
    return info.cacheMinTokens ?? (/nova/.test(info.id) ? 1_000 : 1_024);
  }
}

/** Cache prices per million tokens: reads at their price (else the input price), writes likewise. */
function cacheRates(prices: ModelPrices): { read: number; write: number } {
  return { read: prices.cacheReadPerMTokens ?? prices.inputPerMTokens, write: prices.cacheWritePerMTokens ?? prices.inputPerMTokens };
}

/** Where a price comes from, for a person: "AWS Price List, 2026-12-04", "built-in table, as of 2026-12-04", "settings". */
export function priceSourceText(prices: { source: PriceSource; asOf: string | null }): string {
  if (prices.source === 'aws-price-list') return l10n.t('AWS Price List, {0}', prices.asOf ?? '');
  if (prices.source === 'builtin') return l10n.t('built-in table, as of {0}', prices.asOf ?? BUILTIN_PRICES_AS_OF);
  return l10n.t('your settings (promptWorkbench.prices)');
}
