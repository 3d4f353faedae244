/**
 * A local OpenAI-compatible server, shaped like Ollama's `/v1` API, for tests and the
 * offline demo: `GET /v1/models`, `POST /v1/chat/completions` streamed as server-sent events
 * (`data: {chunk}` lines, a usage chunk when `stream_options.include_usage`, `data: [DONE]`)
 * or whole. Failures are scripted by the model name, as with the Bedrock server, because a
 * test running inside VS Code can choose nothing but model ids (see README.md).
 */
import * as http from 'node:http';
import type * as net from 'node:net';
import { composeAnswer, estimateTokens, readConversation, splitIntoPieces, type ConverseBody } from './bedrockAnswers';

export interface OpenAiServerOptions {
  port?: number;
  host?: string;
  /** Pause between streamed chunks; default 5 ms. */
  tokenDelayMs?: number;
  /** Pause before the first chunk; default 20 ms. */
  firstTokenDelayMs?: number;
  /** When set, every request must carry `authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** What `GET /v1/models` lists; default three Ollama-style names. */
  models?: string[];
  /** Serve under this path prefix; default `/v1`. */
  basePath?: string;
}

export interface OpenAiRecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  /** Streams only: chunks with text written, and whether the client left before the end. */
  stream?: { deltasSent: number; clientClosedEarly: boolean };
}

export interface OpenAiServer {
  /** The base URL to configure: `http://127.0.0.1:PORT/v1`. */
  url: string;
  port: number;
  requests: OpenAiRecordedRequest[];
  close(): Promise<void>;
}

export const DEFAULT_ENDPOINT_MODELS = ['llama3.2:latest', 'qwen2.5:7b', 'nomic-embed-text:latest'];

interface ChatBody {
  model?: string;
  messages?: Array<{ role?: string; content?: unknown }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  stop?: string[] | string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Chat messages as the shared answer builder reads them (Converse's shape). */
function toConverseBody(body: ChatBody): ConverseBody {
  const textOf = (content: unknown): string =>
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? content.map((part: { type?: string; text?: string }) => (part?.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('')
        : '';
  const messages = body.messages ?? [];
  return {
    system: messages.filter((m) => m.role === 'system').map((m) => ({ text: textOf(m.content) })),
    messages: messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role === 'assistant' ? 'assistant' : 'user', content: [{ text: textOf(m.content) }] })),
  };
}

/** The answer for a request: the Bedrock server's, naming this server instead, cut by max_tokens and stop. */
export function endpointAnswer(body: ChatBody): { pieces: string[]; finishReason: 'stop' | 'length'; promptTokens: number } {
  const conversation = readConversation(toConverseBody(body));
  let text = composeAnswer(body.model ?? '?', conversation).replace('(local Bedrock simulator)', '(local OpenAI-compatible server)');
  let finishReason: 'stop' | 'length' = 'stop';
  for (const stop of Array.isArray(body.stop) ? body.stop : body.stop ? [body.stop] : []) {
    const at = stop ? text.indexOf(stop) : -1;
    if (at >= 0) text = text.slice(0, at);
  }
  let pieces = splitIntoPieces(text);
  if (typeof body.max_tokens === 'number' && pieces.length > body.max_tokens) {
    pieces = pieces.slice(0, Math.max(0, body.max_tokens));
    finishReason = 'length';
  }
  return { pieces, finishReason, promptTokens: estimateTokens(conversation.allText) };
}

interface ScriptedFailure {
  status: number;
  message: string;
  retryAfter?: string;
}

function scriptedFailure(model: string, seenOnce: Set<string>): ScriptedFailure | undefined {
  if (model.includes('sim-ratelimit-once')) {
    if (seenOnce.has(model)) return undefined;
    seenOnce.add(model);
    return { status: 429, message: 'Rate limit reached for requests', retryAfter: '0' };
  }
  if (model.includes('sim-ratelimit')) return { status: 429, message: 'Rate limit reached for requests', retryAfter: '0' };
  if (model.includes('sim-unauthorized')) return { status: 401, message: 'Incorrect API key provided.' };
  if (model.includes('sim-forbidden')) return { status: 403, message: 'You are not allowed to use this model.' };
  if (model.includes('sim-notfound')) return { status: 404, message: `model "${model}" not found, try pulling it first` };
  if (model.includes('sim-invalid')) return { status: 400, message: 'invalid request: temperature must be between 0 and 2' };
  if (model.includes('sim-error')) return { status: 500, message: 'llama runner process has terminated: exit status 2' };
  if (model.includes('sim-overloaded')) return { status: 503, message: 'server overloaded, please retry shortly' };
  return undefined;
}

const MIDSTREAM_CHUNKS = 5;

export async function startOpenAiServer(options: OpenAiServerOptions = {}): Promise<OpenAiServer> {
  const host = options.host ?? '127.0.0.1';
  const basePath = options.basePath ?? '/v1';
  const tokenDelayMs = options.tokenDelayMs ?? 5;
  const firstTokenDelayMs = options.firstTokenDelayMs ?? 20;
  const requests: OpenAiRecordedRequest[] = [];
  const seenOnce = new Set<string>();
  const sockets = new Set<net.Socket>();

  function sendJson(res: http.ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(payload));
  }

  function sendError(res: http.ServerResponse, failure: ScriptedFailure): void {
    const type = failure.status === 401 ? 'invalid_request_error' : failure.status >= 500 ? 'api_error' : 'invalid_request_error';
    sendJson(res, failure.status, { error: { message: failure.message, type, param: null, code: null } }, failure.retryAfter ? { 'retry-after': failure.retryAfter } : {});
  }

  async function chat(req: http.IncomingMessage, res: http.ServerResponse, record: OpenAiRecordedRequest, body: ChatBody): Promise<void> {
    const model = body.model ?? '';
    if (!model) return sendError(res, { status: 400, message: 'model is required' });
    const failure = scriptedFailure(model, seenOnce);
    if (failure) return sendError(res, failure);
    const { pieces, finishReason, promptTokens } = endpointAnswer(body);
    const perToken = model.includes('sim-slow') ? 200 : tokenDelayMs;
    const id = `chatcmpl-${Math.random().toString(36).slice(2, 10)}`;
    const created = Math.floor(Date.now() / 1000);
    if (!body.stream) {
      await sleep(firstTokenDelayMs + perToken * Math.max(0, pieces.length - 1));
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: pieces.join('') }, finish_reason: finishReason }],
        usage: { prompt_tokens: promptTokens, completion_tokens: pieces.length, total_tokens: promptTokens + pieces.length },
      });
    }
    const progress: { deltasSent: number; clientClosedEarly: boolean } = (record.stream = { deltasSent: 0, clientClosedEarly: false });
    let finished = false;
    let gone = false;
    res.once('close', () => {
      gone = true;
      progress.clientClosedEarly = !finished;
    });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_local', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    await sleep(firstTokenDelayMs);
    // A keep-alive comment, as some servers send: parsers must skip it.
    res.write(': ping\n\n');
    for (let index = 0; index < pieces.length; index++) {
      if (index > 0) await sleep(perToken);
      if (gone) return;
      const written = new Promise<void>((resolve) => res.write(chunk(index === 0 ? { role: 'assistant', content: pieces[index] } : { content: pieces[index] }, null), () => resolve()));
      progress.deltasSent++;
      if (model.includes('sim-midstream') && index + 1 === MIDSTREAM_CHUNKS) {
        // The server dies once the chunk is out: the connection ends without a finish reason or [DONE].
        finished = true;
        await written;
        await sleep(5);
        req.socket.destroy();
        return;
      }
      if (model.includes('sim-streamerror') && index + 1 === MIDSTREAM_CHUNKS) {
        res.write(`data: ${JSON.stringify({ error: { message: 'an error was encountered while running the model: out of memory' } })}\n\n`);
        finished = true;
        res.end();
        return;
      }
    }
    res.write(chunk({}, finishReason));
    if (body.stream_options?.include_usage) {
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: pieces.length, total_tokens: promptTokens + pieces.length } })}\n\n`);
    }
    res.write('data: [DONE]\n\n');
    finished = true;
    res.end();
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const piece of req) chunks.push(piece as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const record: OpenAiRecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers, body };
    requests.push(record);
    if (options.apiKey && headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendError(res, { status: 401, message: headers.authorization ? 'Incorrect API key provided.' : 'You didn\'t provide an API key.' });
    }
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === `${basePath}/models`) {
      const data = (options.models ?? DEFAULT_ENDPOINT_MODELS).map((id) => ({ id, object: 'model', created: 1730000000, owned_by: 'library' }));
      return sendJson(res, 200, { object: 'list', data });
    }
    if (req.method === 'POST' && path === `${basePath}/chat/completions`) {
      if (typeof body !== 'object' || body === null) return sendError(res, { status: 400, message: 'invalid JSON body' });
      return chat(req, res, record, body as ChatBody);
    }
    // Ollama answers unknown routes with a plain-text 404.
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 page not found');
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `the local OpenAI-compatible server failed: ${String(err)}` } });
      else res.end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://${host}:${port}${basePath}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--port');
  startOpenAiServer({ port: at >= 0 ? Number(args[at + 1]) : undefined }).then(
    (server) => {
      process.stdout.write(`OPENAI_SIMULATOR_URL=${server.url}\n`);
      const stop = (): void => void server.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`openaiServer: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
