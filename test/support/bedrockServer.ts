/**
 * A local Amazon-Bedrock-compatible server for tests and the offline demo. It speaks the
 * runtime API (Converse, ConverseStream, InvokeModel for embeddings, CountTokens), the
 * control-plane listings and the AWS Price List's GetProducts, over HTTP/1.1 and cleartext
 * HTTP/2 on one port, because the runtime SDK's default handler is HTTP/2 and the product
 * must keep that default.
 * Failures are scripted by the model id (see README.md next to this file), since a test
 * running inside VS Code can choose nothing but model ids.
 */
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { randomUUID } from 'node:crypto';
import { composeAnswer, embedText, estimateTokens, readConversation, splitIntoPieces, type ConverseBody } from './bedrockAnswers';
import { filterFoundationModels, foundationModels, inferenceProfiles, modelAvailability } from './bedrockCatalog';
import { getProducts } from './bedrockPriceList';
import { encodeEventFrame, encodeExceptionFrame } from './eventStream';
import { SIMULATOR_EXTENSIONS, type SimulatorRequest } from './sim/extensions';
import { applyGuardrailAnswer, GUARDRAIL_BLOCKED_MESSAGE, guardrailError, guardrailVerdict, type GuardrailConfig } from './bedrockGuardrails';

export interface BedrockServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Pause between two streamed deltas; default 5 ms. */
  tokenDelayMs?: number;
  /** Pause before the first delta (the model's latency); default 20 ms. */
  firstTokenDelayMs?: number;
  log?: (line: string) => void;
}

export interface RecordedRequest {
  method: string;
  /** Path and query as sent, still percent-encoded. */
  path: string;
  /** Decoded model id for `/model/{id}/…` and `/foundation-models/{id}` routes. */
  modelId?: string;
  /** The JSON body, decoded; undefined when there was none or it was not JSON. */
  body: unknown;
  /** Lower-case names; includes `authorization` as sent (never verified). */
  headers: Record<string, string>;
  httpVersion: string;
  /** ConverseStream only: deltas written, and whether the client went away before the end. */
  stream?: { deltasSent: number; clientClosedEarly: boolean };
}

export interface BedrockServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

interface ServiceError {
  status: number;
  type: string;
  message: string;
}

/** The HTTP/2 connection preface starts with these bytes; no HTTP/1.1 method does. */
const HTTP2_PREFACE_START = Buffer.from('PRI ');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What both `http.ServerResponse` and `http2.Http2ServerResponse` offer and this server uses. */
interface ResponseSink {
  writeHead(statusCode: number, headers: Record<string, string>): unknown;
  write(chunk: Uint8Array): boolean;
  end(chunk: string): unknown;
  once(event: 'close', listener: () => void): unknown;
}

type IncomingRequest = http.IncomingMessage | http2.Http2ServerRequest;

const MIDSTREAM_DELTAS = 5;

/** Delay between streamed tokens: `sim-slower` 600 ms (a minute-long answer, for tests that must act while it streams), `sim-slow` 200 ms. */
function slowTokenDelay(modelId: string, tokenDelayMs: number): number {
  if (modelId.includes('sim-slower')) return 600;
  if (modelId.includes('sim-slow')) return 200;
  return tokenDelayMs;
}

const STAMP_INTERVAL_MS = 10;

/** A `sim-stamp` token: when it was sent (ms since the epoch), in paragraphs of 40 tokens. */
function stampToken(index: number): string {
  return `⟦${Date.now()}⟧${index % 40 === 39 ? '\n\n' : ' '}`;
}

/** The scripted failure for a model id, or undefined for a normal answer. */
function scriptedError(modelId: string, throttledOnce: Set<string>): ServiceError | undefined {
  if (modelId.includes('sim-throttle-once')) {
    if (throttledOnce.has(modelId)) return undefined;
    throttledOnce.add(modelId);
    return { status: 429, type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' };
  }
  if (modelId.includes('sim-throttle')) return { status: 429, type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' };
  if (modelId.includes('sim-denied')) return { status: 403, type: 'AccessDeniedException', message: "You don't have access to the model with the specified model ID." };
  if (modelId.includes('sim-invalid')) {
    return {
      status: 400,
      type: 'ValidationException',
      message: `Invocation of model ID ${modelId} with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
    };
  }
  if (modelId.includes('sim-notfound')) return { status: 404, type: 'ResourceNotFoundException', message: 'Model not found. Check the model ID and the Region.' };
  if (modelId.includes('sim-unavailable')) return { status: 503, type: 'ServiceUnavailableException', message: 'Service Unavailable. Please try your request again.' };
  return undefined;
}

/** Reads the Region from a SigV4 credential scope (`Credential=AKID/20250101/us-east-1/bedrock/aws4_request`). */
function regionOf(headers: Record<string, string>): string {
  return /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(headers.authorization ?? '')?.[1] ?? 'us-east-1';
}

interface InferenceConfig {
  maxTokens?: number;
  stopSequences?: string[];
}

type ConverseRequestBody = ConverseBody & { inferenceConfig?: InferenceConfig; guardrailConfig?: GuardrailConfig };

/** Applies `maxTokens` and `stopSequences` the way a model would: cut the answer and say why. */
function shapeAnswer(answer: string, config: InferenceConfig | undefined): { pieces: string[]; stopReason: string } {
  let text = answer;
  let stopReason = 'end_turn';
  for (const stop of config?.stopSequences ?? []) {
    const at = stop ? text.indexOf(stop) : -1;
    if (at >= 0) {
      text = text.slice(0, at);
      stopReason = 'stop_sequence';
    }
  }
  let pieces = splitIntoPieces(text);
  if (config?.maxTokens !== undefined && pieces.length > config.maxTokens) {
    pieces = pieces.slice(0, Math.max(0, config.maxTokens));
    stopReason = 'max_tokens';
  }
  return { pieces, stopReason };
}

export async function startBedrockServer(options: BedrockServerOptions = {}): Promise<BedrockServer> {
  const host = options.host ?? '127.0.0.1';
  const tokenDelayMs = options.tokenDelayMs ?? 5;
  const firstTokenDelayMs = options.firstTokenDelayMs ?? 20;
  const log = options.log ?? ((): void => undefined);
  const requests: RecordedRequest[] = [];
  const throttledOnce = new Set<string>();

  function sendJson(res: ResponseSink, status: number, payload: unknown, extraHeaders: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...extraHeaders });
    res.end(JSON.stringify(payload));
  }

  function sendError(res: ResponseSink, error: ServiceError): void {
    sendJson(res, error.status, { message: error.message }, { 'x-amzn-errortype': `${error.type}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
  }

  /** The whole Converse answer (without `metrics`), and how many pieces it streams as. */
  function converseAnswer(modelId: string, body: ConverseRequestBody): { output: Record<string, unknown>; pieceCount: number } {
    const conversation = readConversation(body);
    const guardrail = guardrailVerdict(body);
    const { pieces, stopReason } = guardrail.blocked
      ? { pieces: splitIntoPieces(GUARDRAIL_BLOCKED_MESSAGE), stopReason: 'guardrail_intervened' }
      : shapeAnswer(composeAnswer(modelId, conversation), body.inferenceConfig);
    const outputTokens = guardrail.blocked ? 0 : pieces.length;
    const inputTokens = estimateTokens(conversation.allText);
    return {
      pieceCount: pieces.length,
      output: {
        output: { message: { role: 'assistant', content: [{ text: pieces.join('') }] } },
        stopReason,
        usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
        ...(guardrail.trace ? { trace: guardrail.trace } : {}),
      },
    };
  }

  async function converse(res: ResponseSink, modelId: string, body: ConverseRequestBody): Promise<void> {
    const started = Date.now();
    const { output, pieceCount } = converseAnswer(modelId, body);
    const perToken = slowTokenDelay(modelId, tokenDelayMs);
    // The whole answer costs what streaming it would, so speed comparisons hold for both calls.
    await sleep(firstTokenDelayMs + perToken * Math.max(0, pieceCount - 1));
    sendJson(res, 200, { ...output, metrics: { latencyMs: Date.now() - started } });
  }

  const extensions = SIMULATOR_EXTENSIONS.map((factory) =>
    factory({
      converse: (modelId, body) => {
        const failure = scriptedError(modelId, throttledOnce) ?? guardrailError(body);
        return failure ? { error: failure } : { output: converseAnswer(modelId, body as ConverseRequestBody).output };
      },
      log,
    }),
  );

  async function converseStream(res: ResponseSink, record: RecordedRequest, modelId: string, body: ConverseRequestBody): Promise<void> {
    if (modelId.includes('sim-nostream')) {
      return sendError(res, { status: 400, type: 'ValidationException', message: 'The model is unsupported for streaming.' });
    }
    const started = Date.now();
    const progress: { deltasSent: number; clientClosedEarly: boolean } = (record.stream = { deltasSent: 0, clientClosedEarly: false });
    let clientGone = false;
    let finished = false;
    res.once('close', () => {
      clientGone = true;
      progress.clientClosedEarly = !finished;
    });
    const conversation = readConversation(body);
    const guardrail = guardrailVerdict(body);
    const { pieces, stopReason } = guardrail.blocked
      ? { pieces: splitIntoPieces(GUARDRAIL_BLOCKED_MESSAGE), stopReason: 'guardrail_intervened' }
      : shapeAnswer(composeAnswer(modelId, conversation), body.inferenceConfig);
    const stamped = modelId.includes('sim-stamp');
    if (stamped) pieces.splice(0, pieces.length, ...Array.from({ length: body.inferenceConfig?.maxTokens ?? 1000 }, () => ''));
    const outputTokens = guardrail.blocked ? 0 : pieces.length;
    const perToken = slowTokenDelay(modelId, tokenDelayMs);
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': randomUUID() });
    await sleep(firstTokenDelayMs);
    if (clientGone) return;
    res.write(encodeEventFrame('messageStart', { role: 'assistant' }));
    const streamStart = performance.now();
    for (let index = 0; index < pieces.length; index++) {
      // `sim-stamp` (bench/workbench-stream.js): 100 tokens/s on a fixed schedule, each token the time it was sent.
      if (stamped) await sleep(Math.max(0, streamStart + index * STAMP_INTERVAL_MS - performance.now()));
      else if (index > 0) await sleep(perToken);
      // A cancelled client closes the stream; stop producing instead of writing into the void.
      if (clientGone) return;
      if (stamped) pieces[index] = stampToken(index);
      res.write(encodeEventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: pieces[index] } }));
      progress.deltasSent++;
      if (modelId.includes('sim-midstream') && index + 1 === MIDSTREAM_DELTAS) {
        res.write(encodeExceptionFrame('modelStreamErrorException', 'The model stream was interrupted. Try your request again.'));
        finished = true;
        res.end('');
        return;
      }
    }
    const inputTokens = estimateTokens(conversation.allText);
    res.write(encodeEventFrame('contentBlockStop', { contentBlockIndex: 0 }));
    res.write(encodeEventFrame('messageStop', { stopReason }));
    res.write(
      encodeEventFrame('metadata', {
        usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
        metrics: { latencyMs: Date.now() - started },
        ...(guardrail.trace ? { trace: guardrail.trace } : {}),
      }),
    );
    finished = true;
    res.end('');
  }

  function invoke(res: ResponseSink, modelId: string, body: Record<string, unknown>): void {
    if (modelId.includes('titan-embed')) {
      const inputText = body.inputText;
      const dimensions = body.dimensions ?? 1024;
      if (typeof inputText !== 'string' || inputText.length === 0) {
        return sendError(res, { status: 400, type: 'ValidationException', message: 'Malformed input request: #: required key [inputText] not found, please reformat your input and try again.' });
      }
      if (dimensions !== 256 && dimensions !== 512 && dimensions !== 1024) {
        return sendError(res, { status: 400, type: 'ValidationException', message: `Malformed input request: #/dimensions: ${String(dimensions)} is not a valid enum value, please reformat your input and try again.` });
      }
      const embedding = embedText(inputText, dimensions, body.normalize !== false);
      const tokens = estimateTokens(inputText);
      return sendJson(res, 200, { embedding, embeddingsByType: { float: embedding }, inputTextTokenCount: tokens }, { 'x-amzn-bedrock-input-token-count': String(tokens) });
    }
    if (modelId.includes('cohere.embed')) {
      const texts = body.texts;
      if (!Array.isArray(texts) || texts.some((text) => typeof text !== 'string') || typeof body.input_type !== 'string') {
        return sendError(res, { status: 400, type: 'ValidationException', message: 'Malformed input request: #: required key [texts] or [input_type] not found, please reformat your input and try again.' });
      }
      if (texts.length > 96) {
        // Bedrock's Cohere Embed v3 takes at most 96 texts per call.
        return sendError(res, { status: 400, type: 'ValidationException', message: `Malformed input request: #/texts: expected maximum item count: 96, found: ${texts.length}, please reformat your input and try again.` });
      }
      const vectors = (texts as string[]).map((text) => embedText(text, 1024));
      const byType = Array.isArray(body.embedding_types);
      return sendJson(res, 200, {
        id: randomUUID(),
        texts,
        embeddings: byType ? { float: vectors } : vectors,
        response_type: byType ? 'embeddings_by_type' : 'embeddings_floats',
      });
    }
    sendError(res, { status: 400, type: 'ValidationException', message: `The local Bedrock simulator answers InvokeModel for embedding models only; call ${modelId} through Converse.` });
  }

  function countTokens(res: ResponseSink, body: { input?: { converse?: ConverseBody; invokeModel?: { body?: string } } }): void {
    if (body.input?.converse) return sendJson(res, 200, { inputTokens: estimateTokens(readConversation(body.input.converse).allText) });
    if (typeof body.input?.invokeModel?.body === 'string') {
      // The InvokeModel body travels base64-encoded; count the words of its string values.
      const decoded = Buffer.from(body.input.invokeModel.body, 'base64').toString('utf8');
      const words = decoded.match(/"((?:[^"\\]|\\.)*)"\s*(?=[,}\]])/g)?.join(' ') ?? decoded;
      return sendJson(res, 200, { inputTokens: estimateTokens(words.replace(/"/g, '')) });
    }
    sendError(res, { status: 400, type: 'ValidationException', message: 'The input must contain either converse or invokeModel.' });
  }

  async function route(res: ResponseSink, record: RecordedRequest, rawBody: Buffer): Promise<void> {
    const url = new URL(record.path, 'http://localhost');
    const segments = url.pathname.split('/').filter(Boolean);
    const body = (record.body ?? {}) as Record<string, unknown>;
    const request: SimulatorRequest = {
      method: record.method,
      url,
      segments,
      body,
      rawBody,
      headers: record.headers,
      region: regionOf(record.headers),
      setModelId: (modelId) => (record.modelId = modelId),
      sendJson: (status, payload, headers) => sendJson(res, status, payload, headers),
      sendError: (error) => sendError(res, error),
      sendEventStream: async (frames, streamOptions) => {
        res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': randomUUID() });
        for (const [index, frame] of frames.entries()) {
          if (index > 0 && streamOptions?.delayMs) await sleep(streamOptions.delayMs);
          res.write(frame);
        }
        res.end('');
      },
    };
    for (const extension of extensions) if (await extension.route(request)) return;
    if (record.method === 'POST' && segments.length === 3 && segments[0] === 'model') {
      const modelId = (record.modelId = decodeURIComponent(segments[1]));
      const operation = segments[2];
      const failure = scriptedError(modelId, throttledOnce);
      if (failure && ['converse', 'converse-stream', 'invoke', 'invoke-with-response-stream', 'count-tokens'].includes(operation)) return sendError(res, failure);
      const missingGuardrail = guardrailError(body);
      if (missingGuardrail && (operation === 'converse' || operation === 'converse-stream')) return sendError(res, missingGuardrail);
      if (operation === 'converse') return converse(res, modelId, body);
      if (operation === 'converse-stream') return converseStream(res, record, modelId, body);
      if (operation === 'invoke') return invoke(res, modelId, body);
      if (operation === 'count-tokens') return countTokens(res, body);
    }
    if (record.method === 'GET' && segments[0] === 'foundation-models') {
      const models = foundationModels(regionOf(record.headers));
      if (segments.length === 1) return sendJson(res, 200, { modelSummaries: filterFoundationModels(models, url.searchParams) });
      const modelId = (record.modelId = decodeURIComponent(segments[1]));
      const model = models.find((candidate) => candidate.modelId === modelId);
      if (model) return sendJson(res, 200, { modelDetails: model });
      return sendError(res, { status: 404, type: 'ResourceNotFoundException', message: 'The specified model identifier is not valid.' });
    }
    if (record.method === 'GET' && segments[0] === 'foundation-model-availability' && segments.length === 2) {
      const modelId = (record.modelId = decodeURIComponent(segments[1]));
      if (!foundationModels(regionOf(record.headers)).some((m) => m.modelId === modelId)) {
        return sendError(res, { status: 404, type: 'ResourceNotFoundException', message: 'The specified model identifier is not valid.' });
      }
      return sendJson(res, 200, modelAvailability(modelId));
    }
    if (record.method === 'POST' && segments.length === 5 && segments[0] === 'guardrail' && segments[2] === 'version' && segments[4] === 'apply') {
      const answer = applyGuardrailAnswer(decodeURIComponent(segments[1]), body);
      return answer.error ? sendError(res, answer.error) : sendJson(res, answer.status, answer.json ?? {});
    }
    // The AWS Price List Query API (JSON 1.1 on POST /); an access key id starting NOPRICING lacks pricing:GetProducts.
    if (record.method === 'POST' && record.headers['x-amz-target'] === 'AWSPriceListService.GetProducts') {
      if (/Credential=NOPRICING/.test(record.headers.authorization ?? '')) {
        return sendError(res, { status: 400, type: 'AccessDeniedException', message: 'User is not authorized to perform: pricing:GetProducts' });
      }
      return sendJson(res, 200, getProducts(body), { 'content-type': 'application/x-amz-json-1.1' });
    }
    if (record.method === 'GET' && url.pathname === '/inference-profiles') {
      return sendJson(res, 200, { inferenceProfileSummaries: inferenceProfiles(regionOf(record.headers)) });
    }
    sendError(res, { status: 404, type: 'UnknownOperationException', message: `No operation at ${record.method} ${url.pathname}.` });
  }

  async function handle(req: IncomingRequest, res: ResponseSink): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const raw = Buffer.concat(chunks);
    const text = raw.toString('utf8');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    let body: unknown;
    try {
      body = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      body = undefined;
    }
    const record: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', body, headers, httpVersion: req.httpVersion };
    requests.push(record);
    try {
      await route(res, record, raw);
    } catch (error) {
      sendError(res, { status: 500, type: 'InternalServerException', message: `The local Bedrock simulator failed: ${String(error)}` });
    }
    log(`${record.method} ${record.path} HTTP/${record.httpVersion}${record.modelId ? ` model=${record.modelId}` : ''}`);
  }

  const onRequest = (req: IncomingRequest, res: ResponseSink): void => void handle(req, res);
  const http1Server = http.createServer((req, res) => onRequest(req, res));
  const http2Server = http2.createServer((req, res) => onRequest(req, res));
  // A session error (a client that resets) must not crash the test process.
  http2Server.on('sessionError', () => undefined);
  const sockets = new Set<net.Socket>();

  const front = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let received = Buffer.alloc(0);
    const peek = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const prefix = received.subarray(0, HTTP2_PREFACE_START.length);
      // Wait for more bytes while they still could be the start of the HTTP/2 preface.
      if (received.length < HTTP2_PREFACE_START.length && HTTP2_PREFACE_START.subarray(0, received.length).equals(prefix)) return;
      socket.removeListener('data', peek);
      socket.pause();
      socket.unshift(received);
      if (prefix.equals(HTTP2_PREFACE_START)) {
        // The HTTP/2 session reads the unshifted bytes itself and then takes over the socket's
        // native handle; resuming the JS stream here would compete with it for the bytes.
        http2Server.emit('connection', socket);
      } else {
        http1Server.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', peek);
  });

  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (front.address() as net.AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const extension of extensions) void extension.close?.();
        front.close(() => resolve());
        // Clients keep HTTP/2 sessions and keep-alive sockets open; end them so close() returns.
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function numberArgument(args: string[], name: string): number | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = Number(args[index + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} needs a non-negative number`);
  return value;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  startBedrockServer({
    port: numberArgument(args, '--port'),
    tokenDelayMs: numberArgument(args, '--token-delay-ms'),
    firstTokenDelayMs: numberArgument(args, '--first-token-delay-ms'),
    log: args.includes('--quiet') ? undefined : (line) => process.stderr.write(`${line}\n`),
  }).then(
    (server) => {
      process.stdout.write(`BEDROCK_SIMULATOR_URL=${server.url}\n`);
      const stop = (): void => void server.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`bedrockServer: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
