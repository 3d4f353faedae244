/**
 * The one tool loop: send the conversation, and while the model asks for tools, check each call
 * against its definition, get it answered (a person, a saved mock, a dataset's result), and send
 * the answers back, until the model stops or the turn limit is reached. PromptRunner.run drives
 * every model call through here; a prompt without tools is one turn.
 */
import * as l10n from '@vscode/l10n';
import type { ChatMessage, ModelProvider, ModelRequest, Part, StreamEvent, ToolDefinition } from '../providers/types';
import { runModel, type ModelRunResult, type RunModelOptions } from '../runs/runModel';
import { schemaProblems } from '../util/jsonSchema';
import { matchMock, mockChoices, readToolMocks, type ToolMock } from './toolMocks';
import type { ConversationTurn, PendingToolCall, ToolAnswer, ToolCallRecord } from './types';

/** Answers a tool call; the default answers from the saved mocks. */
export type ToolAnswerer = (call: PendingToolCall) => Promise<ToolAnswer>;

export interface ConversationOptions extends RunModelOptions {
  maxTurns: number;
  /** Asked for each valid call; without it, calls are answered from the mocks (the CLI, datasets). */
  answerTool?: ToolAnswerer;
  /** Where `.prompt-workbench/tools/<name>.mocks.json` are read. */
  workspaceFolder?: string;
  /** Called once each call is answered (a panel shows it). */
  onToolCall?: (call: ToolCallRecord) => void;
}

export interface ConversationResult extends ModelRunResult {
  /** The messages this run added after the ones it was given: model turns and tool answers. */
  exchange: ChatMessage[];
  toolCalls: ToolCallRecord[];
  /** The exchange as people and records read it. */
  turns: ConversationTurn[];
  /** Sentences about what went wrong without failing the run (bad arguments, an unknown tool, the turn limit). */
  notices: string[];
  /** The text of the model's last turn (what a check with scope `lastTurn` reads). */
  lastTurnText: string;
}

/** Loads each tool's mocks once per run. */
class MockShelf {
  private readonly loaded = new Map<string, Promise<{ mocks: ToolMock[]; problem?: string }>>();
  constructor(private readonly workspaceFolder: string | undefined) {}
  get(name: string): Promise<{ mocks: ToolMock[]; problem?: string }> {
    if (!this.workspaceFolder) return Promise.resolve({ mocks: [] });
    let entry = this.loaded.get(name);
    if (!entry) this.loaded.set(name, (entry = readToolMocks(this.workspaceFolder, name)));
    return entry;
  }
}

/** Why a call cannot be made as asked: an unknown tool, or arguments that do not match its schema. */
export function checkToolCall(tools: readonly ToolDefinition[], name: string, input: unknown): { known: boolean; problem?: string } {
  const tool = tools.find((t) => t.name === name);
  if (!tool) {
    return { known: false, problem: l10n.t('The model asked for a tool called "{0}", which this prompt does not offer ({1}).', name, tools.map((t) => t.name).join(', ') || l10n.t('none')) };
  }
  const problems = schemaProblems(tool.inputSchema, input);
  return problems ? { known: true, problem: l10n.t('The arguments for "{0}" do not match its inputSchema: {1}', name, problems) } : { known: true };
}

/** The default answerer: the first matching mock; none is an error the run reports. */
export function answerFromMocks(call: PendingToolCall): Promise<ToolAnswer> {
  const mock = call.mocks.find((m) => m.matches);
  if (mock) return Promise.resolve({ result: mock.result, answeredBy: 'mock' });
  throw new NoAnswerError(l10n.t('No mock answers the call of "{0}" with {1}: add one to {2} (input null matches any call).', call.name, JSON.stringify(call.input), `.prompt-workbench/tools/${call.name}.mocks.json`));
}

/** A tool call nobody could answer: the run stops with this sentence as its error. */
export class NoAnswerError extends Error {
  override readonly name = 'NoAnswerError';
}

/** Resolves with `stop` when the signal aborts (never, otherwise). */
function stoppedBy(signal: AbortSignal): Promise<ToolAnswer> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve({ stop: true });
    else signal.addEventListener('abort', () => resolve({ stop: true }), { once: true });
  });
}

function textOf(parts: readonly Part[]): string {
  return parts.map((p) => (typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join('');
}

/** Runs the conversation from `messages` to the model's last word (or the turn limit). */
export async function runConversation(provider: ModelProvider, request: ModelRequest, options: ConversationOptions): Promise<ConversationResult> {
  const tools = request.tools ?? [];
  const shelf = new MockShelf(options.workspaceFolder);
  const messages = [...request.messages];
  const exchange: ChatMessage[] = [];
  const toolCalls: ToolCallRecord[] = [];
  const turns: ConversationTurn[] = [];
  const notices: string[] = [];
  let output = '';
  let lastTurnText = '';
  const totals = { inputTokens: null as number | null, outputTokens: null as number | null, latencyMs: 0, ttftMs: null as number | null };
  const cache = { readTokens: 0, writeTokens: 0 };
  let last: ModelRunResult | undefined;
  for (let turn = 0; turn < options.maxTurns; turn++) {
    let turnText = '';
    let separated = turn === 0 || output.length === 0;
    const onEvent = (event: StreamEvent): void => {
      if (event.type === 'text' && !separated) {
        separated = true;
        // Text of a later turn is a new paragraph of the answer, in the panel as in `output`.
        output += '\n\n';
        options.onEvent?.({ type: 'text', text: '\n\n' });
      }
      if (event.type === 'text') turnText += event.text;
      options.onEvent?.(event);
    };
    last = await runModel(provider, { ...request, messages }, { ...options, onEvent, onFirstToken: turn === 0 ? options.onFirstToken : undefined, price: undefined, cacheSavings: undefined });
    output += last.output;
    lastTurnText = turnText || last.output;
    totals.latencyMs += last.metrics.latencyMs;
    if (turn === 0) totals.ttftMs = last.metrics.ttftMs;
    if (last.metrics.inputTokens !== null) totals.inputTokens = (totals.inputTokens ?? 0) + last.metrics.inputTokens;
    if (last.metrics.outputTokens !== null) totals.outputTokens = (totals.outputTokens ?? 0) + last.metrics.outputTokens;
    cache.readTokens += last.metrics.cacheReadInputTokens ?? 0;
    cache.writeTokens += last.metrics.cacheWriteInputTokens ?? 0;
    const modelParts: Part[] = [...(last.output ? [{ text: last.output }] : []), ...last.toolRequests.map((r) => ({ toolRequest: r }))];
    if (modelParts.length > 0) {
      const message: ChatMessage = { role: 'model', content: modelParts };
      messages.push(message);
      exchange.push(message);
    }
    const requested = last.toolRequests;
    if (last.error || requested.length === 0) {
      turns.push({ role: 'model', text: last.output });
      break;
    }
    const answered: ToolCallRecord[] = [];
    const answers: Part[] = [];
    let stopped = false;
    let noAnswer: string | undefined;
    if (turn + 1 >= options.maxTurns) {
      turns.push({ role: 'model', text: last.output, toolCalls: requested.map((r) => ({ ...r, result: null, status: 'error', answeredBy: 'workbench', turn })) });
      notices.push(l10n.t('Stopped after {0} model turns (workbench.maxTurns): the model still asked for {1}.', options.maxTurns, requested.map((r) => r.name).join(', ')));
      break;
    }
    for (const request_ of requested) {
      const check = checkToolCall(tools, request_.name, request_.input);
      let record: ToolCallRecord;
      if (check.problem) {
        // The model gets the sentence as the tool's error and may try again; the run goes on.
        notices.push(check.problem);
        record = { ...request_, result: check.problem, status: 'error', answeredBy: 'workbench', turn, problem: check.problem };
      } else {
        const { mocks, problem } = await shelf.get(request_.name);
        if (problem) notices.push(problem);
        const pending: PendingToolCall = { ...request_, turn, known: check.known, mocks: mockChoices(mocks, request_.input) };
        let answer: ToolAnswer;
        try {
          // A person may take a while: stopping the run must not wait for them.
          answer = await Promise.race([(options.answerTool ?? answerFromMocks)(pending), stoppedBy(options.signal)]);
        } catch (err) {
          noAnswer = (err as Error).message;
          break;
        }
        if ('stop' in answer) {
          stopped = true;
          break;
        }
        record = { ...request_, result: answer.result, status: answer.status ?? 'success', answeredBy: answer.answeredBy, turn };
      }
      answered.push(record);
      options.onToolCall?.(record);
      answers.push({ toolResponse: { ref: record.ref, name: record.name, output: record.result, status: record.status } });
    }
    turns.push({ role: 'model', text: last.output, toolCalls: answered });
    toolCalls.push(...answered);
    if (noAnswer || stopped) {
      const error = noAnswer
        ? { kind: 'validation' as const, message: noAnswer, code: 'NoToolAnswer' }
        : { kind: 'cancelled' as const, message: l10n.t('The conversation was stopped at a tool call.'), code: 'AbortError' };
      options.onEvent?.({ type: 'error', error, partial: output.length > 0 });
      last = { ...last, error, partial: output.length > 0 };
      break;
    }
    const toolMessage: ChatMessage = { role: 'tool', content: answers };
    messages.push(toolMessage);
    exchange.push(toolMessage);
    turns.push({ role: 'tool', text: '', toolCalls: answered });
  }
  const result = last!;
  const cached = cache.readTokens > 0 || cache.writeTokens > 0;
  const savings = cached ? options.cacheSavings?.(cache) : null;
  return {
    ...result,
    output,
    exchange,
    toolCalls,
    turns,
    notices,
    lastTurnText: lastTurnText || textOf(exchange.filter((m) => m.role === 'model').at(-1)?.content ?? []),
    metrics: {
      ttftMs: totals.ttftMs,
      latencyMs: totals.latencyMs,
      inputTokens: totals.inputTokens,
      outputTokens: totals.outputTokens,
      costUsd: options.price ? options.price(totals.inputTokens, totals.outputTokens, cached ? cache : undefined) : null,
      ...(cache.readTokens > 0 ? { cacheReadInputTokens: cache.readTokens } : {}),
      ...(cache.writeTokens > 0 ? { cacheWriteInputTokens: cache.writeTokens } : {}),
      ...(typeof savings === 'number' ? { cacheSavingsUsd: savings } : {}),
    },
  };
}
