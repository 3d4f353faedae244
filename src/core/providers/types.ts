/**
 * The one interface every model provider implements: a request in, an async stream of
 * events out, cancellable with an AbortSignal. Providers never throw for a failed model
 * call once the stream has started; they end the stream with an `error` event so that a
 * caller comparing several models can keep the others going.
 */

export type Role = 'system' | 'user' | 'model' | 'tool';

export interface TextPart { text: string }
/** An image or document: a `data:` URL (what rendering produces from a workspace file) or a workspace path. */
export interface MediaPart { media: { url: string; contentType?: string; name?: string } }
/** A model's request to call a tool (in a `model` message). */
export interface ToolRequestPart { toolRequest: { ref: string; name: string; input: unknown } }
/** The answer to a tool call (in a `tool` message); `status: 'error'` when the tool failed. */
export interface ToolResponsePart { toolResponse: { ref: string; name: string; output: unknown; status?: 'success' | 'error' } }
/** Bedrock prompt caching: everything before this point is cached (`{{cachePoint}}`, `workbench.cache`). */
export interface CachePointPart { cachePoint: { type: 'default' } }
export type Part = TextPart | MediaPart | ToolRequestPart | ToolResponsePart | CachePointPart | Record<string, unknown>;

/** A tool the model may call: dotprompt `tools:` names resolved to a definition with a JSON Schema. */
export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** Which tool the model must use: any it likes (`auto`), at least one (`any`), or this one. */
export type ToolChoice = 'auto' | 'any' | { tool: string };

export interface ChatMessage {
  role: Role;
  content: Part[];
}

/** Generation settings, named as dotprompt names them. */
export interface GenerationConfig {
  temperature?: number;
  maxOutputTokens?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  [extra: string]: unknown;
}

export interface ModelRequest {
  /** Model id without the provider prefix, e.g. `anthropic.claude-3-5-haiku-20241022-v1:0`. */
  modelId: string;
  messages: ChatMessage[];
  config: GenerationConfig;
  /** An Amazon Bedrock guardrail to apply (ignored by other providers). */
  guardrail?: GuardrailRef;
  /** Tools the model may call, and how it must choose. */
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** Bedrock prompt caching of the tool definitions (`workbench.cache: tools`): a cache point after them. */
  cacheTools?: boolean;
}

/** A Bedrock guardrail by id (or ARN) and version (`"1"`, `"DRAFT"`). */
export interface GuardrailRef {
  id: string;
  version: string;
}

/** What a guardrail did to one call, when one was applied. */
export interface GuardrailOutcome {
  intervened: boolean;
  /** Where it stepped in, when the trace says. */
  stage?: 'input' | 'output';
  /** Plain words for each policy that acted, e.g. `content filter VIOLENCE (HIGH)`. */
  reasons: string[];
}

export type ErrorKind =
  | 'credentials'
  | 'region'
  | 'access-denied'
  | 'throttled'
  | 'validation'
  | 'not-found'
  | 'timeout'
  | 'unavailable'
  | 'network'
  | 'stream-broken'
  | 'cancelled'
  | 'unknown';

/** A failure written for the person who will read it: what happened, and what to do. */
export interface ModelError {
  kind: ErrorKind;
  message: string;
  /** The provider's own error name, e.g. `ThrottlingException`, for the logs. */
  code?: string;
}

export type StreamEvent =
  | { type: 'start' }
  | { type: 'text'; text: string }
  | { type: 'usage'; inputTokens: number; outputTokens: number; cacheReadInputTokens?: number; cacheWriteInputTokens?: number }
  /** The model asks for a tool call (complete: the arguments are parsed JSON). */
  | { type: 'toolRequest'; ref: string; name: string; input: unknown }
  | { type: 'stop'; stopReason: string; guardrail?: GuardrailOutcome }
  | { type: 'error'; error: ModelError; partial: boolean };

export interface ModelProvider {
  /** The prefix in `provider/modelId`, e.g. `bedrock`. */
  readonly id: string;
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
}
