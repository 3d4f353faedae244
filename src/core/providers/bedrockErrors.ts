/**
 * Turns whatever the AWS SDK (or the network under it) throws into one plain sentence for
 * the person at the keyboard: what went wrong and what to do about it. Works on names and
 * messages only, so it needs no SDK import and stays cheap to load.
 */
import { redactUrlCredentials } from '../privacy/urlCredentials';
import * as l10n from '@vscode/l10n';
import type { ErrorKind, ModelError } from './types';

export interface BedrockErrorContext {
  modelId: string;
  region?: string;
  profile?: string;
  /** The endpoint the request went to, named in network errors. */
  endpoint?: string;
  /** Characters of answer already streamed when the error came, for `stream-broken`. */
  charactersReceived?: number;
  /** The guardrail the call applied, named when the error is about it. */
  guardrail?: { id: string; version: string };
}

interface ErrorFacts {
  name: string;
  message: string;
  /** Node's system error code (ECONNREFUSED…) or an HTTP/2 error code, when there is one. */
  systemCode: string;
  attempts?: number;
  retryAfterMs?: number;
}

function factsOf(err: unknown): ErrorFacts {
  if (typeof err !== 'object' || err === null) return { name: 'Error', message: String(err), systemCode: '' };
  const record = err as { name?: unknown; message?: unknown; code?: unknown; $metadata?: { attempts?: unknown }; cause?: unknown; $response?: { headers?: Record<string, unknown> } };
  const name = typeof record.name === 'string' ? record.name : 'Error';
  const message = typeof record.message === 'string' ? record.message : String(err);
  let systemCode = typeof record.code === 'string' ? record.code : '';
  // Some handlers wrap the socket error; its code is on the cause.
  if (!systemCode && typeof record.cause === 'object' && record.cause !== null) {
    const causeCode = (record.cause as { code?: unknown }).code;
    if (typeof causeCode === 'string') systemCode = causeCode;
  }
  const attempts = typeof record.$metadata?.attempts === 'number' ? record.$metadata.attempts : undefined;
  // `Retry-After` in seconds (what a throttling endpoint may send), for the adaptive concurrency.
  const retryAfter = Number(record.$response?.headers?.['retry-after']);
  return { name, message, systemCode, attempts, ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
}

const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE'];

function isNetworkFailure(facts: ErrorFacts): boolean {
  const text = `${facts.systemCode} ${facts.message}`;
  return (
    NETWORK_CODES.some((code) => text.includes(code)) ||
    facts.systemCode.startsWith('ERR_HTTP2') ||
    /socket hang up|ERR_HTTP2|getaddrinfo|network error/i.test(text) ||
    facts.name === 'TimeoutError'
  );
}

function quote(message: string): string {
  const trimmed = message.trim().replace(/\.$/, '');
  return trimmed ? `"${trimmed}"` : '(no message)';
}

function profileLogin(profile: string | undefined): string {
  return profile ? `aws sso login --profile ${profile}` : 'aws sso login --profile NAME';
}

export function describeBedrockError(err: unknown, ctx: BedrockErrorContext): ModelError {
  const facts = factsOf(err);
  const { name, message } = facts;
  const model = ctx.modelId;
  const region = ctx.region ?? l10n.t('your Region');
  // An endpoint URL with user:password@ never reaches a message or a run record.
  const make = (kind: ErrorKind, text: string): ModelError => ({ kind, message: redactUrlCredentials(text), code: name });

  if (name === 'AbortError' || facts.systemCode === 'ABORT_ERR' || /request aborted|operation was aborted/i.test(message)) {
    return make('cancelled', l10n.t('The request to {0} was cancelled.', model));
  }
  if (/ModelStreamErrorException/i.test(name)) {
    const characters = ctx.charactersReceived ?? 0;
    return make('stream-broken', l10n.t('The stream broke after {0} characters; the partial answer is kept. {1} reported {2}; run it again for a complete answer.', characters, model, quote(message)));
  }
  if (name === 'ExpiredTokenException' || /token (has |is )?expired|expired token|sso session .*expired|session has expired|refresh this sso session/i.test(message)) {
    return make(
      'credentials',
      l10n.t('Your AWS session has expired ({0}). Run `{1}` to sign in again, or refresh the credentials you set in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN.', quote(message), profileLogin(ctx.profile)),
    );
  }
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    const profileNote = ctx.profile ? ` ${l10n.t('The profile "{0}" gave none: check it in ~/.aws/config, or run `aws sso login --profile {0}`.', ctx.profile)}` : '';
    return make(
      'credentials',
      l10n.t('No AWS credentials were found. Set a profile in the setting promptWorkbench.bedrock.profile (and run `aws configure` or `aws sso login --profile NAME`), set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or store a Bedrock API key with the command Prompt Workbench: Set Bedrock API Key.') +
        profileNote,
    );
  }
  if (/region is missing/i.test(message)) {
    return make('region', l10n.t('No AWS Region is set. Set the setting promptWorkbench.bedrock.region (for example us-east-1), or the environment variable AWS_REGION, or a region in your AWS profile.'));
  }
  if (name === 'UnrecognizedClientException' || name === 'InvalidSignatureException' || /security token included in the request is invalid/i.test(message)) {
    return make(
      'credentials',
      l10n.t('AWS rejected the credentials ({0}). Check the profile in promptWorkbench.bedrock.profile or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `{1}` again.', quote(message), profileLogin(ctx.profile)),
    );
  }
  const guardrailProblem = ctx.guardrail && /guardrail/i.test(message);
  if (guardrailProblem && ctx.guardrail && (name === 'ValidationException' || name === 'ResourceNotFoundException')) {
    const { id, version } = ctx.guardrail;
    return make(
      name === 'ValidationException' ? 'validation' : 'not-found',
      l10n.t("Amazon Bedrock has no guardrail {0} version {1} in {2} ({3}). Fix the setting promptWorkbench.bedrock.guardrail or the prompt's workbench.guardrail, or remove it to run without a guardrail.", id, version, region, quote(message)),
    );
  }
  if (name === 'AccessDeniedException' && guardrailProblem && ctx.guardrail) {
    return make(
      'access-denied',
      l10n.t('You may not apply the guardrail {0} ({1}). Allow bedrock:ApplyGuardrail on it in your IAM policy, or remove the guardrail from the settings or the prompt.', ctx.guardrail.id, quote(message)),
    );
  }
  if (name === 'AccessDeniedException') {
    const consoleRegion = ctx.region ?? 'us-east-1';
    return make(
      'access-denied',
      l10n.t('Your AWS account has no access to {0} in {1} ({2}). Request access to the model at {3}, or check that your IAM policy allows bedrock:InvokeModelWithResponseStream.', model, region, quote(message), `https://console.aws.amazon.com/bedrock/home?region=${consoleRegion}#/modelaccess`),
    );
  }
  if (name === 'ThrottlingException' || name === 'ModelNotReadyException' || name === 'ServiceQuotaExceededException' || name === 'TooManyRequestsException') {
    const retries = facts.attempts !== undefined ? Math.max(0, facts.attempts - 1) : undefined;
    const retried = retries === undefined ? l10n.t('it was retried automatically') : retries === 1 ? l10n.t('it was retried 1 time') : l10n.t('it was retried {0} times', retries);
    const why = name === 'ModelNotReadyException' ? l10n.t('{0} is not ready to serve requests yet', model) : l10n.t('Amazon Bedrock is throttling requests to {0} in {1}', model, region);
    // A cross-region profile spreads load over several Regions; suggest one for a plain foundation-model id.
    const crossRegion = /^[a-z]+\.[a-z0-9.-]+(:\d+)?$/.test(model) && !/^(us|eu|apac|global)\./.test(model);
    return withRetryAfter(make(
      'throttled',
      crossRegion
        ? l10n.t('{0}; {1} without success. Wait and retry, or raise your quota in the Service Quotas console, or call it through a cross-region inference profile such as {2}.', why, retried, `us.${model}`)
        : l10n.t('{0}; {1} without success. Wait and retry, or raise your quota in the Service Quotas console.', why, retried),
    ), facts.retryAfterMs);
  }
  if (name === 'ValidationException') {
    return make('validation', l10n.t("Amazon Bedrock rejected the request to {0}: {1}. Fix the model id or the prompt's config, and try again.", model, quote(message)));
  }
  if (name === 'ResourceNotFoundException') {
    return make('not-found', l10n.t('Amazon Bedrock could not find {0} in {1} ({2}). Check the model id, and that the model is offered in that Region.', model, region, quote(message)));
  }
  if (name === 'ModelTimeoutException') {
    return make('timeout', l10n.t('{0} took too long to answer ({1}). Try again, or shorten the prompt or lower maxOutputTokens.', model, quote(message)));
  }
  if (name === 'ServiceUnavailableException' || name === 'InternalServerException' || name === 'ModelErrorException') {
    return make('unavailable', l10n.t('Amazon Bedrock could not serve {0} just now ({1}: {2}). Try again in a minute.', model, name, quote(message)));
  }
  if (isNetworkFailure(facts)) {
    const endpoint = ctx.endpoint ?? (ctx.region ? `https://bedrock-runtime.${ctx.region}.amazonaws.com` : l10n.t('the Amazon Bedrock endpoint'));
    return make(
      'network',
      l10n.t('Could not reach {0} ({1}: {2}). Check your network, proxy and the setting promptWorkbench.bedrock.endpointUrl.', endpoint, facts.systemCode || name, quote(message)),
    );
  }
  return { kind: 'unknown', message: l10n.t('The call to {0} failed: {1}: {2}.', model, name, quote(message)), code: name };
}

function withRetryAfter(error: ModelError, retryAfterMs: number | undefined): ModelError {
  return retryAfterMs === undefined ? error : { ...error, retryAfterMs };
}
