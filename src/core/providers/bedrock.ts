/**
 * Amazon Bedrock through the Converse API. The AWS SDK is heavy, so it is loaded on the
 * first call, never when this module loads (only types are imported at the top).
 */
import type * as BedrockSdk from '@aws-sdk/client-bedrock-runtime';
import type {
  BedrockRuntimeClient,
  BedrockRuntimeClientConfig,
  ContentBlock,
  ConverseStreamCommandInput,
  DocumentFormat,
  ConverseStreamOutput,
  ImageFormat,
  InferenceConfiguration,
  TokenUsage,
  Message,
  SystemContentBlock,
  ToolConfiguration,
} from '@aws-sdk/client-bedrock-runtime';
import { sdkClientConfig } from '../aws/awsConnection';
import { describeBedrockError } from './bedrockErrors';
import { guardrailOutcome } from './bedrockGuardrail';
import { readApplyGuardrailResponse, type GuardrailCheck, type GuardrailSource } from '../privacy/applyGuardrail';
import { checkMediaCounts, converseDocumentName, countMedia, decodeMediaUrl, sizeProblem, type DecodedMedia } from '../media/mediaFormats';
import type { CachePointPart, GuardrailRef, ChatMessage, GenerationConfig, MediaPart, ModelError, ModelProvider, ModelRequest, Part, StreamEvent, ToolRequestPart, ToolResponsePart } from './types';

export interface BedrockProviderOptions {
  /** Falls back to the SDK's chain (AWS_REGION, the profile's region…). */
  region?: string;
  /** A profile from ~/.aws/config; otherwise the SDK's default chain picks credentials. */
  profile?: string;
  /** An endpoint override, e.g. the local Bedrock-compatible server. */
  endpoint?: string;
  /** A Bedrock API key: sent as `authorization: Bearer …` instead of a SigV4 signature. */
  apiKey?: string;
  /** Attempts per call including the first (SDK default 3). */
  maxAttempts?: number;
  /** Loads the SDK; tests replace it. */
  loadSdk?: () => Promise<typeof BedrockSdk>;
}

type ConverseInput = ConverseStreamCommandInput;
type DocumentValue = NonNullable<ConverseInput['additionalModelRequestFields']>;

const KNOWN_CONFIG_KEYS = new Set(['temperature', 'topP', 'topK', 'maxOutputTokens', 'stopSequences']);

/** Thrown while building the request; becomes a `validation` error event, never a crash. */
class RequestShapeError extends Error {
  override readonly name = 'RequestShapeError';
}

/** An image or document part as a Converse block (bytes, format, and a document's name). */
function mediaBlock(media: { url: string; contentType?: string; name?: string }, documentNames: Set<string>): ContentBlock {
  let decoded: DecodedMedia;
  try {
    decoded = decodeMediaUrl(media.url, media.contentType);
  } catch (err) {
    throw new RequestShapeError((err as Error).message);
  }
  const tooBig = sizeProblem(media.name ?? decoded.name ?? decoded.format, decoded, decoded.bytes.length);
  if (tooBig) throw new RequestShapeError(tooBig.message);
  if (decoded.kind === 'image') return { image: { format: decoded.format as ImageFormat, source: { bytes: decoded.bytes } } };
  const name = converseDocumentName(media.name ?? decoded.name, documentNames);
  return { document: { format: decoded.format as DocumentFormat, name, source: { bytes: decoded.bytes } } };
}

const CACHE_POINT = { cachePoint: { type: 'default' as const } };

function contentBlocks(parts: Part[], documentNames: Set<string>): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  for (const part of parts) {
    if (typeof (part as { text?: unknown }).text === 'string') {
      const text = (part as { text: string }).text;
      if (text.length > 0) blocks.push({ text });
    } else if (typeof (part as { media?: { url?: unknown } }).media?.url === 'string') {
      blocks.push(mediaBlock((part as MediaPart).media, documentNames));
    } else if ((part as Partial<CachePointPart>).cachePoint && blocks.length > 0 && !('cachePoint' in blocks[blocks.length - 1])) {
      // A cache point caches what comes before it: one at the very start, or twice in a row, is meaningless.
      blocks.push(CACHE_POINT);
    } else if ((part as ToolRequestPart).toolRequest) {
      const { ref, name, input } = (part as ToolRequestPart).toolRequest;
      blocks.push({ toolUse: { toolUseId: ref, name, input: (input ?? {}) as DocumentValue } });
    } else if ((part as ToolResponsePart).toolResponse) {
      const { ref, output, status } = (part as ToolResponsePart).toolResponse;
      // Converse takes a JSON object as `json`; anything else travels as its JSON text.
      const content = output && typeof output === 'object' && !Array.isArray(output) ? [{ json: output as DocumentValue }] : [{ text: typeof output === 'string' ? output : JSON.stringify(output) }];
      blocks.push({ toolResult: { toolUseId: ref, content, ...(status ? { status } : {}) } });
    }
  }
  return blocks;
}

/** The request's tools as Converse's `toolConfig` (undefined without tools). */
export function toConverseToolConfig(request: Pick<ModelRequest, 'tools' | 'toolChoice'>): ToolConfiguration | undefined {
  if (!request.tools?.length) return undefined;
  const config: ToolConfiguration = {
    tools: request.tools.map((tool) => ({ toolSpec: { name: tool.name, description: tool.description, inputSchema: { json: tool.inputSchema as DocumentValue } } })),
  };
  const choice = request.toolChoice;
  if (choice === 'auto') config.toolChoice = { auto: {} };
  else if (choice === 'any') config.toolChoice = { any: {} };
  else if (choice && typeof choice === 'object') config.toolChoice = { tool: { name: choice.tool } };
  return config;
}

/** A tool call's arguments as streamed (JSON text, possibly empty for no arguments). */
function parseToolInput(text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The model sent arguments that are not JSON: passed on as text, and the schema check says so.
    return text;
  }
}

/**
 * Our messages as Converse wants them: system text apart, `model` → `assistant`, tool
 * output as user text, and consecutive turns of one role merged, since Converse rejects
 * two user (or assistant) turns in a row.
 */
export function toConverseMessages(messages: ChatMessage[]): { system: SystemContentBlock[]; messages: Message[] } {
  const system: SystemContentBlock[] = [];
  const merged: Message[] = [];
  const documentNames = new Set<string>();
  checkMediaLimits(messages);
  for (const message of messages) {
    const blocks = contentBlocks(message.content, documentNames);
    if (blocks.length === 0) continue;
    if (message.role === 'system') {
      for (const block of blocks) {
        if (block.text !== undefined) system.push({ text: block.text });
        else if (block.cachePoint && system.length > 0) system.push(CACHE_POINT);
      }
      continue;
    }
    const role = message.role === 'model' ? 'assistant' : 'user';
    const previous = merged[merged.length - 1];
    if (previous && previous.role === role) previous.content = [...(previous.content ?? []), ...blocks];
    else merged.push({ role, content: blocks });
  }
  return { system, messages: merged };
}

function checkMediaLimits(messages: ChatMessage[]): void {
  try {
    checkMediaCounts(countMedia(messages));
  } catch (err) {
    throw new RequestShapeError((err as Error).message);
  }
}

/** Where a model family wants top-k, which Converse has no common field for. */
function placeTopK(modelId: string, topK: number, fields: Record<string, unknown>): void {
  if (/(^|[.:/])(anthropic|mistral)\./.test(modelId)) fields.top_k = topK;
  else if (/(^|[.:/])amazon\.nova/.test(modelId)) fields.inferenceConfig = { ...(fields.inferenceConfig as object | undefined), topK };
  else fields.topK = topK;
}

export function toConverseInput(request: ModelRequest): ConverseInput {
  const { system, messages } = toConverseMessages(request.messages);
  const config: GenerationConfig = request.config ?? {};
  const inferenceConfig: InferenceConfiguration = {};
  if (typeof config.temperature === 'number') inferenceConfig.temperature = config.temperature;
  if (typeof config.topP === 'number') inferenceConfig.topP = config.topP;
  if (typeof config.maxOutputTokens === 'number') inferenceConfig.maxTokens = config.maxOutputTokens;
  if (Array.isArray(config.stopSequences) && config.stopSequences.length > 0) inferenceConfig.stopSequences = config.stopSequences;
  const additional: Record<string, unknown> = {};
  if (typeof config.topK === 'number') placeTopK(request.modelId, config.topK, additional);
  // Model-specific settings (e.g. `reasoning_config`) travel as they are.
  for (const [key, value] of Object.entries(config)) if (!KNOWN_CONFIG_KEYS.has(key) && value !== undefined) additional[key] = value;
  const input: ConverseInput = { modelId: request.modelId, messages };
  if (system.length > 0) input.system = system;
  if (Object.keys(inferenceConfig).length > 0) input.inferenceConfig = inferenceConfig;
  if (Object.keys(additional).length > 0) input.additionalModelRequestFields = additional as DocumentValue;
  // The trace says which policy acted, so an intervention can be explained, not just reported.
  if (request.guardrail) input.guardrailConfig = { guardrailIdentifier: request.guardrail.id, guardrailVersion: request.guardrail.version, trace: 'enabled' };
  const toolConfig = toConverseToolConfig(request);
  if (toolConfig) input.toolConfig = toolConfig;
  // `workbench.cache: tools`: the tool definitions (a long, unchanging prefix) end with a cache point.
  if (request.cacheTools && input.toolConfig?.tools?.length) input.toolConfig.tools.push(CACHE_POINT);
  return input;
}

/** Converse's usage as our event: cache reads and writes only when the call reported them. */
function usageEvent(usage: TokenUsage): StreamEvent {
  return {
    type: 'usage',
    inputTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    ...(usage.cacheReadInputTokens ? { cacheReadInputTokens: usage.cacheReadInputTokens } : {}),
    ...(usage.cacheWriteInputTokens ? { cacheWriteInputTokens: usage.cacheWriteInputTokens } : {}),
  };
}

function isStreamingUnsupported(err: unknown): boolean {
  const { name, message } = (err ?? {}) as { name?: unknown; message?: unknown };
  return name === 'ValidationException' && typeof message === 'string' && /unsupported for streaming|(does not|doesn't) support streaming/i.test(message);
}

const ABORTED = Symbol('aborted');

const STREAM_EXCEPTION_MEMBERS = ['modelStreamErrorException', 'throttlingException', 'validationException', 'internalServerException', 'serviceUnavailableException'] as const;

/** An exception delivered as a stream member instead of thrown, as an Error named like the thrown kind. */
function streamExceptionOf(event: ConverseStreamOutput): Error | undefined {
  for (const member of STREAM_EXCEPTION_MEMBERS) {
    const exception = (event as unknown as Record<string, unknown>)[member] as { message?: unknown } | undefined;
    if (!exception) continue;
    if (exception instanceof Error) return exception;
    const error = new Error(typeof exception.message === 'string' ? exception.message : 'The model stream failed.');
    error.name = member[0].toUpperCase() + member.slice(1);
    return error;
  }
  return undefined;
}

export class BedrockProvider implements ModelProvider {
  readonly id = 'bedrock';
  private sdkAndClient?: Promise<{ sdk: typeof BedrockSdk; client: BedrockRuntimeClient }>;

  constructor(private readonly options: BedrockProviderOptions = {}) {}

  /** One client per provider: it keeps connections and resolved credentials between calls. */
  private connect(): Promise<{ sdk: typeof BedrockSdk; client: BedrockRuntimeClient }> {
    if (!this.sdkAndClient) {
      const loadSdk = this.options.loadSdk ?? (() => import('@aws-sdk/client-bedrock-runtime'));
      this.sdkAndClient = loadSdk().then((sdk) => {
        const config: BedrockRuntimeClientConfig = sdkClientConfig('bedrock-runtime', this.options);
        return { sdk, client: new sdk.BedrockRuntimeClient(config) };
      });
      // A failed load (e.g. a broken install) is retried on the next call, not cached forever.
      this.sdkAndClient.catch(() => (this.sdkAndClient = undefined));
    }
    return this.sdkAndClient;
  }

  /**
   * Checks text with a guardrail without calling a model (ApplyGuardrail): how providers other
   * than Bedrock get their input and output checked (see core/privacy/guardedProvider.ts).
   */
  async applyGuardrail(guardrail: GuardrailRef, source: GuardrailSource, texts: string[], signal?: AbortSignal): Promise<GuardrailCheck> {
    const { sdk, client } = await this.connect();
    const command = new sdk.ApplyGuardrailCommand({
      guardrailIdentifier: guardrail.id,
      guardrailVersion: guardrail.version,
      source,
      content: texts.map((text) => ({ text: { text } })),
    });
    return readApplyGuardrailResponse(await client.send(command, { abortSignal: signal }));
  }

  /** Closes the client's connections. */
  dispose(): void {
    void this.sdkAndClient?.then(({ client }) => client.destroy(), () => undefined);
    this.sdkAndClient = undefined;
  }

  private async errorContext(modelId: string, client: BedrockRuntimeClient | undefined, charactersReceived: number, guardrail?: ModelRequest['guardrail']) {
    let region = this.options.region;
    if (!region && client) region = await client.config.region().catch(() => undefined);
    const endpoint = this.options.endpoint ?? process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME ?? process.env.AWS_ENDPOINT_URL;
    return { modelId, region, profile: this.options.profile, endpoint, charactersReceived, guardrail };
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    let client: BedrockRuntimeClient | undefined;
    let text = '';
    let started = false;
    const cancelled = (): StreamEvent => ({ type: 'error', error: { kind: 'cancelled', message: `The request to ${request.modelId} was cancelled.`, code: 'AbortError' }, partial: text.length > 0 });
    if (signal.aborted) return yield cancelled();
    let input: ConverseInput;
    try {
      input = toConverseInput(request);
    } catch (err) {
      const error: ModelError = { kind: 'validation', message: err instanceof Error ? err.message : String(err), code: 'RequestShapeError' };
      return yield { type: 'error', error, partial: false };
    }
    // Aborts the HTTP request when the caller aborts, and also when the caller stops
    // iterating early (the `finally` below), so no stream is left running unread.
    const requestController = new AbortController();
    let finished = false;
    // Resolves when the caller aborts, so a stalled stream cannot keep us waiting.
    let onAbort = (): void => undefined;
    const aborted = new Promise<typeof ABORTED>((resolve) => (onAbort = () => {
      requestController.abort();
      resolve(ABORTED);
    }));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const connected = await Promise.race([this.connect(), aborted]);
      if (connected === ABORTED) return yield cancelled();
      client = connected.client;
      const { sdk } = connected;
      let response: BedrockSdk.ConverseStreamCommandOutput;
      try {
        response = await client.send(new sdk.ConverseStreamCommand(input), { abortSignal: requestController.signal });
      } catch (err) {
        if (!isStreamingUnsupported(err) || signal.aborted) throw err;
        // Some models answer only whole; ask again without streaming and yield it as one piece.
        const whole = await client.send(new sdk.ConverseCommand(input), { abortSignal: requestController.signal });
        finished = true;
        yield { type: 'start' };
        started = true;
        text = (whole.output?.message?.content ?? []).map((block) => block.text ?? '').join('');
        if (text) yield { type: 'text', text };
        for (const block of whole.output?.message?.content ?? []) {
          if (block.toolUse?.toolUseId && block.toolUse.name) yield { type: 'toolRequest', ref: block.toolUse.toolUseId, name: block.toolUse.name, input: block.toolUse.input ?? {} };
        }
        if (whole.usage) yield usageEvent(whole.usage);
        const wholeStop = whole.stopReason ?? 'end_turn';
        return yield { type: 'stop', stopReason: wholeStop, ...(request.guardrail ? { guardrail: guardrailOutcome(wholeStop, whole.trace) } : {}) };
      }
      yield { type: 'start' };
      started = true;
      let stopReason = 'end_turn';
      let trace: unknown;
      // Tool calls stream as a start (id, name), input JSON in pieces, then a stop.
      const toolBlocks = new Map<number, { ref: string; name: string; input: string }>();
      const events = response.stream?.[Symbol.asyncIterator]();
      while (events) {
        const next: IteratorResult<ConverseStreamOutput> | typeof ABORTED = await Promise.race([events.next(), aborted]);
        // The request is already aborted; do not wait for the iterator to notice.
        if (next === ABORTED) return yield cancelled();
        if (next.done) break;
        const event = next.value;
        const deltaText = event.contentBlockDelta?.delta?.text;
        if (deltaText) {
          text += deltaText;
          yield { type: 'text', text: deltaText };
        }
        const toolStart = event.contentBlockStart?.start?.toolUse;
        if (toolStart?.toolUseId && toolStart.name) toolBlocks.set(event.contentBlockStart?.contentBlockIndex ?? 0, { ref: toolStart.toolUseId, name: toolStart.name, input: '' });
        const toolDelta = event.contentBlockDelta?.delta?.toolUse?.input;
        if (toolDelta !== undefined) {
          const block = toolBlocks.get(event.contentBlockDelta?.contentBlockIndex ?? 0);
          if (block) block.input += toolDelta;
        }
        if (event.contentBlockStop) {
          const index = event.contentBlockStop.contentBlockIndex ?? 0;
          const block = toolBlocks.get(index);
          if (block) {
            toolBlocks.delete(index);
            yield { type: 'toolRequest', ref: block.ref, name: block.name, input: parseToolInput(block.input) };
          }
        }
        if (event.messageStop?.stopReason) stopReason = event.messageStop.stopReason;
        if (event.metadata?.usage) yield usageEvent(event.metadata.usage);
        if (event.metadata?.trace) trace = event.metadata.trace;
        // Exceptions inside the stream arrive as members when the SDK does not throw them.
        const streamError = streamExceptionOf(event);
        if (streamError) throw streamError;
      }
      finished = true;
      if (signal.aborted) return yield cancelled();
      yield { type: 'stop', stopReason, ...(request.guardrail ? { guardrail: guardrailOutcome(stopReason, trace) } : {}) };
    } catch (err) {
      if (signal.aborted) return yield cancelled();
      const error = describeBedrockError(err, await this.errorContext(request.modelId, client, text.length, request.guardrail));
      yield { type: 'error', error, partial: started && text.length > 0 };
    } finally {
      // Callers reuse one signal for many calls; do not pile listeners onto it.
      signal.removeEventListener('abort', onAbort);
      if (!finished) requestController.abort();
    }
  }
}
