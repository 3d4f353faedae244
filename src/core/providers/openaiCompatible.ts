/**
 * Any server that speaks OpenAI's chat completions API: Ollama, LM Studio, vLLM, llama.cpp's
 * server, OpenAI itself. Streams over server-sent events with Node's own `fetch`, so it
 * needs no dependency and loads in no time.
 */
import * as l10n from '@vscode/l10n';
import { describeEndpointError, EndpointHttpError, EndpointStreamError } from './openaiErrors';
import { readServerSentEvents } from './sse';
import { countMedia } from '../media/mediaFormats';
import type { ChatMessage, GenerationConfig, ModelError, ModelProvider, ModelRequest, Part, StreamEvent, ToolRequestPart, ToolResponsePart } from './types';

export interface OpenAiCompatibleOptions {
  /** The endpoint's name: the provider part of model ids (`ollama/llama3.2`). */
  name: string;
  /** Up to and including `/v1`, e.g. `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  /** Read on every call, so a key stored after the provider was made is used at once. */
  apiKey?: () => Promise<string | undefined>;
  /** Attempts for a 429, 502 or 503, including the first; default 3. */
  maxAttempts?: number;
  /** Back-off before the second attempt, doubled for each further one; default 500 ms. */
  retryBaseMs?: number;
}

/** One model as `GET /models` lists it. */
export interface EndpointModel {
  id: string;
  ownedBy?: string;
}

interface ChatContentPart {
  type: 'text' | 'image_url';
  text?: string;
  image_url?: { url: string };
}

interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface ChatCompletionMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | ChatContentPart[] | null;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
}

const KNOWN_CONFIG_KEYS = new Set(['temperature', 'topP', 'topK', 'maxOutputTokens', 'stopSequences']);
const RETRIED_STATUSES = new Set([429, 502, 503]);
const MAX_RETRY_WAIT_MS = 8000;

/** OpenAI's finish reasons in the words Bedrock uses, so records compare across providers. */
const STOP_REASONS: Record<string, string> = { stop: 'end_turn', length: 'max_tokens', content_filter: 'content_filtered', tool_calls: 'tool_use' };

function partsOf(content: Part[]): ChatContentPart[] {
  const parts: ChatContentPart[] = [];
  for (const part of content) {
    const text = (part as { text?: unknown }).text;
    const url = (part as { media?: { url?: unknown } }).media?.url;
    if (typeof text === 'string' && text.length > 0) parts.push({ type: 'text', text });
    else if (typeof url === 'string') parts.push({ type: 'image_url', image_url: { url: url.replace(/^(data:[^;,]+);name=[^;,]*/i, '$1') } }); // plain data URL: servers do not expect our name parameter
  }
  return parts;
}

/**
 * Chat completions take images (as data URLs) but no documents: a prompt that sends a PDF
 * or a spreadsheet is refused here, before anything is sent, with a sentence saying so.
 */
export function documentRefusal(request: ModelRequest, model: string): string | undefined {
  const { documents } = countMedia(request.messages);
  if (documents === 0) return undefined;
  return l10n.t('{0} is an OpenAI-compatible endpoint, which takes images but not documents; this prompt sends {1} document(s). Run it on an Amazon Bedrock model that reads documents, or paste the text into an input.', model, documents);
}

/**
 * Our messages as chat completions wants them: `model` → `assistant`, text alone as a plain
 * string, a model's tool calls as `tool_calls`, and each tool answer as a `tool` message.
 */
export function toChatMessages(messages: ChatMessage[]): ChatCompletionMessage[] {
  const out: ChatCompletionMessage[] = [];
  for (const message of messages) {
    const parts = partsOf(message.content);
    const calls = message.content.map((part) => (part as ToolRequestPart).toolRequest).filter((call): call is ToolRequestPart['toolRequest'] => Boolean(call));
    const answers = message.content.map((part) => (part as ToolResponsePart).toolResponse).filter((answer): answer is ToolResponsePart['toolResponse'] => Boolean(answer));
    for (const answer of answers) {
      out.push({ role: 'tool', tool_call_id: answer.ref, content: typeof answer.output === 'string' ? answer.output : JSON.stringify(answer.output) });
    }
    if (calls.length > 0) {
      const text = parts.map((p) => p.text ?? '').join('');
      out.push({
        role: 'assistant',
        content: text || null,
        tool_calls: calls.map((call) => ({ id: call.ref, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.input ?? {}) } })),
      });
      continue;
    }
    if (parts.length === 0) continue;
    const role = message.role === 'model' ? 'assistant' : message.role === 'system' ? 'system' : 'user';
    const textOnly = parts.every((p) => p.type === 'text');
    out.push({ role, content: textOnly ? parts.map((p) => p.text).join('') : parts });
  }
  return out;
}

/** The request body; `top_k` only for servers that accept it (OpenAI itself rejects unknown fields). */
export function toChatCompletionBody(request: ModelRequest, options: { acceptsTopK: boolean; includeUsage: boolean }): Record<string, unknown> {
  const config: GenerationConfig = request.config ?? {};
  const body: Record<string, unknown> = { model: request.modelId, messages: toChatMessages(request.messages), stream: true };
  if (options.includeUsage) body.stream_options = { include_usage: true };
  if (typeof config.temperature === 'number') body.temperature = config.temperature;
  if (typeof config.topP === 'number') body.top_p = config.topP;
  if (typeof config.maxOutputTokens === 'number') body.max_tokens = config.maxOutputTokens;
  if (Array.isArray(config.stopSequences) && config.stopSequences.length > 0) body.stop = config.stopSequences;
  if (typeof config.topK === 'number' && options.acceptsTopK) body.top_k = config.topK;
  // Server-specific settings (`seed`, `max_completion_tokens`, `num_ctx` …) travel as they are.
  for (const [key, value] of Object.entries(config)) if (!KNOWN_CONFIG_KEYS.has(key) && value !== undefined) body[key] = value;
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.inputSchema } }));
    const choice = request.toolChoice;
    if (choice === 'auto') body.tool_choice = 'auto';
    else if (choice === 'any') body.tool_choice = 'required';
    else if (choice && typeof choice === 'object') body.tool_choice = { type: 'function', function: { name: choice.tool } };
  }
  return body;
}

/** The server's own words from an error body: `{error: {message}}`, `{error: "…"}`, `{message}`, `{detail}` or text. */
export function serverMessageOf(text: string): string {
  try {
    const json = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = json.error;
    if (typeof error === 'string') return error;
    if (error && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
    if (typeof json.message === 'string') return json.message;
    if (typeof json.detail === 'string') return json.detail;
  } catch {
    // not JSON: the text itself, shortened
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** A tool call's arguments (JSON text); text that is not JSON is passed on, and the schema check says so. */
function parseArguments(text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

interface ChunkToolCall {
  index?: unknown;
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

interface ChunkChoice {
  delta?: { content?: unknown; tool_calls?: ChunkToolCall[] };
  finish_reason?: unknown;
}

interface CompletionChunk {
  choices?: ChunkChoice[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
  error?: unknown;
}

const ABORTED = Symbol('aborted');

export class OpenAiCompatibleProvider implements ModelProvider {
  readonly id: string;
  private readonly baseUrl: string;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    this.id = options.name;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  private get acceptsTopK(): boolean {
    return !/^https:\/\/api\.openai\.com(\/|$)/.test(this.baseUrl);
  }

  private async headers(): Promise<{ headers: Record<string, string>; sentApiKey: boolean }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream, application/json' };
    const key = await this.options.apiKey?.();
    if (key) headers.authorization = `Bearer ${key}`;
    return { headers, sentApiKey: Boolean(key) };
  }

  /** POSTs, retrying 429/502/503 with back-off (honouring Retry-After), and returns a 2xx response. */
  private async post(path: string, body: Record<string, unknown>, headers: Record<string, string>, signal: AbortSignal): Promise<{ response: Response; attempts: number }> {
    const maxAttempts = Math.max(1, this.options.maxAttempts ?? 3);
    let withUsage = body;
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(withUsage), signal });
      if (response.ok) return { response, attempts: attempt };
      const message = serverMessageOf(await response.text().catch(() => ''));
      // Some older servers reject `stream_options`; usage is a nicety, the answer is not.
      if (response.status === 400 && 'stream_options' in withUsage && /stream_options/i.test(message)) {
        const { stream_options: _dropped, ...rest } = withUsage;
        withUsage = rest;
        attempt--;
        continue;
      }
      const error = new EndpointHttpError(response.status, message, retryAfterMs(response.headers.get('retry-after')));
      if (!RETRIED_STATUSES.has(response.status) || attempt >= maxAttempts) throw Object.assign(error, { attempts: attempt });
      const wait = Math.min(MAX_RETRY_WAIT_MS, error.retryAfterMs ?? (this.options.retryBaseMs ?? 500) * 2 ** (attempt - 1));
      await abortableSleep(wait, signal);
      if (signal.aborted) throw Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    }
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    let text = '';
    let sentApiKey = false;
    let attempts = 1;
    const cancelled = (): StreamEvent => ({ type: 'error', error: { kind: 'cancelled', message: `The request to ${this.id}/${request.modelId} was cancelled.`, code: 'AbortError' }, partial: text.length > 0 });
    if (signal.aborted) return yield cancelled();
    const refusal = documentRefusal(request, `${this.id}/${request.modelId}`);
    if (refusal) return yield { type: 'error', error: { kind: 'validation', message: refusal, code: 'DocumentsUnsupported' }, partial: false };
    // Aborts the HTTP request when the caller aborts or stops iterating early (the `finally`).
    const controller = new AbortController();
    let onAbort = (): void => undefined;
    const aborted = new Promise<typeof ABORTED>((resolve) => (onAbort = () => {
      controller.abort();
      resolve(ABORTED);
    }));
    signal.addEventListener('abort', onAbort, { once: true });
    let finished = false;
    try {
      const prepared = await this.headers();
      sentApiKey = prepared.sentApiKey;
      const body = toChatCompletionBody(request, { acceptsTopK: this.acceptsTopK, includeUsage: true });
      const posted = await Promise.race([this.post('/chat/completions', body, prepared.headers, controller.signal), aborted]);
      if (posted === ABORTED) return yield cancelled();
      attempts = posted.attempts;
      const { response } = posted;
      if (!response.body) throw new EndpointStreamError('The server sent no body.');
      yield { type: 'start' };
      let stopReason: string | undefined;
      let done = false;
      // Tool calls stream in pieces keyed by index: the id and name first, then the arguments' JSON text.
      const toolCalls = new Map<number, { ref: string; name: string; args: string }>();
      const events = readServerSentEvents(response.body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      while (!done) {
        const next = await Promise.race([events.next(), aborted]);
        if (next === ABORTED) return yield cancelled();
        if (next.done) break;
        const data = next.value.data.trim();
        if (data === '[DONE]') {
          done = true;
          break;
        }
        let chunk: CompletionChunk;
        try {
          chunk = JSON.parse(data) as CompletionChunk;
        } catch {
          continue; // a keep-alive or a line some proxy added: not ours to fail on
        }
        if (chunk.error !== undefined) throw new EndpointStreamError(serverMessageOf(JSON.stringify({ error: chunk.error })));
        for (const choice of chunk.choices ?? []) {
          const delta = choice.delta?.content;
          if (typeof delta === 'string' && delta.length > 0) {
            text += delta;
            yield { type: 'text', text: delta };
          }
          for (const call of choice.delta?.tool_calls ?? []) {
            const index = typeof call.index === 'number' ? call.index : 0;
            const entry = toolCalls.get(index) ?? { ref: '', name: '', args: '' };
            if (typeof call.id === 'string' && call.id) entry.ref = call.id;
            if (typeof call.function?.name === 'string') entry.name += call.function.name;
            if (typeof call.function?.arguments === 'string') entry.args += call.function.arguments;
            toolCalls.set(index, entry);
          }
          if (typeof choice.finish_reason === 'string') stopReason = STOP_REASONS[choice.finish_reason] ?? choice.finish_reason;
        }
        if (chunk.usage && typeof chunk.usage.prompt_tokens === 'number') {
          yield { type: 'usage', inputTokens: chunk.usage.prompt_tokens, outputTokens: typeof chunk.usage.completion_tokens === 'number' ? chunk.usage.completion_tokens : 0 };
        }
      }
      finished = true;
      if (signal.aborted) return yield cancelled();
      // A finish reason without `[DONE]` is a complete answer from a lax server; neither is a cut stream.
      if (!done && stopReason === undefined) throw new EndpointStreamError('The stream ended before the server said it was done.');
      for (const [index, call] of [...toolCalls.entries()].sort(([a], [b]) => a - b)) {
        yield { type: 'toolRequest', ref: call.ref || `call_${index}`, name: call.name, input: parseArguments(call.args) };
      }
      yield { type: 'stop', stopReason: stopReason ?? 'end_turn' };
    } catch (err) {
      if (signal.aborted) return yield cancelled();
      const error: ModelError = describeEndpointError(err, {
        endpoint: this.id,
        baseUrl: this.baseUrl,
        modelId: request.modelId,
        sentApiKey,
        charactersReceived: text.length,
        attempts: (err as { attempts?: number }).attempts ?? attempts,
      });
      yield { type: 'error', error, partial: text.length > 0 };
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (!finished) controller.abort();
    }
  }

  /** `GET /models`; throws an Error whose message is the plain sentence for a person. */
  async listModels(signal: AbortSignal = new AbortController().signal): Promise<EndpointModel[]> {
    const { headers, sentApiKey } = await this.headers();
    try {
      const response = await fetch(`${this.baseUrl}/models`, { headers, signal });
      const text = await response.text();
      if (!response.ok) throw new EndpointHttpError(response.status, serverMessageOf(text));
      const json = JSON.parse(text) as { data?: Array<{ id?: unknown; owned_by?: unknown }> };
      return (json.data ?? [])
        .filter((m): m is { id: string; owned_by?: unknown } => typeof m.id === 'string')
        .map((m) => ({ id: m.id, ...(typeof m.owned_by === 'string' ? { ownedBy: m.owned_by } : {}) }));
    } catch (err) {
      const described = describeEndpointError(err, { endpoint: this.id, baseUrl: this.baseUrl, sentApiKey });
      throw Object.assign(new Error(described.message), { kind: described.kind });
    }
  }
}
