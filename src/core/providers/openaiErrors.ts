/**
 * Failures of an OpenAI-compatible endpoint (Ollama, LM Studio, vLLM, OpenAI itself) as one
 * plain sentence: what happened, at which endpoint, and what to do about it.
 */
import { redactUrlCredentials } from '../privacy/urlCredentials';
import * as l10n from '@vscode/l10n';
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
      return l10n.t('Is Ollama running? Start it with `ollama serve`.');
    case 'lmstudio':
      return l10n.t("Is LM Studio's local server running? Start it in LM Studio's Developer tab or with `lms server start`.");
    case 'vllm':
      return l10n.t('Is vLLM running? Start it with `vllm serve MODEL`.');
    case 'openai':
      return l10n.t('Check your network connection and proxy.');
    default:
      return l10n.t('Is the server running at that address?');
  }
}

function missingModelHint(kind: ServerKind, modelId: string | undefined): string {
  const model = modelId ?? 'MODEL';
  switch (kind) {
    case 'ollama':
      return l10n.t('Download it with `ollama pull {0}`, or pick a model the server has (Prompt Workbench: Refresh Model Catalog lists them).', model);
    case 'lmstudio':
      return l10n.t('Load it in LM Studio or with `lms load {0}`, or pick a loaded model.', model);
    default:
      return l10n.t('Check the model id (Prompt Workbench: Refresh Model Catalog lists what the server offers), and that the URL ends in /v1.');
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
  const where = l10n.t('the endpoint “{0}” ({1})', ctx.endpoint, ctx.baseUrl);
  // The same at the start of a sentence (a message of its own, so a translation need not capitalise).
  const Where = l10n.t('The endpoint “{0}” ({1})', ctx.endpoint, ctx.baseUrl);
  const model = ctx.modelId ? `${ctx.endpoint}/${ctx.modelId}` : ctx.endpoint;
  // A base URL with user:password@ (or a server echoing it) never reaches a message or a run record.
  const make = (errorKind: ErrorKind, message: string, code: string): ModelError => ({ kind: errorKind, message: redactUrlCredentials(message), code });
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);

  if (name === 'AbortError' || (err as { code?: unknown })?.code === 'ABORT_ERR') return make('cancelled', l10n.t('The request to {0} was cancelled.', model), 'AbortError');

  if (err instanceof EndpointHttpError) {
    const server = quote(err.serverMessage);
    const code = `HTTP ${err.status}`;
    const retried = ctx.attempts && ctx.attempts > 1 ? ctx.attempts : 0;
    switch (true) {
      case err.status === 401:
        return make(
          'credentials',
          ctx.sentApiKey
            ? l10n.t('{0} rejected the API key (401: {1}). Store the right key with the command Prompt Workbench: Set Endpoint API Key.', Where, server)
            : l10n.t('{0} wants an API key (401: {1}). Store it with the command Prompt Workbench: Set Endpoint API Key, or name an environment variable that holds it in "apiKeyEnv" of promptWorkbench.openai.endpoints.', Where, server),
          code,
        );
      case err.status === 403:
        return make('access-denied', l10n.t('{0} refused access to {1} (403: {2}). Check that your API key may use this model.', Where, ctx.modelId ?? l10n.t('the request'), server), code);
      case err.status === 404 && !ctx.modelId:
        return make('not-found', l10n.t('{0} answered 404 ({1}). Check that the URL ends in /v1, e.g. http://127.0.0.1:11434/v1 for Ollama.', Where, server), code);
      case err.status === 404:
        return make('not-found', `${l10n.t('{0} has no model “{1}” (404: {2}).', Where, ctx.modelId ?? '?', server)} ${missingModelHint(kind, ctx.modelId)}`, code);
      case err.status === 429:
        return make(
          'throttled',
          retried
            ? l10n.t('{0} is rate limiting requests after {1} attempts (429: {2}). Wait a moment and run again, or compare fewer models at once.', Where, retried, server)
            : l10n.t('{0} is rate limiting requests (429: {1}). Wait a moment and run again, or compare fewer models at once.', Where, server),
          code,
        );
      case err.status === 408 || err.status === 504:
        return make('timeout', l10n.t('{0} took too long to answer ({1}: {2}). Try again, or shorten the prompt or lower maxOutputTokens.', model, err.status, server), code);
      case err.status === 400 || err.status === 422:
        return make('validation', l10n.t("{0} rejected the request to {1} ({2}: {3}). Fix the model id or the prompt's config, and try again.", Where, ctx.modelId ?? l10n.t('the model'), err.status, server), code);
      case err.status >= 500:
        return make(
          'unavailable',
          retried
            ? l10n.t("{0} failed to serve {1} after {2} attempts ({3}: {4}). Check the server's log, and try again.", Where, ctx.modelId ?? l10n.t('the request'), retried, err.status, server)
            : l10n.t("{0} failed to serve {1} ({2}: {3}). Check the server's log, and try again.", Where, ctx.modelId ?? l10n.t('the request'), err.status, server),
          code,
        );
      default:
        return make('unknown', l10n.t('{0} answered {1} ({2}).', Where, err.status, server), code);
    }
  }
  if (err instanceof EndpointStreamError) {
    const characters = ctx.charactersReceived ?? 0;
    return make('stream-broken', l10n.t('The stream from {0} broke after {1} characters ({2}); the partial answer is kept. Run it again for a complete answer.', model, characters, quote(message)), 'StreamBroken');
  }
  const systemCode = systemCodeOf(err);
  if (systemCode === 'ECONNREFUSED') {
    return make('network', l10n.t('Could not connect to {0}: nothing is listening there. {1} Or fix the URL in promptWorkbench.openai.endpoints.', where, startHint(kind)), systemCode);
  }
  if (systemCode || /fetch failed|socket|network/i.test(message)) {
    const characters = ctx.charactersReceived ?? 0;
    if (characters > 0) {
      return make('stream-broken', l10n.t('The connection to {0} broke after {1} characters ({2}); the partial answer is kept. Run it again for a complete answer.', where, characters, systemCode || message), systemCode || name);
    }
    return make('network', l10n.t('Could not reach {0} ({1}). {2} Check the URL in promptWorkbench.openai.endpoints and your proxy.', where, systemCode || message, startHint(kind)), systemCode || name);
  }
  return make('unknown', l10n.t('The call to {0} failed: {1}: {2}.', model, name, quote(message)), name);
}
