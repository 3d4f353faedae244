/**
 * `prompt-workbench models [--refresh] [--region R] [--json]`: the Bedrock models of a Region
 * with context window, output limit, modalities, lifecycle and prices (with their source).
 * Listings and the AWS Price List are cached for a day in
 * `$XDG_CACHE_HOME/prompt-workbench/catalog.json` (default `~/.cache/prompt-workbench/`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../core/workspace/guardedFs';
import { listBedrockModels } from '../core/catalog/bedrockCatalog';
import { BUILTIN_MODELS, type ModelInfo } from '../core/catalog/builtinModels';
import { ModelCatalog, priceSourceText } from '../core/catalog/modelCatalog';
import { mergeModels, ModelDiscovery, type CatalogStore } from '../core/catalog/modelDiscovery';
import { fetchPriceList, PriceListCache, withPriceList } from '../core/catalog/priceList';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ModelsCommandOptions {
  refresh: boolean;
  region?: string;
  profile?: string;
  /** A Bedrock-compatible server that also answers the control plane and the Price List (the simulator). */
  endpointUrl?: string;
  json: boolean;
  /** The cache directory; by default under the user's cache folder. */
  cacheDir?: string;
}

/** Where the CLI keeps listings and prices between runs. */
export function cliCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'prompt-workbench');
}

/** A CatalogStore in one JSON file; a file that cannot be read or written only means no cache. */
export function fileCatalogStore(file: string): CatalogStore {
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    data = {};
  }
  return {
    get: <T>(key: string) => data[key] as T | undefined,
    update: async (key: string, value: unknown) => {
      if (value === undefined) delete data[key];
      else data[key] = value;
      try {
        // The user's own cache folder: written atomically, never through a link (the guarded layer).
        await writeFileAtomic(file, JSON.stringify(data), path.dirname(file));
      } catch {
        // Without a writable cache the next run reads again.
      }
    },
  };
}

/** One model as `models --json` prints it; unknown numbers are null, never a guess. */
export function modelJson(catalog: ModelCatalog, model: ModelInfo): Record<string, unknown> {
  const prices = catalog.pricesOf(model.id);
  return {
    id: model.id,
    name: model.name,
    provider: model.vendor,
    contextWindow: model.contextWindow > 0 ? model.contextWindow : null,
    maxOutputTokens: model.maxOutputTokens > 0 ? model.maxOutputTokens : model.kind === 'embedding' ? 0 : null,
    modalities: model.modalities ?? null,
    lifecycle: model.lifecycle ?? null,
    prices: prices
      ? {
          inputPerMTokens: prices.inputPerMTokens,
          outputPerMTokens: prices.outputPerMTokens,
          batchInputPerMTokens: prices.batchInputPerMTokens ?? null,
          batchOutputPerMTokens: prices.batchOutputPerMTokens ?? null,
          cacheReadPerMTokens: prices.cacheReadPerMTokens ?? null,
          cacheWritePerMTokens: prices.cacheWritePerMTokens ?? null,
          currency: prices.currency,
          source: prices.source,
          asOf: prices.asOf,
        }
      : null,
  };
}

export async function runModelsCommand(options: ModelsCommandOptions): Promise<number> {
  const region = options.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
  const store = fileCatalogStore(path.join(options.cacheDir ?? cliCacheDir(), 'catalog.json'));
  const known = (id: string) => BUILTIN_MODELS.find((m) => m.id === id);
  const discovery = new ModelDiscovery(store);
  const source = {
    key: `bedrock|${region}|${options.profile ?? ''}|${options.endpointUrl ?? 'aws'}`,
    label: `Amazon Bedrock (${region})`,
    maxAgeMs: DAY_MS,
    list: async (signal?: AbortSignal) => (await listBedrockModels({ region, profile: options.profile, endpoint: options.endpointUrl }, known, signal)).models,
  };
  const priceList = new PriceListCache(store, (r, signal) => fetchPriceList({ region: r, profile: options.profile, endpoint: options.endpointUrl }, signal));
  const [found, prices] = await Promise.all([discovery.discover([source], { refresh: options.refresh }), priceList.get(region, { refresh: options.refresh })]);
  const notes = [...found.listings.filter((l) => l.problem).map((l) => `${l.label}: ${l.problem} The built-in list is shown.`), ...(prices.problem ? [prices.problem] : [])];
  const catalog = new ModelCatalog(mergeModels(BUILTIN_MODELS, withPriceList(found.models, BUILTIN_MODELS, prices.snapshot)));
  const models = catalog.all().filter((m) => m.id.startsWith('bedrock/'));
  for (const note of notes) process.stderr.write(`note: ${note}\n`);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ models: models.map((m) => modelJson(catalog, m)) }, null, 2)}\n`);
    return 0;
  }
  for (const model of models) {
    const p = catalog.pricesOf(model.id);
    const price = p ? `$${p.inputPerMTokens} / $${p.outputPerMTokens} per M tokens (${priceSourceText(p)})` : 'price unknown';
    const context = model.contextWindow > 0 ? `${model.contextWindow.toLocaleString('en-US')} context` : 'context unknown';
    const legacy = model.lifecycle?.status === 'LEGACY' ? ` · Legacy${model.lifecycle.endOfLife ? `, end of life ${model.lifecycle.endOfLife}` : ''}${model.lifecycle.successor ? `, move to ${model.lifecycle.successor}` : ''}` : '';
    process.stdout.write(`${model.id}  ${model.name} · ${context} · ${price}${legacy}\n`);
  }
  return 0;
}
