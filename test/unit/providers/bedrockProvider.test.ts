import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { BedrockProvider, type BedrockProviderOptions } from '../../../src/core/providers/bedrock';
import { describeBedrockError } from '../../../src/core/providers/bedrockErrors';
import type { ChatMessage, GenerationConfig, StreamEvent } from '../../../src/core/providers/types';
import { startBedrockServer, type BedrockServer, type RecordedRequest } from '../../support/bedrockServer';
import { composeAnswer, estimateTokens, readConversation, splitIntoPieces, type ConverseBody } from '../../support/bedrockAnswers';

const AWS_ENV_NAMES = [
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION',
  'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_BEARER_TOKEN_BEDROCK', 'AWS_AUTH_SCHEME_PREFERENCE', 'AWS_EC2_METADATA_DISABLED',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN',
  'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'AWS_MAX_ATTEMPTS',
];

/** Runs `body` with exactly these AWS variables set (all others cleared), then restores the environment. */
async function withAwsEnv<T>(values: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = new Map(AWS_ENV_NAMES.map((name) => [name, process.env[name]]));
  for (const name of AWS_ENV_NAMES) delete process.env[name];
  Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true' }, values);
  try {
    return await body();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

let tempDir: string;
/** Empty AWS config and credentials files, so the SDK never reads the developer's ~/.aws. */
function emptyAwsFiles(): Record<string, string> {
  const config = path.join(tempDir, `config-${Math.random().toString(36).slice(2)}`);
  const credentials = path.join(tempDir, `credentials-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(config, '');
  fs.writeFileSync(credentials, '');
  return { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
}
const fakeCredentials = (): Record<string, string> => ({ AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST', AWS_SECRET_ACCESS_KEY: 'local-test-secret', ...emptyAwsFiles() });

const USER_QUESTION = 'Which model should summarise our support tickets?';
const userTurn = (text: string): ChatMessage => ({ role: 'user', content: [{ text }] });

async function collect(provider: BedrockProvider, modelId: string, messages: ChatMessage[], config: GenerationConfig = {}, signal = new AbortController().signal): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of provider.stream({ modelId, messages, config }, signal)) events.push(event);
  return events;
}
const textOf = (events: StreamEvent[]): string => events.map((event) => (event.type === 'text' ? event.text : '')).join('');
const errorOf = (events: StreamEvent[]) => {
  const last = events[events.length - 1];
  assert.equal(last?.type, 'error', `last event is an error: ${JSON.stringify(events)}`);
  return last as Extract<StreamEvent, { type: 'error' }>;
};

describe('BedrockProvider (real SDK against the local Bedrock server)', () => {
  let server: BedrockServer;
  const providers: BedrockProvider[] = [];
  const makeProvider = (options: BedrockProviderOptions = {}): BedrockProvider => {
    const provider = new BedrockProvider({ region: 'us-east-1', endpoint: server.url, ...options });
    providers.push(provider);
    return provider;
  };
  const requestsFor = (modelId: string): RecordedRequest[] => server.requests.filter((request) => request.modelId === modelId);
  const expectedAnswer = (modelId: string, body: unknown): string => composeAnswer(modelId, readConversation(body as ConverseBody));

  before(async () => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bedrock-provider-test-'));
    server = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 2 });
  });
  afterEach(() => providers.splice(0).forEach((provider) => provider.dispose()));
  after(async () => {
    await server.close();
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  it('streams the answer word by word, with usage and stop, over HTTP/2 with SigV4', () =>
    withAwsEnv(fakeCredentials(), async () => {
      const modelId = 'amazon.nova-lite-v1:0';
      const events = await collect(makeProvider(), modelId, [{ role: 'system', content: [{ text: 'Answer for an engineer.' }] }, userTurn(USER_QUESTION)]);
      const [recorded] = requestsFor(modelId);
      assert.equal(recorded.path, '/model/amazon.nova-lite-v1%3A0/converse-stream');
      assert.equal(recorded.httpVersion, '2.0');
      assert.match(recorded.headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST\/\d{8}\/us-east-1\/bedrock\//);
      const expected = expectedAnswer(modelId, recorded.body);
      assert.match(expected, /Answered by amazon\.nova-lite-v1:0/);
      assert.equal(textOf(events), expected);
      const texts = events.filter((event) => event.type === 'text');
      assert.equal(texts.length, splitIntoPieces(expected).length);
      assert.deepEqual(events[0], { type: 'start' });
      assert.deepEqual(events.find((event) => event.type === 'usage'), { type: 'usage', inputTokens: estimateTokens(`Answer for an engineer.\n${USER_QUESTION}`), outputTokens: texts.length });
      assert.deepEqual(events[events.length - 1], { type: 'stop', stopReason: 'end_turn' });
      assert.deepEqual(recorded.stream, { deltasSent: texts.length, clientClosedEarly: false });
    }));

  it('sends system prompts as system, model turns as assistant, and merges consecutive turns', () =>
    withAwsEnv(fakeCredentials(), async () => {
      const modelId = 'meta.llama3-1-8b-instruct-v1:0';
      await collect(makeProvider(), modelId, [
        { role: 'system', content: [{ text: 'Be brief.' }] },
        userTurn('first'),
        userTurn('second'),
        { role: 'model', content: [{ text: 'reply one' }] },
        { role: 'model', content: [{ text: 'reply two' }] },
        { role: 'user', content: [{ text: 'third' }, { media: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
      ]);
      const body = requestsFor(modelId)[0].body as { system: unknown; messages: unknown };
      assert.deepEqual(body.system, [{ text: 'Be brief.' }]);
      assert.deepEqual(body.messages, [
        { role: 'user', content: [{ text: 'first' }, { text: 'second' }] },
        { role: 'assistant', content: [{ text: 'reply one' }, { text: 'reply two' }] },
        { role: 'user', content: [{ text: 'third' }, { image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } }] },
      ]);
    }));

  it('maps the generation config to inferenceConfig and additionalModelRequestFields', () =>
    withAwsEnv(fakeCredentials(), async () => {
      const config = { temperature: 0.2, topP: 0.9, maxOutputTokens: 700, stopSequences: ['END'], topK: 40, reasoning_config: { type: 'disabled' } };
      await collect(makeProvider(), 'anthropic.claude-3-5-haiku-20241022-v1:0', [userTurn(USER_QUESTION)], config);
      await collect(makeProvider(), 'meta.llama3-1-70b-instruct-v1:0', [userTurn(USER_QUESTION)], { topK: 7 });
      const anthropic = requestsFor('anthropic.claude-3-5-haiku-20241022-v1:0')[0].body as Record<string, unknown>;
      assert.deepEqual(anthropic.inferenceConfig, { temperature: 0.2, topP: 0.9, maxTokens: 700, stopSequences: ['END'] });
      assert.deepEqual(anthropic.additionalModelRequestFields, { top_k: 40, reasoning_config: { type: 'disabled' } });
      const llama = requestsFor('meta.llama3-1-70b-instruct-v1:0')[0].body as Record<string, unknown>;
      assert.equal(llama.inferenceConfig, undefined);
      assert.deepEqual(llama.additionalModelRequestFields, { topK: 7 });
    }));

  const scriptedFailures: Array<[modelId: string, kind: string, code: string, fix: RegExp, options: BedrockProviderOptions]> = [
    ['test.sim-throttle-v1:0', 'throttled', 'ThrottlingException', /retried 1 time without success\. Wait and retry, or raise your quota/, { maxAttempts: 2 }],
    ['test.sim-denied-v1:0', 'access-denied', 'AccessDeniedException', /no access to test\.sim-denied-v1:0 in us-east-1.*https:\/\/console\.aws\.amazon\.com\/bedrock\/home\?region=us-east-1#\/modelaccess/, {}],
    ['test.sim-invalid-v1:0', 'validation', 'ValidationException', /rejected the request.*"Invocation of model ID test\.sim-invalid-v1:0 with on-demand throughput isn't supported/, {}],
    ['test.sim-notfound-v1:0', 'not-found', 'ResourceNotFoundException', /could not find test\.sim-notfound-v1:0 in us-east-1.*Check the model id/, {}],
    ['test.sim-unavailable-v1:0', 'unavailable', 'ServiceUnavailableException', /could not serve .*Try again in a minute/, { maxAttempts: 1 }],
  ];
  for (const [modelId, kind, code, fix, options] of scriptedFailures) {
    it(`turns ${code} into a '${kind}' error that says what to do`, () =>
      withAwsEnv(fakeCredentials(), async () => {
        const events = await collect(makeProvider(options), modelId, [userTurn(USER_QUESTION)]);
        const { error, partial } = errorOf(events);
        assert.equal(events.length, 1, 'no start or text before a refused request');
        assert.deepEqual({ kind: error.kind, code: error.code, partial }, { kind, code, partial: false });
        assert.match(error.message, fix);
        assert.equal(requestsFor(modelId).length, options.maxAttempts ?? 1, 'attempts made');
      }));
  }

  it('succeeds after one retry when throttled once', () =>
    withAwsEnv(fakeCredentials(), async () => {
      const modelId = 'test.sim-throttle-once-v1:0';
      const events = await collect(makeProvider(), modelId, [userTurn(USER_QUESTION)]);
      assert.equal(requestsFor(modelId).length, 2);
      assert.deepEqual(events[events.length - 1], { type: 'stop', stopReason: 'end_turn' });
      assert.match(textOf(events), /Answered by test\.sim-throttle-once-v1:0/);
    }));

  it('keeps the partial answer when the stream breaks mid-way', () =>
    withAwsEnv(fakeCredentials(), async () => {
      const modelId = 'test.sim-midstream-v1:0';
      const events = await collect(makeProvider(), modelId, [userTurn(USER_QUESTION)]);
      const partialText = textOf(events);
      assert.equal(partialText, splitIntoPieces(expectedAnswer(modelId, requestsFor(modelId)[0].body)).slice(0, 5).join(''));
      const { error, partial } = errorOf(events);
      assert.equal(partial, true);
      assert.equal(error.kind, 'stream-broken');
      assert.equal(error.code, 'ModelStreamErrorException');
      assert.match(error.message, new RegExp(`^The stream broke after ${partialText.length} characters; the partial answer is kept\\.`));
    }));

  it('falls back to Converse when the model does not stream', () =>
    withAwsEnv(fakeCredentials(), async () => {
      const modelId = 'test.sim-nostream-v1:0';
      const events = await collect(makeProvider(), modelId, [userTurn(USER_QUESTION)]);
      assert.deepEqual(requestsFor(modelId).map((request) => request.path.split('/').pop()), ['converse-stream', 'converse']);
      assert.deepEqual(events.map((event) => event.type), ['start', 'text', 'usage', 'stop']);
      assert.equal(textOf(events), expectedAnswer(modelId, requestsFor(modelId)[1].body));
    }));

  it('stops quickly and reports cancelled when aborted mid-stream', () =>
    withAwsEnv(fakeCredentials(), async () => {
      const controller = new AbortController();
      const events: StreamEvent[] = [];
      let abortedAt = 0;
      for await (const event of makeProvider().stream({ modelId: 'test.sim-slow-v1:0', messages: [userTurn(USER_QUESTION)], config: {} }, controller.signal)) {
        events.push(event);
        if (event.type === 'text' && abortedAt === 0) {
          abortedAt = Date.now();
          controller.abort();
        }
      }
      // sim-slow sends a delta every 200 ms; stopping must not wait for the next one.
      assert.ok(Date.now() - abortedAt < 150, `stopped ${Date.now() - abortedAt} ms after abort`);
      assert.deepEqual(events.map((event) => event.type), ['start', 'text', 'error']);
      const { error, partial } = errorOf(events);
      assert.deepEqual({ kind: error.kind, partial }, { kind: 'cancelled', partial: true });
      // The HTTP/2 stream itself is closed, so the server stops producing tokens.
      await new Promise((resolve) => setTimeout(resolve, 250));
      assert.deepEqual(requestsFor('test.sim-slow-v1:0')[0].stream, { deltasSent: 1, clientClosedEarly: true });
    }));

  it('closes the HTTP stream when the caller stops reading early', () =>
    withAwsEnv(fakeCredentials(), async () => {
      const modelId = 'test.sim-slow-early-break-v1:0';
      for await (const event of makeProvider().stream({ modelId, messages: [userTurn(USER_QUESTION)], config: {} }, new AbortController().signal)) {
        if (event.type === 'text') break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
      assert.deepEqual(requestsFor(modelId)[0].stream, { deltasSent: 1, clientClosedEarly: true });
    }));

  it('reports missing credentials with the ways to provide them, sending nothing', () =>
    withAwsEnv(emptyAwsFiles(), async () => {
      const before = server.requests.length;
      const { error } = errorOf(await collect(makeProvider({ maxAttempts: 1 }), 'amazon.nova-micro-v1:0', [userTurn(USER_QUESTION)]));
      assert.equal(error.kind, 'credentials');
      assert.equal(error.code, 'CredentialsProviderError');
      for (const fix of ['promptWorkbench.bedrock.profile', 'aws sso login --profile NAME', 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY', 'Prompt Workbench: Set Bedrock API Key']) {
        assert.ok(error.message.includes(fix), `mentions ${fix}`);
      }
      assert.equal(server.requests.length, before);
    }));

  it('reports a missing Region with the setting to set', () =>
    withAwsEnv(fakeCredentials(), async () => {
      const { error } = errorOf(await collect(makeProvider({ region: undefined, maxAttempts: 1 }), 'amazon.nova-micro-v1:0', [userTurn(USER_QUESTION)]));
      assert.equal(error.kind, 'region');
      assert.match(error.message, /promptWorkbench\.bedrock\.region.*AWS_REGION/);
    }));

  it('reports a refused connection as a network error naming the endpoint', () =>
    withAwsEnv(fakeCredentials(), async () => {
      const closedPort = await new Promise<number>((resolve) => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as net.AddressInfo;
          probe.close(() => resolve(port));
        });
      });
      const endpoint = `http://127.0.0.1:${closedPort}`;
      const { error } = errorOf(await collect(makeProvider({ endpoint, maxAttempts: 1 }), 'amazon.nova-micro-v1:0', [userTurn(USER_QUESTION)]));
      assert.equal(error.kind, 'network', error.message);
      assert.ok(error.message.includes(endpoint), error.message);
      assert.match(error.message, /ECONNREFUSED/);
    }));

  it('sends a Bedrock API key as a bearer token, needing no AWS credentials', () =>
    withAwsEnv(emptyAwsFiles(), async () => {
      const modelId = 'mistral.mistral-large-2402-v1:0';
      const events = await collect(makeProvider({ apiKey: 'bedrock-api-key-for-tests' }), modelId, [userTurn(USER_QUESTION)]);
      assert.deepEqual(events[events.length - 1], { type: 'stop', stopReason: 'end_turn' });
      assert.equal(requestsFor(modelId)[0].headers.authorization, 'Bearer bedrock-api-key-for-tests');
    }));

  it('loads the SDK once, on the first call, and reuses one client', () =>
    withAwsEnv(fakeCredentials(), async () => {
      let loads = 0;
      const provider = makeProvider({ loadSdk: () => (loads++, import('@aws-sdk/client-bedrock-runtime')) });
      assert.equal(loads, 0, 'constructing loads nothing');
      await collect(provider, 'amazon.nova-micro-v1:0', [userTurn('one')]);
      await collect(provider, 'amazon.nova-micro-v1:0', [userTurn('two')]);
      assert.equal(loads, 1);
      const failing = makeProvider({ loadSdk: () => Promise.reject(new Error('Cannot find module @aws-sdk/client-bedrock-runtime')) });
      const { error } = errorOf(await collect(failing, 'amazon.nova-micro-v1:0', [userTurn('three')]));
      assert.equal(error.kind, 'unknown');
      assert.match(error.message, /Cannot find module/);
    }));

  it('does not load @aws-sdk/client-bedrock-runtime when the module is required', () => {
    const modulePath = path.resolve(__dirname, '../../../src/core/providers/bedrock.js');
    const probe = `
      const loaded = () => Object.keys(require.cache).some((key) => key.includes('client-bedrock-runtime'));
      require(${JSON.stringify(modulePath)});
      const afterRequire = loaded();
      require('@aws-sdk/client-bedrock-runtime');
      console.log(JSON.stringify({ afterRequire, probeWorks: loaded() }));`;
    const output = execFileSync(process.execPath, ['-e', probe], { cwd: path.resolve(__dirname, '../../../..'), encoding: 'utf8' });
    assert.deepEqual(JSON.parse(output.trim().split('\n').pop() ?? ''), { afterRequire: false, probeWorks: true });
  });
});

describe('describeBedrockError (failures the local server cannot produce)', () => {
  const named = (name: string, message: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(message), { name }, extra);
  const ctx = { modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', region: 'eu-west-1', profile: 'work' };
  const cases: Array<[label: string, err: unknown, kind: string, says: RegExp]> = [
    ['ExpiredTokenException', named('ExpiredTokenException', 'The security token included in the request is expired'), 'credentials', /aws sso login --profile work/],
    ['an expired SSO session', named('CredentialsProviderError', 'The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login'), 'credentials', /aws sso login --profile work/],
    ['ModelNotReadyException', named('ModelNotReadyException', 'Model is not ready', { $metadata: { attempts: 3 } }), 'throttled', /retried 2 times.*raise your quota/],
    ['ModelTimeoutException', named('ModelTimeoutException', 'Model has timed out'), 'timeout', /took too long.*Try again/],
    ['InternalServerException', named('InternalServerException', 'Internal failure'), 'unavailable', /Try again in a minute/],
    ['ENOTFOUND', Object.assign(new Error('getaddrinfo ENOTFOUND bedrock-runtime.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }), 'network', /https:\/\/bedrock-runtime\.eu-west-1\.amazonaws\.com/],
    ['socket hang up', new Error('socket hang up'), 'network', /Check your network/],
    ['an HTTP/2 session error', Object.assign(new Error('Session closed with error code 2'), { code: 'ERR_HTTP2_SESSION_ERROR' }), 'network', /ERR_HTTP2_SESSION_ERROR/],
    ['AbortError', named('AbortError', 'Request aborted'), 'cancelled', /cancelled/],
    ['a string', 'something odd', 'unknown', /something odd/],
  ];
  for (const [label, err, kind, says] of cases) {
    it(`maps ${label} to '${kind}'`, () => {
      const error = describeBedrockError(err, ctx);
      assert.equal(error.kind, kind);
      assert.match(error.message, says);
    });
  }

  it('names the access page of the Region and keeps the error name as code', () => {
    const error = describeBedrockError(named('AccessDeniedException', 'denied'), ctx);
    assert.equal(error.code, 'AccessDeniedException');
    assert.match(error.message, /no access to anthropic\.claude-3-5-haiku-20241022-v1:0 in eu-west-1.*region=eu-west-1#\/modelaccess/);
  });
});
