/**
 * Amazon Bedrock model invocation logs (the records model invocation logging writes to S3 and
 * CloudWatch Logs): `schemaType: "ModelInvocationLog"`, `timestamp`, `requestId`, `operation`,
 * `modelId`, `input{inputBodyJson | inputBodyS3Path, inputTokenCount}`, `output{outputBodyJson |
 * outputBodyS3Path, outputTokenCount}`. This reads one record into what a production run
 * record needs, tolerating the body shapes of Converse and of InvokeModel's model families.
 */

export const INVOCATION_LOG_SCHEMA_TYPE = 'ModelInvocationLog';

/** One served call, as read from its log record. */
export interface Invocation {
  requestId: string;
  /** ISO time of the call. */
  ts: string;
  operation: string;
  /** As logged: a model id, an inference profile, a model ARN or a prompt (version) ARN. */
  modelId: string;
  /** Set when `modelId` is a Prompt Management ARN: the prompt's ARN without version, and the version (`DRAFT` or a number). */
  prompt?: { arn: string; version: string | null };
  /** `requestMetadata` sent with the call (Converse), e.g. `{promptName, promptVersion, contentHash}`. */
  metadata: Record<string, string>;
  /** The text the caller sent (system and user turns joined), when the body was inline. */
  inputText: string | null;
  outputText: string | null;
  stopReason: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number | null;
  /** Set when the body lives at an S3 path instead of inline (large bodies). */
  bodyS3Paths: string[];
  /** The call's error, when it failed (`errorCode` in the log). */
  error: string | null;
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The text of Converse-like content blocks (`[{text}]`), a string, or Anthropic's `[{type: 'text', text}]`. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((block) => (typeof block === 'string' ? block : str(obj(block)?.text) ?? '')).filter(Boolean).join('');
}

/** A Prompt Management ARN (`arn:aws:bedrock:REGION:ACCOUNT:prompt/ID[:VERSION]`) split into prompt and version. */
export function parsePromptArn(id: string): { arn: string; version: string | null } | undefined {
  const m = /^(arn:aws[\w-]*:bedrock:[^:]*:[^:]*:prompt\/[0-9a-zA-Z]+)(?::([0-9]+|DRAFT))?$/.exec(id);
  return m ? { arn: m[1], version: m[2] ?? null } : undefined;
}

/** A logged model id as the workbench names models: ARNs of foundation models and profiles give their last part. */
export function bareModelId(modelId: string): string {
  const m = /^arn:aws[\w-]*:bedrock:[^:]*:[^:]*:(?:foundation-model|inference-profile|application-inference-profile)\/(.+)$/.exec(modelId);
  return m ? m[1] : modelId;
}

function inputTextOf(body: Json | undefined): string | null {
  if (!body) return null;
  const parts: string[] = [];
  const system = body.system;
  if (typeof system === 'string') parts.push(system);
  else if (Array.isArray(system)) parts.push(contentText(system));
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) {
      const text = contentText(obj(message)?.content);
      if (text) parts.push(text);
    }
  }
  const vars = obj(body.promptVariables);
  if (vars) for (const [name, value] of Object.entries(vars)) parts.push(`${name}: ${str(obj(value)?.text) ?? ''}`);
  // InvokeModel bodies of other families: a prompt or inputText.
  for (const key of ['prompt', 'inputText']) if (typeof body[key] === 'string') parts.push(body[key] as string);
  return parts.length ? parts.join('\n\n') : null;
}

function outputOf(body: Json | undefined): { text: string | null; stopReason: string | null; latencyMs: number | null } {
  if (!body) return { text: null, stopReason: null, latencyMs: null };
  const latencyMs = num(obj(body.metrics)?.latencyMs);
  // Converse: {output: {message: {content: [{text}]}}, stopReason, usage, metrics}
  const message = obj(obj(body.output)?.message);
  if (message) return { text: contentText(message.content), stopReason: str(body.stopReason), latencyMs };
  // Anthropic messages (InvokeModel): {content: [{type: 'text', text}], stop_reason}
  if (Array.isArray(body.content)) return { text: contentText(body.content), stopReason: str(body.stop_reason), latencyMs };
  // Titan: {results: [{outputText, completionReason}]}; Llama: {generation, stop_reason}; Mistral: {outputs: [{text, stop_reason}]}.
  const first = obj(Array.isArray(body.results) ? body.results[0] : undefined) ?? obj(Array.isArray(body.outputs) ? body.outputs[0] : undefined);
  if (first) return { text: str(first.outputText) ?? str(first.text), stopReason: str(first.completionReason) ?? str(first.stop_reason), latencyMs };
  const text = str(body.generation) ?? str(body.completion) ?? str(body.outputText);
  return { text, stopReason: str(body.stop_reason) ?? str(body.stopReason), latencyMs };
}

/** A ConverseStream log keeps the streamed events; their text deltas joined are the answer. */
function streamedOutput(body: unknown): { text: string | null; stopReason: string | null; latencyMs: number | null } | undefined {
  if (!Array.isArray(body)) return undefined;
  let text = '';
  let stopReason: string | null = null;
  let latencyMs: number | null = null;
  for (const event of body) {
    const e = obj(event) ?? {};
    const delta = obj(obj(e.contentBlockDelta)?.delta);
    if (delta && typeof delta.text === 'string') text += delta.text;
    stopReason = str(obj(e.messageStop)?.stopReason) ?? stopReason;
    latencyMs = num(obj(obj(e.metadata)?.metrics)?.latencyMs) ?? latencyMs;
  }
  return { text, stopReason, latencyMs };
}

/** One log record (parsed JSON) as an invocation, or why it is not one. */
export function readInvocation(value: unknown): { invocation?: Invocation; problem?: string } {
  const record = obj(value);
  if (!record) return { problem: 'not a JSON object' };
  if (record.schemaType !== undefined && record.schemaType !== INVOCATION_LOG_SCHEMA_TYPE) return { problem: `schemaType ${JSON.stringify(record.schemaType)} is not ${INVOCATION_LOG_SCHEMA_TYPE}` };
  const requestId = str(record.requestId);
  const modelId = str(record.modelId);
  if (!requestId) return { problem: 'no requestId' };
  if (!modelId) return { problem: 'no modelId' };
  const time = str(record.timestamp);
  const ts = time && !Number.isNaN(Date.parse(time)) ? new Date(time).toISOString() : null;
  if (!ts) return { problem: 'no valid timestamp' };
  const input = obj(record.input) ?? {};
  const output = obj(record.output) ?? {};
  const inputBody = obj(input.inputBodyJson);
  const out = streamedOutput(output.outputBodyJson) ?? outputOf(obj(output.outputBodyJson));
  const usage = obj(obj(output.outputBodyJson)?.usage);
  const metadata: Record<string, string> = {};
  for (const source of [obj(inputBody?.requestMetadata), obj(record.requestMetadata)]) {
    for (const [key, val] of Object.entries(source ?? {})) if (typeof val === 'string') metadata[key] = val;
  }
  const bodyS3Paths = [str(input.inputBodyS3Path), str(output.outputBodyS3Path)].filter((p): p is string => !!p);
  return {
    invocation: {
      requestId,
      ts,
      operation: str(record.operation) ?? 'unknown',
      modelId,
      ...(parsePromptArn(modelId) ? { prompt: parsePromptArn(modelId) } : {}),
      metadata,
      inputText: inputTextOf(inputBody),
      outputText: out.text,
      stopReason: out.stopReason,
      inputTokens: num(input.inputTokenCount) ?? num(usage?.inputTokens),
      outputTokens: num(output.outputTokenCount) ?? num(usage?.outputTokens),
      latencyMs: out.latencyMs,
      bodyS3Paths,
      error: str(record.errorCode) ?? str(obj(record.error)?.message) ?? null,
    },
  };
}

/**
 * The JSON values of one log line: a record, or a CloudWatch Logs export line / subscription
 * payload that wraps records in `logEvents[].message`.
 */
export function recordsOfLine(value: unknown): unknown[] {
  const o = obj(value);
  if (o && Array.isArray(o.logEvents)) {
    return o.logEvents.map((event) => {
      const message = obj(event)?.message;
      if (typeof message !== 'string') return event;
      try {
        return JSON.parse(message) as unknown;
      } catch {
        return { __torn: message.slice(0, 80) };
      }
    });
  }
  if (o && typeof o.message === 'string' && o.requestId === undefined) {
    try {
      return [JSON.parse(o.message) as unknown];
    } catch {
      return [value];
    }
  }
  return [value];
}
