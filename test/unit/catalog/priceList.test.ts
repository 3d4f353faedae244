import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILTIN_MODELS, type ModelInfo } from '../../../src/core/catalog/builtinModels';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { mergeModels } from '../../../src/core/catalog/modelDiscovery';
import { collectProducts, fetchPriceList, parsePriceListItem, PriceListCache, withPriceList, type PriceListSnapshot } from '../../../src/core/catalog/priceList';
import { semanticDiagnostics } from '../../../src/core/prompt/language/languageService';
import { getProducts, UNTABLED_MODEL_PRICES } from '../../support/bedrockPriceList';
import { FAKE_AWS_CREDENTIALS, withAwsEnv } from '../../support/awsEnv';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';

/** A Price List entry as GetProducts returns it: a JSON string with product.attributes and terms.OnDemand…priceDimensions. */
function entry(attributes: Record<string, string>, unit: string, usd: string, description = ''): string {
  return JSON.stringify({
    product: { productFamily: 'Amazon Bedrock', attributes, sku: 'SKU1' },
    serviceCode: attributes.servicecode,
    terms: { OnDemand: { 'SKU1.JRTCKXETXF': { priceDimensions: { 'SKU1.JRTCKXETXF.6YS6EN2CT7': { unit, description, pricePerUnit: { USD: usd } } }, offerTermCode: 'JRTCKXETXF' } } },
  });
}

const DAY = '2026-12-04';

/** Every product the simulator's Price List holds, page after page, for both service codes. */
function allProducts(): string[] {
  const all: string[] = [];
  for (const ServiceCode of ['AmazonBedrock', 'AmazonBedrockFoundationModels']) {
    for (let token: string | undefined = '0'; token !== undefined; ) {
      const page = getProducts({ ServiceCode, NextToken: token, Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' }] });
      all.push(...page.PriceList);
      token = page.NextToken;
    }
  }
  return all;
}
const FETCHED = Date.parse(`${DAY}T08:00:00Z`);

describe('AWS Price List: parsing', () => {
  it('reads AmazonBedrock products (per 1K tokens, model attribute) and Marketplace products (per million, servicename, _Global)', () => {
    const nova = parsePriceListItem(entry({ servicecode: 'AmazonBedrock', model: 'Nova Pro', inferenceType: 'Input tokens', feature: 'On-demand Inference', usagetype: 'USE1-NovaPro-input-tokens', regionCode: 'us-east-1' }, '1K tokens', '0.0008000000'));
    assert.deepEqual(nova, { name: 'Nova Pro', scope: 'regional', usd: { input: 0.8 } });
    const batch = parsePriceListItem(entry({ servicecode: 'AmazonBedrock', model: 'Nova Pro', inferenceType: 'Output tokens', feature: 'Batch Inference', usagetype: 'USE1-NovaPro-output-tokens-batch' }, '1K tokens', '0.0016'));
    assert.deepEqual(batch, { name: 'Nova Pro', scope: 'regional', usd: { batchOutput: 1.6 } });
    const claude = parsePriceListItem(entry({ servicecode: 'AmazonBedrockFoundationModels', servicename: 'Claude Haiku 4.5 (Amazon Bedrock Edition)', usagetype: 'USE1-MP:USE1_InputTokenCount_Global-Units' }, 'Units', '1'));
    assert.deepEqual(claude, { name: 'Claude Haiku 4.5', scope: 'global', usd: { input: 1 } });
    const cacheWrite = parsePriceListItem(entry({ servicecode: 'AmazonBedrockFoundationModels', servicename: 'Claude Haiku 4.5 (Amazon Bedrock Edition)', usagetype: 'USE1-MP:USE1_CacheWriteInputTokenCount-Units' }, 'Units', '1.375'));
    assert.deepEqual(cacheWrite, { name: 'Claude Haiku 4.5', scope: 'regional', usd: { cacheWrite: 1.375 } });
  });

  it('skips what is not a token price, counts unreadable ones, and never prices at zero', () => {
    assert.equal(parsePriceListItem(entry({ model: 'Nova Pro', inferenceType: 'Provisioned throughput', usagetype: 'USE1-NovaPro-ProvisionedThroughput' }, 'Hrs', '21.18')), undefined);
    assert.equal(parsePriceListItem(entry({ model: 'Nova Micro', inferenceType: 'Input tokens' }, '1K tokens', 'n/a')), 'unreadable');
    assert.equal(parsePriceListItem(entry({ model: 'Nova Micro', inferenceType: 'Input tokens' }, '1K tokens', '0')), 'unreadable');
    assert.equal(parsePriceListItem(entry({ model: 'Nova Micro', inferenceType: 'Input tokens' }, 'Quanta', '0.1')), 'unreadable');
    assert.equal(parsePriceListItem('{not json'), 'unreadable');
    // The simulator's whole listing: every product of a model merges into one entry per scope.
    const { products, unreadable } = collectProducts(allProducts());
    assert.equal(unreadable, 1);
    const haiku = products.filter((p) => p.name === 'Claude Haiku 4.5');
    assert.deepEqual(haiku.map((p) => p.scope).sort(), ['global', 'regional']);
    assert.deepEqual(haiku.find((p) => p.scope === 'regional')?.usd, { input: 1.1, output: 5.5, cacheRead: 0.11, cacheWrite: 1.375, batchInput: 0.55, batchOutput: 2.75 });
  });
});

describe('AWS Price List: fallback and override order', () => {
  const snapshot = (): PriceListSnapshot => ({ region: 'us-east-1', fetchedAt: FETCHED, ...collectProducts(allProducts()) });
  const qwen: ModelInfo = { id: 'bedrock/qwen.qwen3-32b-v1:0', name: 'Qwen3 32B', vendor: 'Qwen', contextWindow: 0, maxOutputTokens: 0, streaming: true, images: false, kind: 'text', source: 'bedrock' };

  it('settings win over the Price List, which wins over the built-in table; each price says its source', () => {
    // As Bedrock lists it: a global profile of Claude Haiku 4.5, sized and priced like its model.
    const globalHaiku: ModelInfo = { id: 'bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0', name: 'GLOBAL Anthropic Claude Haiku 4.5', vendor: 'Anthropic', contextWindow: 200_000, maxOutputTokens: 64_000, streaming: true, images: true, kind: 'text', source: 'bedrock', baseModel: 'bedrock/anthropic.claude-haiku-4-5-20251001-v1:0' };
    const discovered = withPriceList([qwen, globalHaiku], BUILTIN_MODELS, snapshot());
    const catalog = new ModelCatalog(mergeModels(BUILTIN_MODELS, discovered), { 'bedrock/amazon.nova-pro-v1:0': { inputPerMTok: 0.5, outputPerMTok: 2 } });
    const untabled = catalog.pricesOf(qwen.id);
    assert.deepEqual(untabled, { inputPerMTokens: UNTABLED_MODEL_PRICES.inputPerMTokens, outputPerMTokens: 0.6, batchInputPerMTokens: 0.075, batchOutputPerMTokens: 0.3, currency: 'USD', source: 'aws-price-list', asOf: DAY });
    assert.equal(catalog.pricesOf('bedrock/amazon.nova-pro-v1:0')?.source, 'settings');
    assert.equal(catalog.costUsd('bedrock/amazon.nova-pro-v1:0', 1_000_000, 1_000_000), 2.5);
    // Claude Haiku 4.5: the regional price for the model and geographic profiles, the global one for global.
    assert.deepEqual([catalog.pricesOf('bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0')?.inputPerMTokens, catalog.pricesOf('bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0')?.inputPerMTokens], [1.1, 1]);
    // Not in the Price List: the built-in table, dated.
    const llama = catalog.pricesOf('bedrock/meta.llama3-1-8b-instruct-v1:0');
    assert.deepEqual([llama?.source, llama?.asOf, llama?.inputPerMTokens], ['builtin', '2026-12-04', 0.22]);
    // Without any Price List the untabled model has no price at all (never zero).
    assert.equal(new ModelCatalog(mergeModels(BUILTIN_MODELS, [qwen])).costUsd(qwen.id, 1000, 1000), null);
  });

  it('reads the simulator through the real SDK (AWS_ENDPOINT_URL_PRICING), caches a day, and falls back without permission', async function () {
    this.timeout(20000);
    const server: BedrockServer = await startBedrockServer();
    try {
      const store = new Map<string, unknown>();
      const memento = { get: <T>(k: string) => store.get(k) as T | undefined, update: async (k: string, v: unknown) => void store.set(k, v) };
      let now = FETCHED;
      await withAwsEnv({ ...FAKE_AWS_CREDENTIALS, AWS_ENDPOINT_URL_PRICING: server.url }, async () => {
        const cache = new PriceListCache(memento, (region) => fetchPriceList({ region, now: () => now }), () => now);
        const first = await cache.get('us-east-1');
        assert.equal(first.from, 'fetched');
        assert.ok(first.snapshot?.products.some((p) => p.name === 'Qwen3 32B'), 'the untabled model is priced');
        const calls = server.requests.filter((r) => r.headers['x-amz-target'] === 'AWSPriceListService.GetProducts').length;
        assert.ok(calls >= 4, `NextToken is followed (${calls} pages)`);
        assert.equal((await cache.get('us-east-1')).from, 'cache');
        now += 25 * 60 * 60 * 1000;
        assert.equal((await cache.get('us-east-1')).from, 'fetched', 'a day later it is read again');
      });
      await withAwsEnv({ AWS_ACCESS_KEY_ID: 'NOPRICINGKEY', AWS_SECRET_ACCESS_KEY: 'x', AWS_ENDPOINT_URL_PRICING: server.url }, async () => {
        const denied = await new PriceListCache(undefined, (region) => fetchPriceList({ region, maxAttempts: 1 })).get('us-east-1');
        assert.deepEqual([denied.from, denied.snapshot], ['none', undefined]);
        assert.match(denied.problem ?? '', /pricing:GetProducts/);
        // With a last good list, a failure keeps it.
        const kept = await new PriceListCache(memento, (region) => fetchPriceList({ region, maxAttempts: 1 }), () => now + 2 * 24 * 60 * 60 * 1000).get('us-east-1');
        assert.equal(kept.from, 'cache');
        assert.ok(kept.snapshot && kept.problem);
      });
    } finally {
      await server.close();
    }
  });
});

describe('model lifecycle diagnostics', () => {
  const context = { catalog: new ModelCatalog(), providers: ['bedrock', 'echo'] };
  const prompt = (model: string, compare = ''): string => `---\nmodel: ${model}\n${compare}input:\n  schema: {email: string}\n---\n{{email}}\n`;

  it('a Legacy model warns on its id with its end of life and successor; current models and profiles of them do not', () => {
    const found = semanticDiagnostics(prompt('bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0', 'workbench.compare: [bedrock/anthropic.claude-sonnet-4-20250514-v1:0]\n'), context).filter((d) => d.code === 'model-legacy');
    assert.equal(found.length, 2);
    assert.equal(found[0].severity, 'warning');
    assert.match(found[0].message, /Claude 3\.5 Haiku as Legacy\. It reached its end of life on 2026-06-19: calls may fail\. Move to Claude Haiku 4\.5 \("bedrock\/anthropic\.claude-haiku-4-5-20251001-v1:0"\)/);
    assert.match(found[1].message, /Claude Sonnet 4 as Legacy\. Move to Claude Sonnet 4\.6/);
    assert.deepEqual([found[0].range.startLine, found[0].range.startCol], [1, 7]);
    assert.deepEqual(semanticDiagnostics(prompt('bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0'), context), []);
  });

  it('Bedrock listing a model as LEGACY makes it Legacy even when the table says active', () => {
    const listed: ModelInfo = { ...BUILTIN_MODELS.find((m) => m.id === 'bedrock/amazon.nova-lite-v1:0')!, lifecycle: { status: 'LEGACY', endOfLife: '2099-01-31' } };
    const catalog = new ModelCatalog(mergeModels(BUILTIN_MODELS, [listed]));
    const found = semanticDiagnostics(prompt('bedrock/amazon.nova-lite-v1:0'), { catalog }).filter((d) => d.code === 'model-legacy');
    assert.deepEqual(found.map((d) => d.message), ['Frontmatter: Amazon Bedrock lists Amazon Nova Lite as Legacy. Its end of life is 2099-01-31.']);
  });
});

describe('CLI prompt-workbench models --json against the local server', function () {
  this.timeout(30000);
  it('prints the documented shape: a model only the Price List prices, the Legacy model, and built-in prices with their date', async () => {
    const server = await startBedrockServer();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-models-'));
    try {
      const cli = path.resolve(__dirname, '../../../..', 'dist', 'cli.js');
      const env = { PATH: process.env.PATH, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none'), ...FAKE_AWS_CREDENTIALS };
      const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [cli, 'models', '--json', '--region', 'us-east-1', '--endpoint-url', server.url], { cwd: home, env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
      assert.equal(result.code, 0, result.stderr);
      const { models } = JSON.parse(result.stdout) as { models: Array<Record<string, any>> };
      const qwen = models.find((m) => m.id === 'bedrock/qwen.qwen3-32b-v1:0');
      assert.deepEqual(qwen, {
        id: 'bedrock/qwen.qwen3-32b-v1:0', name: 'Qwen3 32B', provider: 'Qwen', contextWindow: null, maxOutputTokens: null,
        modalities: { input: ['TEXT'], output: ['TEXT'] }, lifecycle: { status: 'ACTIVE' },
        prices: { inputPerMTokens: 0.15, outputPerMTokens: 0.6, batchInputPerMTokens: 0.075, batchOutputPerMTokens: 0.3, cacheReadPerMTokens: null, cacheWritePerMTokens: null, currency: 'USD', source: 'aws-price-list', asOf: new Date().toISOString().slice(0, 10) },
      });
      const legacy = models.find((m) => m.id === 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0');
      assert.deepEqual(legacy?.lifecycle, { status: 'LEGACY', successor: 'bedrock/anthropic.claude-haiku-4-5-20251001-v1:0', endOfLife: '2026-06-19' });
      assert.deepEqual([legacy?.prices.source, legacy?.prices.asOf, legacy?.contextWindow], ['builtin', '2026-12-04', 200000]);
      assert.ok(fs.existsSync(path.join(home, '.cache', 'prompt-workbench', 'catalog.json')), 'listings and prices are cached under ~/.cache/prompt-workbench');
    } finally {
      await server.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
