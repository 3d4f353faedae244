/**
 * Improve Prompt in the simulator:
 *  - `OptimizePrompt` (POST /optimize-prompt, Agents runtime): an event stream of two
 *    `analyzePromptEvent` messages, then the `optimizedPromptEvent` with one scripted change,
 *    NEXT_STEP_INSTRUCTION put before the first line of text (after a leading `{{pw_…}}`
 *    placeholder). Scripted failures by target model id: `sim-throttle`, `sim-denied`,
 *    `sim-unsupported`.
 *  - an improver model (`sim-improver` in the id) for the "from your failures" source: asked
 *    for N rewrites of the `<prompt>`, it answers (ConverseStream) with N `<candidate>` blocks in a
 *    fixed order: the next-step instruction (which fixes the sample's failing checks), a
 *    rewrite that drops the first input variable (to be rejected), and a "Be brief." rewrite
 *    (no better).
 * The sample prompts/support-reply.prompt fails its dataset's `contains: next step` checks,
 * because the simulator's answers quote the start of the system text, and passes them once
 * the instruction is there.
 */
import { estimateTokens, readConversation, type ConverseBody } from '../bedrockAnswers';
import { encodeEventFrame, encodeExceptionFrame } from '../eventStream';
import type { SimulatorExtensionFactory, SimulatorRequest } from './extensions';

export const NEXT_STEP_INSTRUCTION = 'Always state the next step.';

/** The scripted change: the instruction before the first text, after leading placeholders. */
export function withNextStep(text: string): string {
  const lead = /^(\s*(?:\{\{\s*pw_[\w]+\s*\}\}\s*)*)/.exec(text)?.[1] ?? '';
  return `${lead}${NEXT_STEP_INSTRUCTION} ${text.slice(lead.length)}`;
}

function improverAnswer(request: string): string {
  const plain = /<prompt>\n?([\s\S]*?)\n?<\/prompt>/.exec(request)?.[1] ?? '';
  const count = Number(/Propose (\d+) different rewrites/.exec(request)?.[1] ?? 3);
  const firstVariable = [...plain.matchAll(/\{\{\s*(?!pw_)([A-Za-z_]\w*)\s*\}\}/g)][0]?.[0];
  const proposals = [
    { reasoning: 'The answers never say what happens next; the checks ask for the next step.', prompt: withNextStep(plain) },
    { reasoning: 'A shorter prompt without the customer message.', prompt: firstVariable ? plain.replace(firstVariable, '') : plain },
    { reasoning: 'Shorter answers read better.', prompt: `${plain.trimEnd()}\nBe brief.` },
  ];
  const blocks = Array.from({ length: count }, (_, i) => proposals[i % proposals.length]).map(
    (p) => `<candidate>\n<reasoning>${p.reasoning}</reasoning>\n<prompt>\n${p.prompt}\n</prompt>\n</candidate>`,
  );
  return `Here are ${count} rewrites.\n\n${blocks.join('\n')}`;
}

async function optimize(request: SimulatorRequest): Promise<void> {
  const target = String(request.body.targetModelId ?? '');
  const text = (request.body.input as { textPrompt?: { text?: unknown } } | undefined)?.textPrompt?.text;
  request.setModelId(target);
  if (typeof text !== 'string' || !text.trim()) return request.sendError({ status: 400, type: 'ValidationException', message: '1 validation error detected: Value at input.textPrompt.text failed to satisfy constraint: Member must not be null' });
  if (target.includes('sim-denied')) return request.sendError({ status: 403, type: 'AccessDeniedException', message: 'You are not authorized to perform: bedrock:OptimizePrompt' });
  if (target.includes('sim-unsupported')) return request.sendError({ status: 400, type: 'ValidationException', message: `The provided model ${target} is not supported for prompt optimization.` });
  const frames = [
    encodeEventFrame('analyzePromptEvent', { message: 'The prompt says what to answer but not how to end the reply.' }),
    encodeEventFrame('analyzePromptEvent', { message: 'Adding an explicit instruction to state the next step.' }),
  ];
  if (target.includes('sim-throttle')) frames.push(encodeExceptionFrame('throttlingException', 'Rate exceeded for OptimizePrompt.'));
  else frames.push(encodeEventFrame('optimizedPromptEvent', { optimizedPrompt: { textPrompt: { text: withNextStep(text) } } }));
  await request.sendEventStream(frames, { delayMs: 30 });
}

async function improver(request: SimulatorRequest, modelId: string): Promise<void> {
  request.setModelId(modelId);
  const conversation = readConversation(request.body as ConverseBody);
  const answer = improverAnswer(conversation.lastUserText);
  const inputTokens = estimateTokens(conversation.allText);
  const outputTokens = estimateTokens(answer);
  await request.sendEventStream(
    [
      encodeEventFrame('messageStart', { role: 'assistant' }),
      encodeEventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: answer } }),
      encodeEventFrame('contentBlockStop', { contentBlockIndex: 0 }),
      encodeEventFrame('messageStop', { stopReason: 'end_turn' }),
      encodeEventFrame('metadata', { usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }, metrics: { latencyMs: 20 } }),
    ],
    { delayMs: 5 },
  );
}

export const optimizePromptSimulator: SimulatorExtensionFactory = () => ({
  async route(request) {
    if (request.method !== 'POST') return false;
    if (request.segments.length === 1 && request.segments[0] === 'optimize-prompt') {
      await optimize(request);
      return true;
    }
    if (request.segments.length === 3 && request.segments[0] === 'model' && request.segments[2] === 'converse-stream') {
      const modelId = decodeURIComponent(request.segments[1]);
      if (!modelId.includes('sim-improver')) return false;
      await improver(request, modelId);
      return true;
    }
    return false;
  },
});
