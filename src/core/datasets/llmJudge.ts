import type { ModelCatalog } from '../catalog/modelCatalog';
import { parseModelId } from '../providers/modelId';
import type { ProviderRegistry } from '../providers/providerRegistry';
import type { ChatMessage } from '../providers/types';
import { runModel } from '../runs/runModel';
import type { ResponseCache } from '../cache/responseCache';
import { newId } from '../workspace/ids';

/** What the judge model decided: `score` 0–1, `reason` one or two sentences. */
export interface JudgeVerdict {
  pass: boolean;
  score: number | null;
  reason: string;
}

export interface JudgeRequest {
  rubric: string;
  /** Qualified or bare model id of the judge. */
  model: string;
  inputs: Record<string, unknown>;
  output: string;
  reference?: string;
  /** The pass mark for a verdict that gives a score but no `pass`. */
  threshold: number;
  signal: AbortSignal;
}

export interface JudgeResult {
  verdict: JudgeVerdict | null;
  /** Why there is no verdict: the call failed, or the answer held no JSON verdict. */
  problem?: string;
  model: string;
  costUsd: number | null;
}

export type Judge = (request: JudgeRequest) => Promise<JudgeResult>;

const MAX_FIELD_CHARS = 12000;

/** The judge's instructions: the rubric, the case, the answer, and the exact JSON shape to answer with. */
export function judgeMessages(request: Pick<JudgeRequest, 'rubric' | 'inputs' | 'output' | 'reference'>): ChatMessage[] {
  const clip = (text: string) => (text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS)}\n…(cut)` : text);
  const inputs = Object.entries(request.inputs)
    .map(([key, value]) => `${key}: ${clip(typeof value === 'string' ? value : JSON.stringify(value))}`)
    .join('\n');
  const user = [
    `<rubric>\n${request.rubric.trim()}\n</rubric>`,
    `<input>\n${inputs}\n</input>`,
    ...(request.reference ? [`<reference>\n${clip(request.reference)}\n</reference>`] : []),
    `<output>\n${clip(request.output)}\n</output>`,
    'Does the output meet the rubric? Answer with JSON only: {"pass": true or false, "score": a number from 0 to 1, "reason": "one sentence"}.',
  ].join('\n\n');
  return [
    {
      role: 'system',
      content: [{ text: 'You are a strict, fair evaluator of model outputs. Judge only against the rubric (and the reference answer when one is given). Reply with one JSON object and nothing else.' }],
    },
    { role: 'user', content: [{ text: user }] },
  ];
}

/** Calls the judge model through the same providers as every run (Bedrock, OpenAI-compatible…). */
export function createModelJudge(deps: { providers: ProviderRegistry; catalog: ModelCatalog; responseCache?: () => ResponseCache | undefined }): Judge {
  return async (request) => {
    const { qualified, provider: providerId, modelId } = parseModelId(request.model);
    const provider = deps.providers.get(providerId);
    if (!provider) return { verdict: null, problem: `no provider is called “${providerId}” (judge model ${qualified})`, model: qualified, costUsd: null };
    const result = await runModel(
      provider,
      { modelId, messages: judgeMessages(request), config: { temperature: 0, maxOutputTokens: 400 } },
      { signal: request.signal, price: (i, o) => deps.catalog.costUsd(qualified, i, o), ...judgeCache(deps.responseCache?.()) },
    );
    if (result.error) return { verdict: null, problem: `the judge ${qualified} failed: ${result.error.message}`, model: qualified, costUsd: result.metrics.costUsd };
    const verdict = parseJudgeVerdict(result.output, request.threshold);
    return typeof verdict === 'string'
      ? { verdict: null, problem: verdict, model: qualified, costUsd: result.metrics.costUsd }
      : { verdict, model: qualified, costUsd: result.metrics.costUsd };
  };
}

/**
 * Finds the verdict in what a judge wrote: a JSON object anywhere (in a ```json fence, after
 * prose), `pass` as a boolean or yes/no/pass/fail, `score` as 0–1, a percentage, or out of 5
 * or 10. A verdict with a score but no `pass` passes at `threshold`. Returns why when there is none.
 */
export function parseJudgeVerdict(text: string, threshold = 0.5): JudgeVerdict | string {
  for (const candidate of jsonObjectsIn(text)) {
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const v = lowerKeys(value as Record<string, unknown>);
    const score = normalizeScore(v.score ?? v.rating);
    const pass = readPass(v.pass ?? v.passed ?? v.verdict ?? v.result);
    if (pass === undefined && score === null) continue;
    const reason = typeof v.reason === 'string' ? v.reason : typeof v.explanation === 'string' ? v.explanation : typeof v.rationale === 'string' ? v.rationale : '';
    return { pass: pass ?? (score as number) >= threshold, score, reason: reason.trim() };
  }
  const shown = text.replace(/\s+/g, ' ').trim();
  return `the judge's answer holds no JSON verdict {pass, score, reason}: “${shown.length > 120 ? shown.slice(0, 119) + '…' : shown}”`;
}

/** Balanced `{…}` spans, outermost first, ignoring braces inside strings. */
function* jsonObjectsIn(text: string): Generator<string> {
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        yield text.slice(start, i + 1);
        break;
      }
    }
  }
}

function lowerKeys(v: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(v).map(([k, value]) => [k.toLowerCase(), value]));
}

function readPass(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['true', 'yes', 'pass', 'passed', 'ok'].includes(s)) return true;
    if (['false', 'no', 'fail', 'failed'].includes(s)) return false;
  }
  return undefined;
}

function normalizeScore(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.replace(/%$/, '')) : NaN;
  if (!Number.isFinite(n) || n < 0) return null;
  const scaled = n <= 1 ? n : n <= 5 ? n / 5 : n <= 10 ? n / 10 : n <= 100 ? n / 100 : null;
  return scaled === null ? null : Math.round(scaled * 1000) / 1000;
}

/** The judge's verdicts are cached like any answer (same request, same verdict); its calls are not recorded, so the id only names the entry. */
function judgeCache(store: ResponseCache | undefined) {
  return store ? { cache: { store, runId: newId('j'), extra: { judge: 1 } } } : {};
}
