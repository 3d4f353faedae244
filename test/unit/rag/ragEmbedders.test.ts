// Bedrock embedders through the real AWS SDK against the local Bedrock server, and the
// OpenAI-compatible embedder against a real local HTTP server.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BedrockEmbedder, createEmbedder, embedderIdOf, OpenAiEmbedder, withBackoff } from '../../../src/core/rag/embedders';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';
import { FAKE_AWS_CREDENTIALS, withAwsEnv } from '../../support/awsEnv';

const TITAN = 'amazon.titan-embed-text-v2:0';
const COHERE = 'cohere.embed-english-v3';
const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
const norm = (a: Float32Array) => Math.sqrt(cos(a, a));

describe('rag Bedrock embedders (real SDK, local Bedrock server)', function () {
  this.timeout(30000);
  let server: BedrockServer;
  before(async () => {
    server = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 1 });
  });
  after(() => server.close());
  beforeEach(() => server.requests.splice(0));
  const invokes = (model: string) => server.requests.filter((r) => r.modelId === model && r.path.endsWith('/invoke'));

  it('Titan v2: one call per text, the asked dimensions, unit vectors, similar texts closer', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const embedder = createEmbedder({ kind: 'bedrock', modelId: TITAN, dimensions: 256, region: 'us-east-1', endpointUrl: server.url });
      assert.equal(embedder.id, `bedrock:${TITAN}@256`);
      const [a, b, c] = await embedder.embed(['refund the order', 'refund the orders', 'kubernetes node pool'], 'document');
      assert.equal(a.length, 256);
      assert.ok(Math.abs(norm(a) - 1) < 1e-5);
      assert.ok(cos(a, b) > cos(a, c));
      const calls = invokes(TITAN);
      assert.equal(calls.length, 3);
      assert.deepEqual(calls.map((r) => (r.body as { dimensions: number }).dimensions), [256, 256, 256]);
      assert.equal((calls[0].body as { normalize: boolean }).normalize, true);
      assert.match(calls[0].headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST\//);
    }));

  it('Titan v2 reads AWS_ENDPOINT_URL_BEDROCK_RUNTIME and sends a Bedrock API key as a bearer token', () =>
    withAwsEnv({ ...FAKE_AWS_CREDENTIALS, AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.url, AWS_REGION: 'us-west-2' }, async () => {
      const embedder = new BedrockEmbedder({ kind: 'bedrock', modelId: TITAN, dimensions: 512 }, 'rag-api-key-for-tests');
      const [v] = await embedder.embed(['hello'], 'query');
      assert.equal(v.length, 512);
      assert.equal(invokes(TITAN)[0].headers.authorization, 'Bearer rag-api-key-for-tests');
    }));

  it('Cohere: 96 texts per call, search_document vs search_query', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const embedder = createEmbedder({ kind: 'bedrock', modelId: COHERE, region: 'us-east-1', endpointUrl: server.url });
      const texts = Array.from({ length: 200 }, (_, i) => `document number ${i}`);
      const vectors = await embedder.embed(texts, 'document');
      assert.equal(vectors.length, 200);
      assert.equal(vectors[0].length, 1024);
      const calls = invokes(COHERE);
      assert.deepEqual(calls.map((r) => (r.body as { texts: string[] }).texts.length), [96, 96, 8]);
      assert.equal((calls[0].body as { input_type: string }).input_type, 'search_document');
      assert.equal((calls[2].body as { texts: string[] }).texts[7], 'document number 199', 'order is kept');
      await embedder.embed(['a question'], 'query');
      assert.equal((invokes(COHERE)[3].body as { input_type: string }).input_type, 'search_query');
      // The same text embeds the same way in any batch.
      const [again] = await embedder.embed(['document number 5'], 'document');
      assert.ok(cos(again, vectors[5]) > 0.9999);
    }));

  it('retries throttling with back-off, then succeeds', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const model = `${TITAN}-sim-throttle-once`;
      const embedder = new BedrockEmbedder({ kind: 'bedrock', modelId: model, dimensions: 256, region: 'us-east-1', endpointUrl: server.url });
      embedder.retryBaseMs = 5;
      const [v] = await embedder.embed(['x'], 'document');
      assert.equal(v.length, 256);
      assert.equal(invokes(model).length, 2, 'one throttled call, one retry');
    }));

  it('gives up on persistent throttling and does not retry access errors', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const throttled = new BedrockEmbedder({ kind: 'bedrock', modelId: `${TITAN}-sim-throttle`, region: 'us-east-1', endpointUrl: server.url });
      throttled.retryBaseMs = 1;
      await assert.rejects(throttled.embed(['x'], 'document'), { name: 'ThrottlingException' });
      assert.equal(invokes(`${TITAN}-sim-throttle`).length, 6);
      const denied = new BedrockEmbedder({ kind: 'bedrock', modelId: `${TITAN}-sim-denied`, region: 'us-east-1', endpointUrl: server.url });
      await assert.rejects(denied.embed(['x'], 'document'), { name: 'AccessDeniedException' });
      assert.equal(invokes(`${TITAN}-sim-denied`).length, 1);
    }));

  it('refuses a model that is not an embedding model', () => {
    assert.throws(() => createEmbedder({ kind: 'bedrock', modelId: 'amazon.nova-lite-v1:0' }), /not an embedding model/);
  });
});

describe('rag OpenAI-compatible embedder', function () {
  this.timeout(10000);
  let server: http.Server;
  let url: string;
  const seen: { auth?: string; body: { model: string; input: string[] } }[] = [];
  let failNext = 0;
  before(async () => {
    server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        const body = JSON.parse(data) as { model: string; input: string[] };
        seen.push({ auth: req.headers.authorization, body });
        if (failNext > 0) {
          failNext--;
          res.writeHead(429).end('{"error":"slow down"}');
          return;
        }
        // Answers out of order, as the API allows: the index field says which is which.
        const data2 = body.input.map((text, index) => ({ index, embedding: [text.length, 1, 0] })).reverse();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: data2 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts to /v1/embeddings with the key, orders by index, learns the dimensions, retries 429', async () => {
    const embedder = new OpenAiEmbedder({ kind: 'openai', baseUrl: `${url}/`, model: 'nomic-embed-text' }, 'sk-test');
    embedder.retryBaseMs = 1;
    assert.equal(embedder.id, `openai:${url}#nomic-embed-text`);
    assert.equal(embedderIdOf({ kind: 'openai', baseUrl: url, model: 'nomic-embed-text' }), embedder.id);
    failNext = 1;
    const [a, b] = await embedder.embed(['ab', 'abcdef'], 'document');
    assert.equal(embedder.dims, 3);
    assert.ok(a[0] < b[0], 'vectors come back in input order');
    assert.ok(Math.abs(norm(b) - 1) < 1e-6);
    assert.equal(seen.length, 2);
    assert.equal(seen[1].auth, 'Bearer sk-test');
    assert.deepEqual(seen[1].body, { model: 'nomic-embed-text', input: ['ab', 'abcdef'] });
  });

  it('withBackoff stops at once when cancelled', async () => {
    const controller = new AbortController();
    let calls = 0;
    const p = withBackoff(async () => {
      calls++;
      controller.abort();
      throw Object.assign(new Error('busy'), { status: 429 });
    }, () => true, controller.signal, 5, 1000);
    await assert.rejects(p, { name: 'RagCancelled' });
    assert.equal(calls, 1);
  });
});
