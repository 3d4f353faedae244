import * as l10n from '@vscode/l10n';
import { schemaValidator } from '../util/jsonSchema';
import type { RunMetrics } from '../runs/runModel';
import { checkName, type CheckOutcome, type CheckSpec } from './checkSpecs';
import type { Judge } from './llmJudge';
import { rougeL, tokenF1, tokensOf } from './similarity';
import { formatUsd } from '../format/units';

/** What a check looks at: one model's answer to one case. */
export interface CheckSubject {
  output: string;
  /** `latencyMs` is null for a batch answer (it has none). */
  metrics: Pick<RunMetrics, 'costUsd'> & { latencyMs: number | null };
  inputs: Record<string, unknown>;
  reference?: string;
  /** The model that answered: the judge of an `llmJudge` check without its own model, when no default is given. */
  model: string;
}

export interface EvaluateOptions {
  /** Needed for `llmJudge` checks; without it they fail, saying so. */
  judge?: Judge;
  /** The judge model for checks that name none. */
  judgeModel?: string;
  signal?: AbortSignal;
}

/** Answers often wrap JSON in a Markdown fence: a check of the JSON looks inside it. */
export function jsonTextOf(output: string): string {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n\s*```/i.exec(output);
  return (fenced ? fenced[1] : output).trim();
}

function parseJsonOutput(output: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(jsonTextOf(output)) };
  } catch (err) {
    return { error: `not valid JSON: ${(err as Error).message}` };
  }
}

const fmt = (x: number) => (Math.round(x * 1000) / 1000).toString();

/** Runs every check on one answer, in order; an `llmJudge` check calls the judge model. Never throws. */
export async function evaluateChecks(specs: readonly CheckSpec[], subject: CheckSubject, options: EvaluateOptions = {}): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const spec of specs) {
    try {
      outcomes.push(await evaluateCheck(spec, subject, options));
    } catch (err) {
      outcomes.push({ check: checkName(spec), pass: false, detail: l10n.t('the check could not run: {0}', (err as Error).message) });
    }
  }
  return outcomes;
}

export async function evaluateCheck(spec: CheckSpec, subject: CheckSubject, options: EvaluateOptions = {}): Promise<CheckOutcome> {
  const check = checkName(spec);
  const { output } = subject;
  switch (spec.type) {
    case 'contains':
    case 'notContains': {
      const hay = spec.ignoreCase ? output.toLowerCase() : output;
      const found = spec.value.filter((v) => hay.includes(spec.ignoreCase ? v.toLowerCase() : v));
      if (spec.type === 'contains') {
        const missing = spec.value.filter((v) => !found.includes(v));
        return { check, pass: !missing.length, detail: missing.length ? l10n.t('missing {0}', quoteAll(missing)) : l10n.t('contains {0}', quoteAll(spec.value)) };
      }
      return { check, pass: !found.length, detail: found.length ? l10n.t('contains {0}', quoteAll(found)) : l10n.t('contains none of {0}', quoteAll(spec.value)) };
    }
    case 'regex': {
      const match = new RegExp(spec.pattern, spec.flags).exec(output);
      return { check, pass: match !== null, detail: match ? l10n.t('matches at “{0}”', match[0].slice(0, 60)) : l10n.t('no match for {0}', `/${spec.pattern}/${spec.flags}`) };
    }
    case 'validJson': {
      const parsed = parseJsonOutput(output);
      return 'error' in parsed ? { check, pass: false, detail: parsed.error } : { check, pass: true, detail: l10n.t('valid JSON') };
    }
    case 'jsonSchema': {
      const parsed = parseJsonOutput(output);
      if ('error' in parsed) return { check, pass: false, detail: parsed.error };
      const validate = schemaValidator(spec.schema);
      if (typeof validate === 'string') return { check, pass: false, detail: validate };
      if (validate(parsed.value)) return { check, pass: true, detail: l10n.t('matches the schema') };
      const errors = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
      return { check, pass: false, detail: errors.join('; ') || l10n.t('does not match the schema') };
    }
    case 'maxLength': {
      const chars = output.length;
      const words = tokensOf(output).length;
      const over: string[] = [];
      if (spec.chars !== undefined && chars > spec.chars) over.push(l10n.t('{0} characters > {1}', chars, spec.chars));
      if (spec.words !== undefined && words > spec.words) over.push(l10n.t('{0} words > {1}', words, spec.words));
      const limits = [spec.chars !== undefined ? l10n.t('{0}/{1} characters', chars, spec.chars) : '', spec.words !== undefined ? l10n.t('{0}/{1} words', words, spec.words) : ''].filter(Boolean).join(', ');
      return { check, pass: !over.length, detail: over.length ? over.join(', ') : limits };
    }
    case 'latencyMs': {
      const v = subject.metrics.latencyMs;
      if (v === null) return { check, pass: false, detail: l10n.t('no latency to check: a batch job answer has none (run the dataset live to check latency)') };
      return { check, pass: v <= spec.max, detail: `${v} ms ${v <= spec.max ? '≤' : '>'} ${spec.max} ms` };
    }
    case 'costUsd': {
      const v = subject.metrics.costUsd;
      if (v === null) return { check, pass: false, detail: l10n.t('the cost is unknown (no price for this model)') };
      return { check, pass: v <= spec.max, detail: `${formatUsd(v)} ${v <= spec.max ? '≤' : '>'} ${formatUsd(spec.max)}` };
    }
    case 'similarity': {
      const reference = spec.reference ?? subject.reference;
      if (reference === undefined) return { check, pass: false, detail: l10n.t('no reference answer to compare with (add a "reference" to the row)') };
      const score = spec.metric === 'rougeL' ? rougeL(output, reference) : tokenF1(output, reference);
      return { check, pass: score >= spec.threshold, score, detail: `${spec.metric} ${fmt(score)} ${score >= spec.threshold ? '≥' : '<'} ${spec.threshold}` };
    }
    case 'llmJudge': {
      if (!options.judge) return { check, pass: false, detail: l10n.t('no judge is available here') };
      const model = spec.model ?? options.judgeModel ?? subject.model;
      const result = await options.judge({
        rubric: spec.rubric,
        model,
        inputs: subject.inputs,
        output,
        reference: subject.reference,
        threshold: spec.threshold,
        signal: options.signal ?? new AbortController().signal,
      });
      if (!result.verdict) return { check, pass: false, detail: result.problem ?? l10n.t('no verdict') };
      const { pass, score, reason } = result.verdict;
      return { check, pass, ...(score !== null ? { score } : {}), detail: `${result.model}: ${pass ? l10n.t('pass') : l10n.t('fail')}${score !== null ? ` (${fmt(score)})` : ''}${reason ? ` — ${reason}` : ''}` };
    }
  }
}

/** “a”, “b”: the values a check looked for, as its detail names them. */
function quoteAll(values: readonly string[]): string {
  return values.map((value) => `“${value}”`).join(', ');
}
