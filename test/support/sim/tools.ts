/**
 * Tool use and simulated users in the local Bedrock simulator (Converse and ConverseStream).
 *
 * - A request with `toolConfig` talks to a scripted tool-using model: when the conversation has
 *   no tool result yet (or the last user text names a tool), it calls a tool (the one
 *   `toolChoice` names, else one whose name the user text mentions, else the first) with
 *   arguments drawn from the last user text (`city: Paris` or the word after "in"/"for"; the
 *   first number for number fields), and stops with `tool_use`; after a tool result it answers
 *   in text from that result. A user text with "unknown tool" makes it call `no_such_tool`;
 *   one with "bad args" makes it send arguments that break the schema (numbers for strings,
 *   required fields left out).
 * - Like Bedrock, it refuses (400 ValidationException) a conversation with toolUse/toolResult
 *   blocks but no `toolConfig`, and a toolUse not answered by a toolResult in the next message.
 * - A system prompt with "role-playing a user" is a simulated user: its first turn states the
 *   goal named after "Goal:", its next says it is satisfied and ends with DONE.
 */
import { randomUUID } from 'node:crypto';
import { estimateTokens, splitIntoPieces } from '../bedrockAnswers';
import { encodeEventFrame } from '../eventStream';
import type { SimulatorError, SimulatorExtension, SimulatorExtensionFactory, SimulatorRequest } from './extensions';

interface Block {
  text?: string;
  toolUse?: { toolUseId?: string; name?: string; input?: unknown };
  toolResult?: { toolUseId?: string; content?: { text?: string; json?: unknown }[]; status?: string };
}
interface Message {
  role?: string;
  content?: Block[];
}
interface ToolSpec {
  toolSpec?: { name?: string; description?: string; inputSchema?: { json?: { properties?: Record<string, { type?: string }>; required?: string[] } } };
}
interface Body {
  messages?: Message[];
  system?: { text?: string }[];
  toolConfig?: { tools?: ToolSpec[]; toolChoice?: { tool?: { name?: string }; any?: object; auto?: object } };
}

type Answer = { text: string; toolUse?: { toolUseId: string; name: string; input: Record<string, unknown> }; stopReason: string };

const textOf = (blocks: Block[] | undefined): string => (blocks ?? []).map((b) => b.text ?? '').join('');

/** Bedrock's own rules on tool blocks, as the simulator checks them. */
export function toolRuleViolation(body: Body): SimulatorError | undefined {
  const messages = body.messages ?? [];
  const usesTools = messages.some((m) => (m.content ?? []).some((b) => b.toolUse || b.toolResult));
  if (usesTools && !body.toolConfig) {
    return { status: 400, type: 'ValidationException', message: 'The toolConfig field must be defined when using toolUse and toolResult content blocks.' };
  }
  for (let i = 0; i < messages.length; i++) {
    const ids = (messages[i].content ?? []).flatMap((b) => (b.toolUse?.toolUseId ? [b.toolUse.toolUseId] : []));
    if (ids.length === 0) continue;
    const answered = new Set((messages[i + 1]?.content ?? []).flatMap((b) => (b.toolResult?.toolUseId ? [b.toolResult.toolUseId] : [])));
    const missing = ids.filter((id) => !answered.has(id));
    if (missing.length > 0 && i + 1 < messages.length) {
      return { status: 400, type: 'ValidationException', message: `Expected toolResult blocks at messages.${i + 1}.content for the following Ids: ${missing.join(', ')}` };
    }
  }
  return undefined;
}

/** An argument value for `property`, drawn from the user's text. */
function argumentFrom(text: string, property: string, type: string | undefined): unknown {
  if (type === 'number' || type === 'integer') {
    const number = /-?\d+(\.\d+)?/.exec(text);
    return number ? Number(number[0]) : 1;
  }
  const named = new RegExp(`${property}\\s*[:=]\\s*"?([^",\\n?.!]+)`, 'i').exec(text);
  if (named) return named[1].trim();
  const after = /\b(?:in|for|about|of)\s+([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)/.exec(text) ?? /\b(?:in|for|about|of)\s+([\w-]+)/i.exec(text);
  if (after) return after[1];
  const words = text.match(/[\w-]+/g) ?? ['something'];
  return words[words.length - 1];
}

function toolAnswer(modelId: string, body: Body): Answer {
  const messages = body.messages ?? [];
  const tools = (body.toolConfig?.tools ?? []).map((t) => t.toolSpec).filter((t): t is NonNullable<ToolSpec['toolSpec']> => Boolean(t?.name));
  const last = messages[messages.length - 1];
  const results = (last?.content ?? []).filter((b) => b.toolResult);
  const lastUserText = [...messages].reverse().map((m) => (m.role === 'user' ? textOf(m.content) : '')).find((t) => t.trim()) ?? '';
  const sawResult = messages.some((m) => (m.content ?? []).some((b) => b.toolResult));
  const named = tools.find((t) => lastUserText.toLowerCase().includes(t.name!.toLowerCase()));
  const signature = `_Answered by ${modelId} (local Bedrock simulator)._`;
  if (results.length > 0) {
    const said = results
      .map((b) => (b.toolResult!.content ?? []).map((c) => c.text ?? JSON.stringify(c.json)).join(' '))
      .join('; ');
    const failed = results.some((b) => b.toolResult!.status === 'error');
    return { text: `${failed ? 'The tool reported a problem: ' : 'From the tool result: '}${said}\n\n${signature}`, stopReason: 'end_turn' };
  }
  if (tools.length === 0 || (sawResult && !named)) return { text: `You said: ${lastUserText.trim()}\n\n${signature}`, stopReason: 'end_turn' };
  const forced = body.toolConfig?.toolChoice?.tool?.name;
  const tool = tools.find((t) => t.name === forced) ?? named ?? tools[0];
  const schema = tool.inputSchema?.json ?? {};
  const input: Record<string, unknown> = {};
  if (/bad args/i.test(lastUserText)) {
    // Numbers where strings belong, and required fields left out.
    for (const [property, spec] of Object.entries(schema.properties ?? {})) if (spec.type === 'string' && !(schema.required ?? []).includes(property)) input[property] = 42;
    const firstRequired = (schema.required ?? [])[0];
    if (firstRequired && schema.properties?.[firstRequired]?.type === 'string') input[firstRequired] = 42;
  } else {
    for (const [property, spec] of Object.entries(schema.properties ?? {})) {
      if ((schema.required ?? []).includes(property) || Object.keys(input).length === 0) input[property] = argumentFrom(lastUserText, property, spec.type);
    }
  }
  const name = /unknown tool/i.test(lastUserText) ? 'no_such_tool' : tool.name!;
  return { text: `Let me call ${name}.`, toolUse: { toolUseId: `tooluse_${randomUUID().slice(0, 12)}`, name, input }, stopReason: 'tool_use' };
}

function simulatedUserAnswer(body: Body): Answer | undefined {
  const system = (body.system ?? []).map((b) => b.text ?? '').join('\n');
  if (!/role-playing a user/i.test(system)) return undefined;
  const goal = /Goal:\s*(.+)/i.exec(system)?.[1]?.trim() ?? 'get help';
  // The prompt's answers reach the simulated user as user turns; it has spoken once per assistant turn.
  const spoken = (body.messages ?? []).filter((m) => m.role === 'assistant').length;
  return spoken === 0 ? { text: `Hello, I need help: ${goal}`, stopReason: 'end_turn' } : { text: 'Thank you, that solves it. DONE', stopReason: 'end_turn' };
}

function frames(answer: Answer, inputTokens: number): Uint8Array[] {
  const out = [encodeEventFrame('messageStart', { role: 'assistant' })];
  const pieces = splitIntoPieces(answer.text);
  for (const piece of pieces) out.push(encodeEventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: piece } }));
  out.push(encodeEventFrame('contentBlockStop', { contentBlockIndex: 0 }));
  if (answer.toolUse) {
    const json = JSON.stringify(answer.toolUse.input);
    const half = Math.ceil(json.length / 2);
    out.push(encodeEventFrame('contentBlockStart', { contentBlockIndex: 1, start: { toolUse: { toolUseId: answer.toolUse.toolUseId, name: answer.toolUse.name } } }));
    // The arguments arrive in two pieces, as Bedrock splits them.
    for (const part of [json.slice(0, half), json.slice(half)]) out.push(encodeEventFrame('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: part } } }));
    out.push(encodeEventFrame('contentBlockStop', { contentBlockIndex: 1 }));
  }
  const outputTokens = pieces.length + (answer.toolUse ? 10 : 0);
  out.push(encodeEventFrame('messageStop', { stopReason: answer.stopReason }));
  out.push(encodeEventFrame('metadata', { usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }, metrics: { latencyMs: 5 } }));
  return out;
}

function allText(body: Body): string {
  return [...(body.system ?? []).map((b) => b.text ?? ''), ...(body.messages ?? []).map((m) => textOf(m.content))].join('\n');
}

export const toolsSimulator: SimulatorExtensionFactory = (services): SimulatorExtension => ({
  route(request: SimulatorRequest): boolean {
    const { segments, body: raw } = request;
    if (request.method !== 'POST' || segments.length !== 3 || segments[0] !== 'model') return false;
    const operation = segments[2];
    if (operation !== 'converse' && operation !== 'converse-stream') return false;
    const body = raw as Body;
    const userAnswer = simulatedUserAnswer(body);
    const usesTools = Boolean(body.toolConfig) || (body.messages ?? []).some((m) => (m.content ?? []).some((b) => b.toolUse || b.toolResult));
    if (!userAnswer && !usesTools) return false;
    const modelId = decodeURIComponent(segments[1]);
    request.setModelId(modelId);
    const violation = toolRuleViolation(body);
    if (violation) {
      services.log(`tools: ${violation.message}`);
      request.sendError(violation);
      return true;
    }
    const answer = userAnswer ?? toolAnswer(modelId, body);
    const inputTokens = estimateTokens(allText(body));
    if (operation === 'converse-stream') {
      request.sendEventStream(frames(answer, inputTokens));
    } else {
      const content: Block[] = [{ text: answer.text }, ...(answer.toolUse ? [{ toolUse: answer.toolUse }] : [])];
      const outputTokens = splitIntoPieces(answer.text).length;
      request.sendJson(200, { output: { message: { role: 'assistant', content } }, stopReason: answer.stopReason, usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }, metrics: { latencyMs: 5 } });
    }
    return true;
  },
});
