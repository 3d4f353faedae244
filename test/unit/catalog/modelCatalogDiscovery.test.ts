import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { listBedrockModels } from '../../../src/core/catalog/bedrockCatalog';
import { BUILTIN_MODELS, type ModelInfo } from '../../../src/core/catalog/builtinModels';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { mergeModels, ModelDiscovery, type CatalogStore, type ModelSource } from '../../../src/core/catalog/modelDiscovery';
import { FAKE_AWS_CREDENTIALS, withAwsEnv } from '../../support/awsEnv';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';

const builtin = new ModelCatalog();
const known = (id: string): ModelInfo | undefined => BUILTIN_MODELS.find((m) => m.id === id);

/** A Memento-like store in memory, to see what the cache writes. */
function memoryStore(): CatalogStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: <T>(key: string) => data.get(key) as T | undefined,
    update: async (key: string, value: unknown) => void (value === undefined ? data.delete(key) : data.set(key, JSON.parse(JSON.stringify(value)))),
  };
}

function countingSource(key: string, models: () => ModelInfo[] | Promise<ModelInfo[]>, maxAgeMs = 60_000): ModelSource & { calls: number } {
  const source = {
    key,
    label: key,
    maxAgeMs,
    calls: 0,
    async list() {
      source.calls++;
      return models();
    },
  };
  return source;
}

const model = (id: string, extra: Partial<ModelInfo> = {}): ModelInfo => ({ id, name: id, vendor: 'x', contextWindow: 0, maxOutputTokens: 0, streaming: true, images: false, kind: 'text', ...extra });

describe('Bedrock model listing (real @aws-sdk/client-bedrock against the local server)', () => {
  let server: BedrockServer;
  before(async () => {
    server = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 1 });
  });
  after(async () => server.close());

  it('lists foundation models and inference profiles over HTTP/1.1, merged with the built-in metadata', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const before = server.requests.length;
      const listing = await listBedrockModels({ region: 'eu-west-1', endpoint: server.url }, known);
      const sent = server.requests.slice(before);
      assert.deepEqual(sent.map((r) => `${r.method} ${r.path.split('?')[0]} HTTP/${r.httpVersion}`), ['GET /foundation-models HTTP/1.1', 'GET /inference-profiles HTTP/1.1']);
      assert.match(sent[0].headers.authorization, /Credential=AKIDLOCALTEST\/\d{8}\/eu-west-1\/bedrock\//);
      assert.equal(listing.region, 'eu-west-1');
      const byId = new Map(listing.models.map((m) => [m.id, m]));
      // A model the built-in table knows keeps its prices and context window.
      const haiku = byId.get('bedrock/anthropic.claude-3-5-haiku-20241022-v1:0');
      assert.equal(haiku?.contextWindow, 200_000);
      assert.equal(haiku?.inputPerMTok, 0.8);
      assert.equal(haiku?.source, 'bedrock');
      assert.equal(haiku?.onDemand, true);
      // Listed but unknown to the table: allowed, with unknown size and price.
      const mistral = byId.get('bedrock/mistral.mistral-large-2402-v1:0');
      assert.deepEqual([mistral?.name, mistral?.vendor, mistral?.contextWindow, mistral?.inputPerMTok, mistral?.kind], ['Mistral Large (24.02)', 'Mistral AI', 0, undefined, 'text']);
      // Only callable through a profile.
      assert.equal(byId.get('bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0')?.onDemand, false);
      // Cross-region profiles carry their base model's metadata.
      const usHaiku = byId.get('bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0');
      assert.equal(usHaiku?.name, 'US Anthropic Claude 3.5 Haiku');
      assert.equal(usHaiku?.baseModel, 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0');
      assert.equal(usHaiku?.outputPerMTok, 4);
      assert.ok(byId.has('bedrock/eu.anthropic.claude-sonnet-4-20250514-v1:0'));
      assert.equal(byId.get('bedrock/amazon.titan-embed-text-v2:0')?.kind, 'embedding');
      assert.ok(!listing.models.some((m) => m.kind === 'embedding' && m.id.startsWith('bedrock/us.')), 'no profile for an embedding model');
    }));

  it('uses a Bedrock API key as a bearer token', () =>
    withAwsEnv({}, async () => {
      const before = server.requests.length;
      await listBedrockModels({ region: 'us-east-1', endpoint: server.url, apiKey: 'bedrock-api-key-local' }, known);
      assert.equal(server.requests[before].headers.authorization, 'Bearer bedrock-api-key-local');
    }));

  it('a control plane that cannot be reached gives a sentence naming the endpoint and the setting', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const probe = net.createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const { port } = probe.address() as net.AddressInfo;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      await assert.rejects(
        listBedrockModels({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 }, known),
        new RegExp(`Could not reach http://127\\.0\\.0\\.1:${port} .*promptWorkbench\\.bedrock\\.controlEndpointUrl`),
      );
    }));

  it('no credentials at all gives the credentials sentence, not a stack trace', () =>
    withAwsEnv({}, async () => {
      await assert.rejects(listBedrockModels({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1 }, known), /No AWS credentials were found/);
    }));
});

describe('model discovery cache', () => {
  it('keeps each listing with its time, in memory and in the store, and uses it while fresh', async () => {
    let now = 1_000_000;
    const store = memoryStore();
    const source = countingSource('bedrock/us-east-1', () => [model('bedrock/a')]);
    const discovery = new ModelDiscovery(store, () => now);
    const first = await discovery.discover([source]);
    assert.deepEqual(first.models.map((m) => m.id), ['bedrock/a']);
    assert.deepEqual(first.listings, [{ label: 'bedrock/us-east-1', fetchedAt: 1_000_000, count: 1, from: 'fetched' }]);
    assert.deepEqual(store.data.get('promptWorkbench.catalog/bedrock/us-east-1'), { fetchedAt: 1_000_000, models: [model('bedrock/a')] });
    now += 30_000;
    const second = await discovery.discover([source]);
    assert.equal(source.calls, 1, 'a fresh listing is not fetched again');
    assert.equal(second.listings[0].from, 'cache');
    // A new window (new instance) starts from the stored listing.
    const again = new ModelDiscovery(store, () => now);
    assert.deepEqual(again.cached([source]).map((m) => m.id), ['bedrock/a']);
    await again.discover([source]);
    assert.equal(source.calls, 1);
  });

  it('refreshes when asked or when the listing is too old, per source and per key (Region)', async () => {
    let now = 0;
    const east = countingSource('bedrock/us-east-1', () => [model('bedrock/e')], 1000);
    const west = countingSource('bedrock/us-west-2', () => [model('bedrock/w')], 1000);
    const discovery = new ModelDiscovery(memoryStore(), () => now);
    await discovery.discover([east, west]);
    await discovery.discover([east], { refresh: true });
    assert.deepEqual([east.calls, west.calls], [2, 1]);
    now = 5000;
    const result = await discovery.discover([east, west]);
    assert.deepEqual([east.calls, west.calls], [3, 2]);
    assert.deepEqual(result.models.map((m) => m.id), ['bedrock/e', 'bedrock/w']);
  });

  it('a failed listing keeps the last good one and reports the problem; one with no cache reports none found', async () => {
    let fail = false;
    const source = countingSource('ollama', () => {
      if (fail) throw new Error('Could not connect to the endpoint “ollama”: Is Ollama running?');
      return [model('ollama/llama3.2')];
    });
    const broken = countingSource('lmstudio', () => Promise.reject(new Error('nothing there')));
    const discovery = new ModelDiscovery(memoryStore());
    await discovery.discover([source]);
    fail = true;
    const result = await discovery.discover([source, broken], { refresh: true });
    assert.deepEqual(result.models.map((m) => m.id), ['ollama/llama3.2']);
    assert.equal(result.listings[0].from, 'cache');
    assert.match(result.listings[0].problem ?? '', /Is Ollama running\?/);
    assert.deepEqual({ ...result.listings[1], fetchedAt: null }, { label: 'lmstudio', fetchedAt: null, count: 0, from: 'none', problem: 'nothing there' });
  });

  it('two discoveries at once share one request per source', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const source = countingSource('slow', async () => {
      await gate;
      return [model('slow/m')];
    });
    const discovery = new ModelDiscovery();
    const both = Promise.all([discovery.discover([source]), discovery.discover([source], { refresh: true })]);
    release();
    const [a, b] = await both;
    assert.equal(source.calls, 1);
    assert.deepEqual(a.models, b.models);
  });

  it('merges discovered models over the built-ins; the catalog then prices profiles and finds unknown ids', () => {
    const discovered = [
      { ...known('bedrock/amazon.nova-lite-v1:0')!, source: 'bedrock' as const, onDemand: true },
      model('bedrock/us.amazon.nova-lite-v1:0', { inputPerMTok: 0.06, outputPerMTok: 0.24, baseModel: 'bedrock/amazon.nova-lite-v1:0', name: 'US Nova Lite' }),
      model('ollama/llama3.2:latest', { inputPerMTok: 0, outputPerMTok: 0, source: 'endpoint' }),
    ];
    const merged = mergeModels(BUILTIN_MODELS, discovered);
    assert.equal(merged.length, BUILTIN_MODELS.length + 2);
    assert.equal(merged.find((m) => m.id === 'bedrock/amazon.nova-lite-v1:0')?.source, 'bedrock');
    assert.equal(merged.find((m) => m.id === 'bedrock/amazon.nova-pro-v1:0')?.source, 'builtin');
    const catalog = new ModelCatalog(merged, { 'ollama/llama3.2:latest': { inputPerMTok: 1, outputPerMTok: 2 } });
    assert.equal(catalog.find('us.amazon.nova-lite-v1:0')?.name, 'US Nova Lite');
    assert.equal(catalog.costUsd('bedrock/us.amazon.nova-lite-v1:0', 1_000_000, 1_000_000), 0.3);
    assert.equal(catalog.costUsd('ollama/llama3.2:latest', 1_000_000, 1_000_000), 3, 'a price in settings wins');
    assert.equal(catalog.find('ollama/unknown-model'), undefined);
    assert.equal(builtin.costUsd('bedrock/vendor.unknown-v1:0', 10, 10), null, 'unknown ids are allowed and have no price');
  });
});
