import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { OpenAiCompatibleProvider, serverMessageOf, toChatCompletionBody, type OpenAiCompatibleOptions } from '../../../src/core/providers/openaiCompatible';
import { applyEndpoints, endpointModelInfo, readEndpointConfigs } from '../../../src/core/providers/openaiEndpoints';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import { readServerSentEvents, SseParser } from '../../../src/core/providers/sse';
import type { ChatMessage, GenerationConfig, StreamEvent } from '../../../src/core/providers/types';
import { endpointAnswer, startOpenAiServer, type OpenAiServer } from '../../support/openaiServer';

const QUESTION = 'Which local model should summarise our support tickets?';
const user = (text: string): ChatMessage => ({ role: 'user', content: [{ text }] });

async function collect(provider: OpenAiCompatibleProvider, modelId: string, messages: ChatMessage[] = [user(QUESTION)], config: GenerationConfig = {}, signal = new AbortController().signal): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of provider.stream({ modelId, messages, config }, signal)) events.push(event);
  return events;
}
const textOf = (events: StreamEvent[]): string => events.map((e) => (e.type === 'text' ? e.text : '')).join('');
const lastError = (events: StreamEvent[]) => {
  const last = events[events.length - 1];
  assert.equal(last?.type, 'error', `the stream ends with an error: ${JSON.stringify(events.slice(-3))}`);
  return last as Extract<StreamEvent, { type: 'error' }>;
};

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('SSE parser', () => {
  const STREAM = ': ping\n\ndata: {"a":1}\n\nevent: note\ndata: line one\ndata: line two\nid: 7\n\ndata:no-space\r\n\r\ndata: é ü 漢字\n\ndata: [DONE]\n\n';

  it('reads data lines, event names, ids and comments, and keeps multi-line data', () => {
    const events = new SseParser().push(STREAM);
    assert.deepEqual(events, [
      { event: 'message', data: '{"a":1}' },
      { event: 'note', data: 'line one\nline two', id: '7' },
      { event: 'message', data: 'no-space', id: '7' },
      { event: 'message', data: 'é ü 漢字', id: '7' },
      { event: 'message', data: '[DONE]', id: '7' },
    ]);
  });

  it('gives the same events however the bytes are split, even inside a UTF-8 character or a CRLF', async () => {
    const bytes = Buffer.from(STREAM, 'utf8');
    const whole = new SseParser().push(STREAM);
    for (let cut = 1; cut < bytes.length; cut++) {
      async function* two(): AsyncGenerator<Uint8Array> {
        yield bytes.subarray(0, cut);
        yield bytes.subarray(cut);
      }
      const events = [];
      for await (const event of readServerSentEvents(two())) events.push(event);
      assert.deepEqual(events, whole, `split at byte ${cut}`);
    }
    async function* onePerByte(): AsyncGenerator<Uint8Array> {
      for (const byte of bytes) yield Uint8Array.of(byte);
    }
    const events = [];
    for await (const event of readServerSentEvents(onePerByte())) events.push(event);
    assert.deepEqual(events, whole);
  });

  it('drops an event without its closing blank line and events with no data', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('event: empty\n\ndata: cut'), []);
    assert.deepEqual(parser.end(), []);
  });
});

describe('OpenAI-compatible provider (real fetch against the local server)', () => {
  let server: OpenAiServer;
  const make = (options: Partial<OpenAiCompatibleOptions> = {}): OpenAiCompatibleProvider =>
    new OpenAiCompatibleProvider({ name: 'ollama', baseUrl: server.url, retryBaseMs: 1, ...options });
  const chatRequests = (model: string) => server.requests.filter((r) => r.method === 'POST' && (r.body as { model?: string })?.model === model);

  before(async () => {
    server = await startOpenAiServer({ tokenDelayMs: 1, firstTokenDelayMs: 2 });
  });
  after(async () => server.close());

  it('streams the answer chunk by chunk with usage and a stop reason, asking for usage in the stream', async () => {
    const events = await collect(make(), 'llama3.2:latest', [{ role: 'system', content: [{ text: 'Be brief.' }] }, user(QUESTION)]);
    const [request] = chatRequests('llama3.2:latest');
    assert.equal(request.path, '/v1/chat/completions');
    const body = request.body as Record<string, unknown>;
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: QUESTION },
    ]);
    const expected = endpointAnswer(body);
    assert.equal(textOf(events), expected.pieces.join(''));
    assert.match(textOf(events), /Answered by llama3\.2:latest \(local OpenAI-compatible server\)/);
    assert.deepEqual(events[0], { type: 'start' });
    assert.equal(events.filter((e) => e.type === 'text').length, expected.pieces.length);
    assert.deepEqual(events.find((e) => e.type === 'usage'), { type: 'usage', inputTokens: expected.promptTokens, outputTokens: expected.pieces.length });
    assert.deepEqual(events[events.length - 1], { type: 'stop', stopReason: 'end_turn' });
    assert.equal(request.headers.authorization, undefined, 'no key configured, none sent');
    assert.deepEqual(request.stream, { deltasSent: expected.pieces.length, clientClosedEarly: false });
  });

  it('maps the generation config and passes server-specific fields through', async () => {
    const config = { temperature: 0.3, topP: 0.8, topK: 20, maxOutputTokens: 6, stopSequences: ['END'], seed: 42, num_ctx: 8192 };
    const events = await collect(make(), 'qwen2.5:7b', [user(QUESTION)], config);
    const body = chatRequests('qwen2.5:7b')[0].body as Record<string, unknown>;
    assert.equal(body.temperature, 0.3);
    assert.equal(body.top_p, 0.8);
    assert.equal(body.top_k, 20);
    assert.equal(body.max_tokens, 6);
    assert.deepEqual(body.stop, ['END']);
    assert.equal(body.seed, 42);
    assert.equal(body.num_ctx, 8192);
    assert.equal(events.filter((e) => e.type === 'text').length, 6);
    assert.deepEqual(events[events.length - 1], { type: 'stop', stopReason: 'max_tokens' });
  });

  it('leaves top_k out for OpenAI itself, which rejects unknown fields, and sends images as image_url parts', () => {
    const request = { modelId: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: [{ text: 'What is this?' }, { media: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }, { role: 'model' as const, content: [{ text: 'A dot.' }] }], config: { topK: 5 } };
    const body = toChatCompletionBody(request, { acceptsTopK: false, includeUsage: true });
    assert.equal(body.top_k, undefined);
    assert.deepEqual(body.messages, [
      { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
      { role: 'assistant', content: 'A dot.' },
    ]);
  });

  it('sends the API key as a bearer token, read at call time', async () => {
    const keyed = await startOpenAiServer({ apiKey: 'sk-local-123', tokenDelayMs: 1, firstTokenDelayMs: 1 });
    try {
      let key: string | undefined;
      const provider = new OpenAiCompatibleProvider({ name: 'openai-proxy', baseUrl: keyed.url, apiKey: async () => key });
      const missing = lastError(await collect(provider, 'gpt-4o-mini'));
      assert.equal(missing.error.kind, 'credentials');
      assert.match(missing.error.message, /wants an API key \(401: "You didn't provide an API key"\)\. Store it with the command Prompt Workbench: Set Endpoint API Key, or name an environment variable .*"apiKeyEnv"/);
      key = 'sk-wrong';
      const wrong = lastError(await collect(provider, 'gpt-4o-mini'));
      assert.equal(wrong.error.kind, 'credentials');
      assert.match(wrong.error.message, /rejected the API key \(401: "Incorrect API key provided"\)/);
      key = 'sk-local-123';
      const events = await collect(provider, 'gpt-4o-mini');
      assert.equal(events[events.length - 1].type, 'stop');
      assert.equal(keyed.requests[keyed.requests.length - 1].headers.authorization, 'Bearer sk-local-123');
      assert.deepEqual((await provider.listModels()).map((m) => m.id), ['llama3.2:latest', 'qwen2.5:7b', 'nomic-embed-text:latest']);
    } finally {
      await keyed.close();
    }
  });

  const failures: Array<[model: string, kind: string, message: RegExp]> = [
    ['sim-forbidden', 'access-denied', /refused access to sim-forbidden \(403: "You are not allowed to use this model"\)/],
    ['llama9:sim-notfound', 'not-found', /has no model “llama9:sim-notfound” \(404: .*try pulling it first"\)\. Download it with `ollama pull llama9:sim-notfound`/],
    ['sim-invalid', 'validation', /rejected the request to sim-invalid \(400: .*temperature must be between 0 and 2"\)/],
    ['sim-error', 'unavailable', /failed to serve sim-error \(500: "llama runner process has terminated: exit status 2"\)\. Check the server's log/],
    ['sim-overloaded', 'unavailable', /after 3 attempts \(503: "server overloaded, please retry shortly"\)/],
    ['sim-ratelimit', 'throttled', /is rate limiting requests after 3 attempts \(429: "Rate limit reached for requests"\)\. Wait a moment/],
  ];
  for (const [model, kind, message] of failures) {
    it(`a ${kind} failure (${model}) ends the stream with one plain sentence naming the endpoint`, async () => {
      const before = chatRequests(model).length;
      const error = lastError(await collect(make(), model));
      assert.equal(error.error.kind, kind);
      assert.match(error.error.message, message);
      assert.match(error.error.message, new RegExp(`endpoint “ollama” \\(${server.url.replace(/[.]/g, '\\.')}\\)`));
      assert.equal(error.partial, false);
      const attempts = chatRequests(model).length - before;
      assert.equal(attempts, ['sim-overloaded', 'sim-ratelimit'].includes(model) ? 3 : 1, 'only 429/503 are retried');
    });
  }

  it('a 429 followed by success is retried and the answer arrives', async () => {
    const events = await collect(make(), 'sim-ratelimit-once');
    assert.equal(events[events.length - 1].type, 'stop');
    assert.equal(chatRequests('sim-ratelimit-once').length, 2);
  });

  it('a connection refused names the endpoint and how to start Ollama', async () => {
    const port = await closedPort();
    const provider = new OpenAiCompatibleProvider({ name: 'ollama', baseUrl: `http://127.0.0.1:${port}/v1` });
    const error = lastError(await collect(provider, 'llama3.2'));
    assert.equal(error.error.kind, 'network');
    assert.equal(error.error.code, 'ECONNREFUSED');
    assert.match(error.error.message, new RegExp(`Could not connect to the endpoint “ollama” \\(http://127\\.0\\.0\\.1:${port}/v1\\): nothing is listening there\\. Is Ollama running\\? Start it with \`ollama serve\`\\.`));
    const lmstudio = new OpenAiCompatibleProvider({ name: 'lmstudio', baseUrl: `http://127.0.0.1:${port}/v1` });
    assert.match(lastError(await collect(lmstudio, 'qwen')).error.message, /LM Studio's local server running\? .*`lms server start`/);
    await assert.rejects(provider.listModels(), /nothing is listening there\. Is Ollama running\?/);
  });

  it('a server that dies mid-stream gives stream-broken, keeping the partial answer', async () => {
    const events = await collect(make(), 'llama3.2-sim-midstream');
    const error = lastError(events);
    assert.equal(error.error.kind, 'stream-broken');
    assert.equal(error.partial, true);
    assert.equal(events.filter((e) => e.type === 'text').length, 5);
    assert.match(error.error.message, new RegExp(`after ${textOf(events).length} characters`));
  });

  it('an error object inside the stream gives stream-broken with the server\'s words', async () => {
    const events = await collect(make(), 'llama3.2-sim-streamerror');
    const error = lastError(events);
    assert.equal(error.error.kind, 'stream-broken');
    assert.match(error.error.message, /out of memory/);
    assert.equal(error.partial, true);
  });

  it('aborting stops the stream at once, says cancelled, keeps what arrived and closes the connection', async () => {
    const controller = new AbortController();
    const events: StreamEvent[] = [];
    for await (const event of make().stream({ modelId: 'llama3.2-sim-slow', messages: [user(QUESTION)], config: {} }, controller.signal)) {
      events.push(event);
      if (event.type === 'text') controller.abort();
    }
    const error = lastError(events);
    assert.equal(error.error.kind, 'cancelled');
    assert.equal(error.partial, true);
    assert.equal(events.filter((e) => e.type === 'text').length, 1);
    const request = chatRequests('llama3.2-sim-slow')[0];
    for (let i = 0; i < 50 && !request.stream?.clientClosedEarly; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(request.stream?.clientClosedEarly, true, 'the server saw the client go');
  });

  it('an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const before = server.requests.length;
    const events = await collect(make(), 'llama3.2:latest', [user(QUESTION)], {}, controller.signal);
    assert.deepEqual(events.map((e) => e.type), ['error']);
    assert.equal(lastError(events).error.kind, 'cancelled');
    assert.equal(server.requests.length, before);
  });

  it('lists the models with GET /models, and says to check /v1 when the path is wrong', async () => {
    assert.deepEqual(await make().listModels(), [
      { id: 'llama3.2:latest', ownedBy: 'library' },
      { id: 'qwen2.5:7b', ownedBy: 'library' },
      { id: 'nomic-embed-text:latest', ownedBy: 'library' },
    ]);
    const wrongPath = new OpenAiCompatibleProvider({ name: 'ollama', baseUrl: server.url.replace(/\/v1$/, '') });
    await assert.rejects(wrongPath.listModels(), /answered 404 \("404 page not found"\)\. Check that the URL ends in \/v1/);
  });

  it("reads the server's message from every common error shape", () => {
    assert.equal(serverMessageOf('{"error":{"message":"bad key"}}'), 'bad key');
    assert.equal(serverMessageOf('{"error":"model not loaded"}'), 'model not loaded');
    assert.equal(serverMessageOf('{"message":"nope"}'), 'nope');
    assert.equal(serverMessageOf('{"detail":"Not Found"}'), 'Not Found');
    assert.equal(serverMessageOf('<html>\n  Bad gateway </html>'), '<html> Bad gateway </html>');
  });
});

describe('OpenAI-compatible endpoints from settings', () => {
  it('reads endpoints, lower-cases names, and explains every entry it skips', () => {
    const { endpoints, problems } = readEndpointConfigs([
      { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1/' },
      { name: 'openai', baseUrl: 'https://api.openai.com/v1', apiKeySecret: true, apiKeyEnv: 'OPENAI_API_KEY' },
      { name: 'bedrock', baseUrl: 'http://127.0.0.1:1/v1' },
      { name: 'ollama', baseUrl: 'http://127.0.0.1:2/v1' },
      { name: 'has space', baseUrl: 'http://127.0.0.1:3/v1' },
      { name: 'vllm', baseUrl: 'not a url' },
      { name: 'ftp', baseUrl: 'ftp://example.com/v1' },
      'nonsense',
    ]);
    assert.deepEqual(endpoints, [
      { name: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', apiKeySecret: false },
      { name: 'openai', baseUrl: 'https://api.openai.com/v1', apiKeySecret: true, apiKeyEnv: 'OPENAI_API_KEY' },
    ]);
    assert.equal(problems.length, 6);
    assert.match(problems[0], /“bedrock” is built in/);
    assert.match(problems[1], /“ollama” is used twice/);
    assert.match(problems[2], /must be letters, digits/);
    assert.match(problems[3], /not a URL; write e\.g\. http:\/\/127\.0\.0\.1:11434\/v1/);
    assert.match(problems[4], /must start with http:\/\/ or https:\/\//);
    assert.match(problems[5], /must be an object/);
    assert.deepEqual(readEndpointConfigs(undefined), { endpoints: [], problems: [] });
    assert.match(readEndpointConfigs({}).problems[0], /must be a list/);
  });

  it('registers each endpoint as a provider, replaces them when settings change, and never shadows built-ins', async () => {
    const registry = new ProviderRegistry({ bedrock: () => ({ id: 'bedrock', stream: async function* () {} }) });
    const keys: string[] = [];
    const first = applyEndpoints(registry, readEndpointConfigs([{ name: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1' }, { name: 'lmstudio', baseUrl: 'http://127.0.0.1:1234/v1' }]).endpoints, [], async (e) => {
      keys.push(e.name);
      return undefined;
    });
    assert.deepEqual(first, ['ollama', 'lmstudio']);
    assert.ok(registry.get('ollama') instanceof OpenAiCompatibleProvider);
    assert.equal(registry.get('ollama')?.id, 'ollama');
    const second = applyEndpoints(registry, readEndpointConfigs([{ name: 'lmstudio', baseUrl: 'http://127.0.0.1:1235/v1' }]).endpoints, first, async () => undefined);
    assert.deepEqual(second, ['lmstudio']);
    assert.equal(registry.get('ollama'), undefined, 'an endpoint removed from settings is gone');
    assert.deepEqual(registry.known().sort(), ['bedrock', 'echo', 'lmstudio']);
    assert.equal(registry.define('echo', () => new OpenAiCompatibleProvider({ name: 'echo', baseUrl: 'http://x/v1' })), false);
    assert.equal(registry.get('echo')?.constructor.name, 'EchoProvider');
    registry.remove('bedrock');
    assert.ok(registry.get('bedrock'), 'built-in providers cannot be removed');
  });

  it('describes listed models for the catalog: local endpoints are free, remote ones unpriced', () => {
    const [local, remote] = readEndpointConfigs([{ name: 'ollama', baseUrl: 'http://localhost:11434/v1' }, { name: 'openai', baseUrl: 'https://api.openai.com/v1' }]).endpoints;
    const llama = endpointModelInfo(local, 'llama3.2:latest');
    assert.equal(llama.id, 'ollama/llama3.2:latest');
    assert.equal(llama.inputPerMTok, 0);
    assert.equal(llama.kind, 'text');
    assert.equal(endpointModelInfo(local, 'nomic-embed-text:latest').kind, 'embedding');
    assert.equal(endpointModelInfo(remote, 'gpt-4o-mini').inputPerMTok, undefined);
  });
});
