/**
 * "From your failures": a judge model reads the prompt, its rubric and a sample of the cases
 * it failed or scored low on (inputs, answers, check results, comments), and proposes N
 * rewrites, each with its reasoning. The call goes through the providers like every model
 * call (runModel); the prompt's text travels as plain `{{variable}}` text (plainText.ts).
 */
import * as l10n from '@vscode/l10n';
import type { ModelCatalog } from '../catalog/modelCatalog';
import type { CheckOutcome } from '../datasets/checkSpecs';
import { parseModelId } from '../providers/modelId';
import type { ProviderRegistry } from '../providers/providerRegistry';
import type { ChatMessage } from '../providers/types';
import { runModel } from '../runs/runModel';

/** One case the current version did badly on. */
export interface FailureSample {
  caseId: string;
  model: string;
  inputs: Record<string, unknown>;
  output: string;
  checks: CheckOutcome[];
  /** Raters' comments on the answer, when there are any. */
  comments?: string[];
  error?: string;
}

export interface Proposal {
  reasoning: string;
  /** The rewritten plain text. */
  text: string;
}

export const DEFAULT_CANDIDATES = 3;
const MAX_SAMPLES = 8;
const MAX_FIELD = 1500;

const clip = (text: string, max = MAX_FIELD) => (text.length > max ? `${text.slice(0, max)}\n…(cut)` : text);

/** Failing cases first (most checks failed), then low judge scores; at most `max`, one per case. */
export function pickFailures(samples: readonly FailureSample[], max = MAX_SAMPLES): FailureSample[] {
  const score = (s: FailureSample) => {
    const failed = s.checks.filter((c) => !c.pass).length + (s.error ? 1 : 0);
    const judged = s.checks.filter((c) => typeof c.score === 'number').map((c) => c.score as number);
    const low = judged.length ? 1 - Math.min(...judged) : 0;
    return failed * 2 + low + (s.comments?.length ? 0.5 : 0);
  };
  const bad = samples.filter((s) => score(s) > 0).sort((a, b) => score(b) - score(a));
  const seen = new Set<string>();
  const picked: FailureSample[] = [];
  for (const s of bad) {
    if (seen.has(s.caseId)) continue;
    seen.add(s.caseId);
    picked.push(s);
    if (picked.length >= max) break;
  }
  return picked;
}

/** The improver's instructions and the evidence, asking for `count` rewrites in tagged blocks. */
export function improverMessages(request: { plain: string; rubric: string; failures: readonly FailureSample[]; count: number }): ChatMessage[] {
  const cases = request.failures.map((f, i) => {
    const inputs = Object.entries(f.inputs)
      .map(([k, v]) => `${k}: ${clip(typeof v === 'string' ? v : JSON.stringify(v))}`)
      .join('\n');
    const checks = f.checks.map((c) => `${c.pass ? 'PASS' : 'FAIL'} ${c.check}: ${c.detail}`).join('\n');
    return [
      `<case n="${i + 1}" id="${f.caseId}" model="${f.model}">`,
      `<inputs>\n${inputs}\n</inputs>`,
      `<answer>\n${clip(f.output || '(no answer)')}\n</answer>`,
      checks ? `<checks>\n${checks}\n</checks>` : '',
      f.comments?.length ? `<comments>\n${f.comments.join('\n')}\n</comments>` : '',
      f.error ? `<error>${f.error}</error>` : '',
      '</case>',
    ]
      .filter(Boolean)
      .join('\n');
  });
  const user = [
    `<prompt>\n${request.plain}\n</prompt>`,
    request.rubric.trim() ? `<rubric>\n${request.rubric.trim()}\n</rubric>` : '',
    `<failures>\n${cases.join('\n') || '(no failing case was recorded)'}\n</failures>`,
    `Propose ${request.count} different rewrites of the prompt that would make these cases pass without breaking the others. ` +
      'Keep every {{variable}} exactly as written (names in double braces are filled in later; pw_… names stand for structure that must stay). ' +
      `Answer with ${request.count} blocks and nothing else, each:\n<candidate>\n<reasoning>one or two sentences: what fails and what the change fixes</reasoning>\n<prompt>the whole rewritten prompt</prompt>\n</candidate>`,
  ]
    .filter(Boolean)
    .join('\n\n');
  return [
    { role: 'system', content: [{ text: 'You improve prompts for language models from evidence: the cases a prompt failed. You change as little as needed, and you never remove an input variable.' }] },
    { role: 'user', content: [{ text: user }] },
  ];
}

/** The rewrites in an improver's answer: `<candidate>` blocks with `<reasoning>` and `<prompt>`. */
export function parseProposals(answer: string): Proposal[] {
  const proposals: Proposal[] = [];
  for (const m of answer.matchAll(/<candidate>([\s\S]*?)(?:<\/candidate>|$)/g)) {
    const block = m[1];
    const prompt = /<prompt>\n?([\s\S]*?)\n?<\/prompt>/.exec(block)?.[1];
    if (!prompt?.trim()) continue;
    const reasoning = /<reasoning>([\s\S]*?)<\/reasoning>/.exec(block)?.[1]?.replace(/\s+/g, ' ').trim() ?? '';
    proposals.push({ reasoning, text: prompt });
  }
  return proposals;
}

export interface ProposeOptions {
  providers: ProviderRegistry;
  catalog: ModelCatalog;
  judgeModel: string;
  plain: string;
  rubric: string;
  failures: readonly FailureSample[];
  count: number;
  signal: AbortSignal;
}

/** Asks the judge model for rewrites; throws with a sentence when the call fails or proposes nothing. */
export async function proposeFromFailures(options: ProposeOptions): Promise<{ proposals: Proposal[]; costUsd: number | null }> {
  const { qualified, provider: providerId, modelId } = parseModelId(options.judgeModel);
  const provider = options.providers.get(providerId);
  if (!provider) throw new Error(l10n.t('No provider is called “{0}” (improver model {1}).', providerId, qualified));
  const result = await runModel(
    provider,
    { modelId, messages: improverMessages(options), config: { temperature: 0.7, maxOutputTokens: 4000 } },
    { signal: options.signal, price: (i, o) => options.catalog.costUsd(qualified, i, o) },
  );
  if (result.error) throw new Error(l10n.t('The improver model {0} failed: {1}', qualified, result.error.message));
  const proposals = parseProposals(result.output).slice(0, options.count);
  if (!proposals.length) {
    const shown = result.output.replace(/\s+/g, ' ').trim().slice(0, 120);
    throw new Error(l10n.t('The improver model {0} proposed no rewrite in the <candidate> form asked for: “{1}”', qualified, shown));
  }
  return { proposals, costUsd: result.metrics.costUsd };
}
