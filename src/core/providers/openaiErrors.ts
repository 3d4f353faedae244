/**
 * Failures of an OpenAI-compatible endpoint (Ollama, LM Studio, vLLM, OpenAI itself) as one
 * plain sentence: what happened, at which endpoint, and what to do about it.
 */
import type { ErrorKind, ModelError } from './types';

export interface EndpointErrorContext {
  /** The endpoint's name from settings: the provider part of `name/model`. */
  endpoint: string;
  baseUrl: string;
  modelId?: string;
  /** Whether an API key was sent, so a 401 can say which fix applies. */
  sentApiKey: boolean;
  /** Characters of answer already streamed, for `stream-broken`. */
  charactersReceived?: number;
  attempts?: number;
}

/** An HTTP answer that was not 2xx, with the server's own message. */
export class EndpointHttpError extends Error {
  override readonly name = 'EndpointHttpError';
  constructor(
    readonly status: number,
    readonly serverMessage: string,
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${status}: ${serverMessage}`);
  }
}

/** The stream ended before the server said it was done, or carried an error object. */
export class EndpointStreamError extends Error {
  override readonly name = 'EndpointStreamError';
}

type ServerKind = 'ollama' | 'lmstudio' | 'vllm' | 'openai' | 'other';

function serverKind(endpoint: string, baseUrl: string): ServerKind {
  const name = endpoint.toLowerCase();
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (name.includes('ollama') || url?.port === '11434') return 'ollama';
  if (/lm.?studio/.test(name) || url?.port === '1234') return 'lmstudio';
  if (name.includes('vllm') || url?.port === '8000') return 'vllm';
  if (url?.hostname === 'api.openai.com') return 'openai';
  return 'other';
}

/** How to start the server the endpoint most likely is. */
function startHint(kind: ServerKind): string {
  switch (kind) {
    case 'ollama':
      return 'Is Ollama running? Start it with `ollama serve`.';
    case 'lmstudio':
      return "Is LM Studio's local server running? Start it in LM Studio's Developer tab or with `lms server start`.";
    case 'vllm':
      return 'Is vLLM running? Start it with `vllm serve MODEL`.';
    case 'openai':
      return 'Check your network connection and proxy.';
    default:
      return 'Is the server running at that address?';
  }
}

function missingModelHint(kind: ServerKind, modelId: string | undefined): string {
  const model = modelId ?? 'MODEL';
  switch (kind) {
    case 'ollama':
      return `Download it with \`ollama pull ${model}\`, or pick a model the server has (Prompt Workbench: Refresh Model Catalog lists them).`;
    case 'lmstudio':
      return `Load it in LM Studio or with \`lms load ${model}\`, or pick a loaded model.`;
    default:
      return 'Check the model id (Prompt Workbench: Refresh Model Catalog lists what the server offers), and that the URL ends in /v1.';
  }
}

function quote(message: string): string {
  const trimmed = message.trim().replace(/\.$/, '');
  return trimmed ? `"${trimmed.slice(0, 300)}"` : '(no message)';
}

/** Node's socket error code, which `fetch` hides under `cause` (or `cause.errors` for several addresses). */
export function systemCodeOf(err: unknown): string {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const record = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof record.code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(record.code)) return record.code;
    if (Array.isArray(record.errors) && record.errors.length > 0) {
      const inner = systemCodeOf(record.errors[0]);
      if (inner) return inner;
    }
    current = record.cause;
  }
  return '';
}

export function describeEndpointError(err: unknown, ctx: EndpointErrorContext): ModelError {
  const kind = serverKind(ctx.endpoint, ctx.baseUrl);
  const where = `the endpoint “${ctx.endpoint}” (${ctx.baseUrl})`;
  const model = ctx.modelId ? `${ctx.endpoint}/${ctx.modelId}` : ctx.endpoint;
  const make = (errorKind: ErrorKind, message: string, code: string): ModelError => ({ kind: errorKind, message, code });
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);

  if (name === 'AbortError' || (err as { code?: unknown })?.code === 'ABORT_ERR') return make('cancelled', `The request to ${model} was cancelled.`, 'AbortError');

  if (err instanceof EndpointHttpError) {
    const server = quote(err.serverMessage);
    const code = `HTTP ${err.status}`;
    const retried = ctx.attempts && ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : '';
    switch (true) {
      case err.status === 401:
        return make(
          'credentials',
          ctx.sentApiKey
            ? `${capital(where)} rejected the API key (401: ${server}). Store the right key with the command Prompt Workbench: Set Endpoint API Key.`
            : `${capital(where)} wants an API key (401: ${server}). Store it with the command Prompt Workbench: Set Endpoint API Key, or name an environment variable that holds it in "apiKeyEnv" of promptWorkbench.openai.endpoints.`,
          code,
        );
      case err.status === 403:
        return make('access-denied', `${capital(where)} refused access to ${ctx.modelId ?? 'the request'} (403: ${server}). Check that your API key may use this model.`, code);
      case err.status === 404 && !ctx.modelId:
        return make('not-found', `${capital(where)} answered 404 (${server}). Check that the URL ends in /v1, e.g. http://127.0.0.1:11434/v1 for Ollama.`, code);
      case err.status === 404:
        return make('not-found', `${capital(where)} has no model “${ctx.modelId ?? '?'}” (404: ${server}). ${missingModelHint(kind, ctx.modelId)}`, code);
      case err.status === 429:
        return make('throttled', `${capital(where)} is rate limiting requests${retried} (429: ${server}). Wait a moment and run again, or compare fewer models at once.`, code);
      case err.status === 408 || err.status === 504:
        return make('timeout', `${model} took too long to answer (${err.status}: ${server}). Try again, or shorten the prompt or lower maxOutputTokens.`, code);
      case err.status === 400 || err.status === 422:
        return make('validation', `${capital(where)} rejected the request to ${ctx.modelId ?? 'the model'} (${err.status}: ${server}). Fix the model id or the prompt's config, and try again.`, code);
      case err.status >= 500:
        return make('unavailable', `${capital(where)} failed to serve ${ctx.modelId ?? 'the request'}${retried} (${err.status}: ${server}). Check the server's log, and try again.`, code);
      default:
        return make('unknown', `${capital(where)} answered ${err.status} (${server}).`, code);
    }
  }
  if (err instanceof EndpointStreamError) {
    const characters = ctx.charactersReceived ?? 0;
    return make('stream-broken', `The stream from ${model} broke after ${characters} characters (${quote(message)}); the partial answer is kept. Run it again for a complete answer.`, 'StreamBroken');
  }
  const systemCode = systemCodeOf(err);
  if (systemCode === 'ECONNREFUSED') {
    return make('network', `Could not connect to ${where}: nothing is listening there. ${startHint(kind)} Or fix the URL in promptWorkbench.openai.endpoints.`, systemCode);
  }
  if (systemCode || /fetch failed|socket|network/i.test(message)) {
    const characters = ctx.charactersReceived ?? 0;
    if (characters > 0) {
      return make('stream-broken', `The connection to ${where} broke after ${characters} characters (${systemCode || message}); the partial answer is kept. Run it again for a complete answer.`, systemCode || name);
    }
    return make('network', `Could not reach ${where} (${systemCode || message}). ${startHint(kind)} Check the URL in promptWorkbench.openai.endpoints and your proxy.`, systemCode || name);
  }
  return make('unknown', `The call to ${model} failed: ${name}: ${quote(message)}.`, name);
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
