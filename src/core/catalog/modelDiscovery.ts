/**
 * Finds the models each source offers (Bedrock's listing per Region, each OpenAI-compatible
 * endpoint's `/models`), caches every listing with the time it was fetched (in memory and in a
 * store that outlives the window, e.g. VS Code's globalState), and refreshes on demand. A
 * failed listing keeps the last good one and says what went wrong.
 */
import type { ModelInfo } from './builtinModels';

/** The slice of VS Code's Memento the cache needs; tests give it a Map. */
export interface CatalogStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface CachedListing {
  /** Epoch ms. */
  fetchedAt: number;
  models: ModelInfo[];
}

export interface ModelSource {
  /** Unique per source and what its answer depends on (Region, endpoint URL). */
  key: string;
  /** For messages: `Amazon Bedrock (us-east-1)`, `ollama`. */
  label: string;
  /** How long a listing is used without asking again. */
  maxAgeMs: number;
  list(signal?: AbortSignal): Promise<ModelInfo[]>;
}

export interface ListingStatus {
  label: string;
  fetchedAt: number | null;
  count: number;
  /** Where the models came from this time. */
  from: 'fetched' | 'cache' | 'none';
  problem?: string;
}

export interface Discovered {
  models: ModelInfo[];
  listings: ListingStatus[];
}

const STORE_PREFIX = 'promptWorkbench.catalog/';

export class ModelDiscovery {
  private readonly memory = new Map<string, CachedListing>();
  private readonly inflight = new Map<string, Promise<CachedListing>>();

  constructor(
    private readonly store?: CatalogStore,
    private readonly now: () => number = Date.now,
  ) {}

  private cachedListing(key: string): CachedListing | undefined {
    const inMemory = this.memory.get(key);
    if (inMemory) return inMemory;
    const stored = this.store?.get<CachedListing>(STORE_PREFIX + key);
    if (stored && typeof stored.fetchedAt === 'number' && Array.isArray(stored.models)) {
      this.memory.set(key, stored);
      return stored;
    }
    return undefined;
  }

  /** What is known without asking anyone (even if old): for showing a picker at once. */
  cached(sources: readonly ModelSource[]): ModelInfo[] {
    return sources.flatMap((source) => this.cachedListing(source.key)?.models ?? []);
  }

  /** One listing per source, asked for at most once at a time. */
  private fetch(source: ModelSource, signal?: AbortSignal): Promise<CachedListing> {
    let pending = this.inflight.get(source.key);
    if (!pending) {
      pending = source.list(signal).then(async (models) => {
        const listing: CachedListing = { fetchedAt: this.now(), models };
        this.memory.set(source.key, listing);
        await Promise.resolve(this.store?.update(STORE_PREFIX + source.key, listing)).catch(() => undefined);
        return listing;
      });
      const forget = (): void => void this.inflight.delete(source.key);
      pending.then(forget, forget);
      this.inflight.set(source.key, pending);
    }
    return pending;
  }

  /**
   * The models of every source: a fresh cached listing as it is, otherwise (or with
   * `refresh`) fetched again. Sources are asked in parallel; one that fails keeps its last
   * listing, if any, and reports the problem.
   */
  async discover(sources: readonly ModelSource[], options: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<Discovered> {
    const results = await Promise.all(
      sources.map(async (source): Promise<{ models: ModelInfo[]; status: ListingStatus }> => {
        const cached = this.cachedListing(source.key);
        if (cached && !options.refresh && this.now() - cached.fetchedAt < source.maxAgeMs) {
          return { models: cached.models, status: { label: source.label, fetchedAt: cached.fetchedAt, count: cached.models.length, from: 'cache' } };
        }
        try {
          const listing = await this.fetch(source, options.signal);
          return { models: listing.models, status: { label: source.label, fetchedAt: listing.fetchedAt, count: listing.models.length, from: 'fetched' } };
        } catch (err) {
          const problem = err instanceof Error ? err.message : String(err);
          const models = cached?.models ?? [];
          return { models, status: { label: source.label, fetchedAt: cached?.fetchedAt ?? null, count: models.length, from: cached ? 'cache' : 'none', problem } };
        }
      }),
    );
    return { models: results.flatMap((r) => r.models), listings: results.map((r) => r.status) };
  }

  /** Forgets every listing (memory and store), e.g. when the user asks to start over. */
  async clear(sources: readonly ModelSource[]): Promise<void> {
    for (const source of sources) {
      this.memory.delete(source.key);
      await Promise.resolve(this.store?.update(STORE_PREFIX + source.key, undefined)).catch(() => undefined);
    }
  }
}

/**
 * Built-in entries first, each replaced by a discovered one with the same id (which carries
 * the same metadata plus what the listing adds); models only a listing knows come after.
 */
export function mergeModels(builtins: readonly ModelInfo[], discovered: readonly ModelInfo[]): ModelInfo[] {
  const byId = new Map<string, ModelInfo>();
  for (const model of builtins) byId.set(model.id, { ...model, source: model.source ?? 'builtin' });
  for (const model of discovered) byId.set(model.id, byId.has(model.id) ? { ...byId.get(model.id), ...model } : model);
  return [...byId.values()];
}
