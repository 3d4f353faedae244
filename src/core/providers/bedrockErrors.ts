/**
 * Turns whatever the AWS SDK (or the network under it) throws into one plain sentence for
 * the person at the keyboard: what went wrong and what to do about it. Works on names and
 * messages only, so it needs no SDK import and stays cheap to load.
 */
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
}

function factsOf(err: unknown): ErrorFacts {
  if (typeof err !== 'object' || err === null) return { name: 'Error', message: String(err), systemCode: '' };
  const record = err as { name?: unknown; message?: unknown; code?: unknown; $metadata?: { attempts?: unknown }; cause?: unknown };
  const name = typeof record.name === 'string' ? record.name : 'Error';
  const message = typeof record.message === 'string' ? record.message : String(err);
  let systemCode = typeof record.code === 'string' ? record.code : '';
  // Some handlers wrap the socket error; its code is on the cause.
  if (!systemCode && typeof record.cause === 'object' && record.cause !== null) {
    const causeCode = (record.cause as { code?: unknown }).code;
    if (typeof causeCode === 'string') systemCode = causeCode;
  }
  const attempts = typeof record.$metadata?.attempts === 'number' ? record.$metadata.attempts : undefined;
  return { name, message, systemCode, attempts };
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
  const region = ctx.region ?? 'your Region';
  const make = (kind: ErrorKind, text: string): ModelError => ({ kind, message: text, code: name });

  if (name === 'AbortError' || facts.systemCode === 'ABORT_ERR' || /request aborted|operation was aborted/i.test(message)) {
    return make('cancelled', `The request to ${model} was cancelled.`);
  }
  if (/ModelStreamErrorException/i.test(name)) {
    const characters = ctx.charactersReceived ?? 0;
    return make('stream-broken', `The stream broke after ${characters} characters; the partial answer is kept. ${model} reported ${quote(message)}; run it again for a complete answer.`);
  }
  if (name === 'ExpiredTokenException' || /token (has |is )?expired|expired token|sso session .*expired|session has expired|refresh this sso session/i.test(message)) {
    return make(
      'credentials',
      `Your AWS session has expired (${quote(message)}). Run \`${profileLogin(ctx.profile)}\` to sign in again, or refresh the credentials you set in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN.`,
    );
  }
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    const profileNote = ctx.profile ? ` The profile "${ctx.profile}" gave none: check it in ~/.aws/config, or run \`aws sso login --profile ${ctx.profile}\`.` : '';
    return make(
      'credentials',
      'No AWS credentials were found. Set a profile in the setting promptWorkbench.bedrock.profile (and run `aws configure` or `aws sso login --profile NAME`), set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or store a Bedrock API key with the command Prompt Workbench: Set Bedrock API Key.' +
        profileNote,
    );
  }
  if (/region is missing/i.test(message)) {
    return make('region', 'No AWS Region is set. Set the setting promptWorkbench.bedrock.region (for example us-east-1), or the environment variable AWS_REGION, or a region in your AWS profile.');
  }
  if (name === 'UnrecognizedClientException' || name === 'InvalidSignatureException' || /security token included in the request is invalid/i.test(message)) {
    return make(
      'credentials',
      `AWS rejected the credentials (${quote(message)}). Check the profile in promptWorkbench.bedrock.profile or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run \`${profileLogin(ctx.profile)}\` again.`,
    );
  }
  const guardrailProblem = ctx.guardrail && /guardrail/i.test(message);
  if (guardrailProblem && ctx.guardrail && (name === 'ValidationException' || name === 'ResourceNotFoundException')) {
    const { id, version } = ctx.guardrail;
    return make(
      name === 'ValidationException' ? 'validation' : 'not-found',
      `Amazon Bedrock has no guardrail ${id} version ${version} in ${region} (${quote(message)}). Fix the setting promptWorkbench.bedrock.guardrail or the prompt's workbench.guardrail, or remove it to run without a guardrail.`,
    );
  }
  if (name === 'AccessDeniedException' && guardrailProblem && ctx.guardrail) {
    return make(
      'access-denied',
      `You may not apply the guardrail ${ctx.guardrail.id} (${quote(message)}). Allow bedrock:ApplyGuardrail on it in your IAM policy, or remove the guardrail from the settings or the prompt.`,
    );
  }
  if (name === 'AccessDeniedException') {
    const consoleRegion = ctx.region ?? 'us-east-1';
    return make(
      'access-denied',
      `Your AWS account has no access to ${model} in ${region} (${quote(message)}). Request access to the model at https://console.aws.amazon.com/bedrock/home?region=${consoleRegion}#/modelaccess, or check that your IAM policy allows bedrock:InvokeModelWithResponseStream.`,
    );
  }
  if (name === 'ThrottlingException' || name === 'ModelNotReadyException' || name === 'ServiceQuotaExceededException' || name === 'TooManyRequestsException') {
    const retries = facts.attempts !== undefined ? Math.max(0, facts.attempts - 1) : undefined;
    const retried = retries !== undefined ? `it was retried ${retries} ${retries === 1 ? 'time' : 'times'}` : 'it was retried automatically';
    const why = name === 'ModelNotReadyException' ? `${model} is not ready to serve requests yet` : `Amazon Bedrock is throttling requests to ${model} in ${region}`;
    // A cross-region profile spreads load over several Regions; suggest one for a plain foundation-model id.
    const profileHint = /^[a-z]+\.[a-z0-9.-]+(:\d+)?$/.test(model) && !/^(us|eu|apac|global)\./.test(model) ? `, or call it through a cross-region inference profile such as us.${model}` : '';
    return make('throttled', `${why}; ${retried} without success. Wait and retry, or raise your quota in the Service Quotas console${profileHint}.`);
  }
  if (name === 'ValidationException') {
    return make('validation', `Amazon Bedrock rejected the request to ${model}: ${quote(message)}. Fix the model id or the prompt's config, and try again.`);
  }
  if (name === 'ResourceNotFoundException') {
    return make('not-found', `Amazon Bedrock could not find ${model} in ${region} (${quote(message)}). Check the model id, and that the model is offered in that Region.`);
  }
  if (name === 'ModelTimeoutException') {
    return make('timeout', `${model} took too long to answer (${quote(message)}). Try again, or shorten the prompt or lower maxOutputTokens.`);
  }
  if (name === 'ServiceUnavailableException' || name === 'InternalServerException' || name === 'ModelErrorException') {
    return make('unavailable', `Amazon Bedrock could not serve ${model} just now (${name}: ${quote(message)}). Try again in a minute.`);
  }
  if (isNetworkFailure(facts)) {
    const endpoint = ctx.endpoint ?? (ctx.region ? `https://bedrock-runtime.${ctx.region}.amazonaws.com` : 'the Amazon Bedrock endpoint');
    return make(
      'network',
      `Could not reach ${endpoint} (${facts.systemCode || name}: ${quote(message)}). Check your network, proxy and the setting promptWorkbench.bedrock.endpointUrl.`,
    );
  }
  return { kind: 'unknown', message: `The call to ${model} failed: ${name}: ${quote(message)}.`, code: name };
}
