import Ajv, { type ValidateFunction } from 'ajv';
import type { RunMetrics } from '../runs/runModel';
import { checkName, type CheckOutcome, type CheckSpec } from './checkSpecs';
import type { Judge } from './llmJudge';
import { rougeL, tokenF1, tokensOf } from './similarity';
import { formatUsd } from '../format/units';

/** What a check looks at: one model's answer to one case. */
export interface CheckSubject {
  output: string;
  metrics: Pick<RunMetrics, 'latencyMs' | 'costUsd'>;
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

// One validator for the whole process: compiling a schema is the slow part, so compiled ones are cached by text.
let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction | string>();

function schemaValidator(schema: Record<string, unknown>): ValidateFunction | string {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    ajv ??= new Ajv({ allErrors: true, strict: false });
    try {
      validate = ajv.compile(schema);
    } catch (err) {
      validate = `the JSON Schema is not valid: ${(err as Error).message}`;
    }
    compiled.set(key, validate);
  }
  return validate;
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
      outcomes.push({ check: checkName(spec), pass: false, detail: `the check could not run: ${(err as Error).message}` });
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
        return { check, pass: !missing.length, detail: missing.length ? `missing ${missing.map((m) => `“${m}”`).join(', ')}` : `contains ${spec.value.map((m) => `“${m}”`).join(', ')}` };
      }
      return { check, pass: !found.length, detail: found.length ? `contains ${found.map((m) => `“${m}”`).join(', ')}` : `contains none of ${spec.value.map((m) => `“${m}”`).join(', ')}` };
    }
    case 'regex': {
      const match = new RegExp(spec.pattern, spec.flags).exec(output);
      return { check, pass: match !== null, detail: match ? `matches at “${match[0].slice(0, 60)}”` : `no match for /${spec.pattern}/${spec.flags}` };
    }
    case 'validJson': {
      const parsed = parseJsonOutput(output);
      return 'error' in parsed ? { check, pass: false, detail: parsed.error } : { check, pass: true, detail: 'valid JSON' };
    }
    case 'jsonSchema': {
      const parsed = parseJsonOutput(output);
      if ('error' in parsed) return { check, pass: false, detail: parsed.error };
      const validate = schemaValidator(spec.schema);
      if (typeof validate === 'string') return { check, pass: false, detail: validate };
      if (validate(parsed.value)) return { check, pass: true, detail: 'matches the schema' };
      const errors = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
      return { check, pass: false, detail: errors.join('; ') || 'does not match the schema' };
    }
    case 'maxLength': {
      const chars = output.length;
      const words = tokensOf(output).length;
      const over: string[] = [];
      if (spec.chars !== undefined && chars > spec.chars) over.push(`${chars} characters > ${spec.chars}`);
      if (spec.words !== undefined && words > spec.words) over.push(`${words} words > ${spec.words}`);
      const limits = [spec.chars !== undefined ? `${chars}/${spec.chars} characters` : '', spec.words !== undefined ? `${words}/${spec.words} words` : ''].filter(Boolean).join(', ');
      return { check, pass: !over.length, detail: over.length ? over.join(', ') : limits };
    }
    case 'latencyMs': {
      const v = subject.metrics.latencyMs;
      return { check, pass: v <= spec.max, detail: `${v} ms ${v <= spec.max ? '≤' : '>'} ${spec.max} ms` };
    }
    case 'costUsd': {
      const v = subject.metrics.costUsd;
      if (v === null) return { check, pass: false, detail: 'the cost is unknown (no price for this model)' };
      return { check, pass: v <= spec.max, detail: `${formatUsd(v)} ${v <= spec.max ? '≤' : '>'} ${formatUsd(spec.max)}` };
    }
    case 'similarity': {
      const reference = spec.reference ?? subject.reference;
      if (reference === undefined) return { check, pass: false, detail: 'no reference answer to compare with (add a "reference" to the row)' };
      const score = spec.metric === 'rougeL' ? rougeL(output, reference) : tokenF1(output, reference);
      return { check, pass: score >= spec.threshold, score, detail: `${spec.metric} ${fmt(score)} ${score >= spec.threshold ? '≥' : '<'} ${spec.threshold}` };
    }
    case 'llmJudge': {
      if (!options.judge) return { check, pass: false, detail: 'no judge is available here' };
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
      if (!result.verdict) return { check, pass: false, detail: result.problem ?? 'no verdict' };
      const { pass, score, reason } = result.verdict;
      return { check, pass, ...(score !== null ? { score } : {}), detail: `${result.model}: ${pass ? 'pass' : 'fail'}${score !== null ? ` (${fmt(score)})` : ''}${reason ? ` — ${reason}` : ''}` };
    }
  }
}
