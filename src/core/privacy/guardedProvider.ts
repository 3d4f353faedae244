/**
 * Guards any provider with the local deny-list and, for providers other than Amazon Bedrock
 * (whose Converse call applies the guardrail itself), with a Bedrock guardrail through
 * ApplyGuardrail: the input is checked before the model is called, the output before it is
 * shown. An output check needs the whole answer, so a guarded call delivers its text at the end;
 * a call that ends early (error, Stop) has its partial text checked the same way first.
 */
import { describeBedrockError } from '../providers/bedrockErrors';
import { GUARDRAIL_INTERVENED } from '../providers/bedrockGuardrail';
import type { ChatMessage, GuardrailOutcome, GuardrailRef, ModelError, ModelProvider, ModelRequest, StreamEvent } from '../providers/types';
import type { GuardrailCheck, GuardrailChecker, GuardrailSource } from './applyGuardrail';
import { denyListReasons, type DenyFilter } from './denyList';

/** How local filters appear in run records' `guardrail` field when no Bedrock guardrail is set. */
export const LOCAL_FILTER_REF: GuardrailRef = { id: 'local-deny-list', version: 'settings' };

export const LOCAL_BLOCKED_MESSAGE = 'This request was blocked by the workspace deny-list (promptWorkbench.filters.deny).';
export const GUARDRAIL_DEFAULT_MESSAGE = 'Sorry, the model cannot answer this question.';
export const PARTIAL_WITHHELD_DENY = 'The partial answer was withheld: it matched the workspace deny-list (promptWorkbench.filters.deny).';
export const PARTIAL_WITHHELD_UNCHECKED = 'The partial answer was withheld: the guardrail could not check it.';
/** How long the guardrail may take to check a partial answer after an error or Stop. */
const PARTIAL_CHECK_MS = 15_000;

export interface GuardOptions {
  deny: readonly DenyFilter[];
  /** A Bedrock guardrail to apply with ApplyGuardrail (ignored for Bedrock itself, which applies it in Converse). */
  guardrail?: GuardrailRef;
  /** Calls ApplyGuardrail; undefined when Bedrock is not available. */
  checker?: GuardrailChecker;
}

/** The provider itself when nothing guards it. */
export function guardProvider(inner: ModelProvider, options: GuardOptions): ModelProvider {
  const remote = inner.id !== 'bedrock' && options.guardrail ? options.guardrail : undefined;
  if (!options.deny.length && !remote) return inner;
  return new GuardedProvider(inner, options.deny, remote, options.checker);
}

const textsOf = (messages: ChatMessage[]): string[] =>
  messages.flatMap((m) => m.content.map((p) => (p as { text?: unknown }).text).filter((t): t is string => typeof t === 'string' && t.length > 0));

class GuardedProvider implements ModelProvider {
  constructor(
    private readonly inner: ModelProvider,
    private readonly deny: readonly DenyFilter[],
    private readonly guardrail: GuardrailRef | undefined,
    private readonly checker: GuardrailChecker | undefined,
  ) {}

  get id(): string {
    return this.inner.id;
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const inputTexts = textsOf(request.messages);
    const deniedInput = denyListReasons(inputTexts.join('\n'), this.deny);
    if (deniedInput.length) return yield* intervention(LOCAL_BLOCKED_MESSAGE, { intervened: true, stage: 'input', reasons: deniedInput });

    let messages = request.messages;
    const inputCheck = await this.check('INPUT', inputTexts, signal);
    if ('error' in inputCheck) return yield { type: 'error', error: inputCheck.error, partial: false };
    if (inputCheck.check?.blocked) return yield* intervention(inputCheck.check.outputs.join('\n') || GUARDRAIL_DEFAULT_MESSAGE, outcomeOf(inputCheck.check, 'input'));
    if (inputCheck.check?.masked && inputCheck.check.outputs.length === inputTexts.length) messages = replaceTexts(messages, inputCheck.check.outputs);
    const inputMasked = inputCheck.check?.masked ? outcomeOf(inputCheck.check, 'input') : undefined;

    let text = '';
    for await (const event of this.inner.stream({ ...request, messages }, signal)) {
      if (event.type === 'text') {
        text += event.text;
        continue;
      }
      if (event.type === 'error') {
        // An error or Stop part way: the partial text is checked like a whole answer before any of it is shown or recorded.
        if (text) yield* this.releasePartial(text);
        return yield event;
      }
      if (event.type !== 'stop') {
        yield event;
        continue;
      }
      const deniedOutput = denyListReasons(text, this.deny);
      if (deniedOutput.length) {
        yield { type: 'text', text: 'The answer was withheld: it matched the workspace deny-list (promptWorkbench.filters.deny).' };
        return yield { type: 'stop', stopReason: GUARDRAIL_INTERVENED, guardrail: merge(event.guardrail, { intervened: true, stage: 'output', reasons: deniedOutput }) };
      }
      const outputCheck = await this.check('OUTPUT', [text], signal);
      if ('error' in outputCheck) return yield { type: 'error', error: outputCheck.error, partial: false };
      const check = outputCheck.check;
      if (check?.blocked) {
        yield { type: 'text', text: check.outputs.join('\n') || GUARDRAIL_DEFAULT_MESSAGE };
        return yield { type: 'stop', stopReason: GUARDRAIL_INTERVENED, guardrail: outcomeOf(check, 'output') };
      }
      const shown = check?.masked && check.outputs.length ? check.outputs.join('\n') : text;
      if (shown) yield { type: 'text', text: shown };
      const outcome = check?.masked ? outcomeOf(check, 'output') : inputMasked ?? (this.guardrail ? { intervened: false, reasons: [] } : event.guardrail);
      return yield { ...event, ...(outcome ? { guardrail: outcome } : {}) };
    }
  }

  /**
   * The text of a call that ended early (error or Stop), after the same checks as a whole
   * answer: withheld when it trips the deny-list or the guardrail blocks it (or cannot check
   * it), masked when the guardrail masks. The check gets its own time limit, since Stop has
   * already aborted the call's signal.
   */
  private async *releasePartial(text: string): AsyncIterable<StreamEvent> {
    if (denyListReasons(text, this.deny).length) return yield { type: 'text', text: PARTIAL_WITHHELD_DENY };
    const outputCheck = await this.check('OUTPUT', [text], AbortSignal.timeout(PARTIAL_CHECK_MS));
    if ('error' in outputCheck) return yield { type: 'text', text: PARTIAL_WITHHELD_UNCHECKED };
    const check = outputCheck.check;
    if (check?.blocked) return yield { type: 'text', text: check.outputs.join('\n') || GUARDRAIL_DEFAULT_MESSAGE };
    yield { type: 'text', text: check?.masked && check.outputs.length ? check.outputs.join('\n') : text };
  }

  /** ApplyGuardrail, when a guardrail applies here; its failure becomes the call's error. */
  private async check(source: GuardrailSource, texts: string[], signal: AbortSignal): Promise<{ check?: GuardrailCheck } | { error: ModelError }> {
    if (!this.guardrail || texts.length === 0) return {};
    if (!this.checker) {
      return { error: { kind: 'validation', message: `The guardrail ${this.guardrail.id} is checked with Amazon Bedrock's ApplyGuardrail, and Bedrock is not available. Configure Bedrock credentials, or remove the guardrail from the prompt or settings.` } };
    }
    try {
      return { check: await this.checker.applyGuardrail(this.guardrail, source, texts, signal) };
    } catch (err) {
      return { error: describeBedrockError(err, { modelId: `guardrail ${this.guardrail.id}`, guardrail: this.guardrail }) };
    }
  }
}

function* intervention(message: string, outcome: GuardrailOutcome): Iterable<StreamEvent> {
  yield { type: 'start' };
  yield { type: 'text', text: message };
  yield { type: 'stop', stopReason: GUARDRAIL_INTERVENED, guardrail: outcome };
}

function outcomeOf(check: GuardrailCheck, stage: 'input' | 'output'): GuardrailOutcome {
  const reasons = check.reasons.length ? check.reasons : [check.blocked ? 'blocked' : 'masked'];
  return { intervened: true, stage, reasons: check.masked ? reasons.map((r) => (r.includes('(anonymized)') ? r : `${r} (masked)`)) : reasons };
}

function merge(previous: GuardrailOutcome | undefined, next: GuardrailOutcome): GuardrailOutcome {
  return previous ? { intervened: true, stage: previous.stage ?? next.stage, reasons: [...previous.reasons, ...next.reasons] } : next;
}

/** The same messages with their text parts replaced in order (the guardrail's masked versions). */
function replaceTexts(messages: ChatMessage[], texts: string[]): ChatMessage[] {
  let i = 0;
  return messages.map((m) => ({
    ...m,
    content: m.content.map((p) => (typeof (p as { text?: unknown }).text === 'string' && (p as { text: string }).text.length > 0 ? { ...p, text: texts[i++] } : p)),
  }));
}
