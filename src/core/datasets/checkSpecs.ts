/**
 * Automatic checks, as written in a dataset row's `checks` or a prompt's `workbench.checks`.
 * Each is written either in full (`{type: contains, value: refund}`) or as one key
 * (`{contains: refund}`, `{maxLength: {words: 120}}`, `validJson`); both become a `CheckSpec`.
 */
import * as l10n from '@vscode/l10n';
import { parseToolCheck, TOOL_CHECK_TYPES, type ToolCheckSpec } from './toolChecks';

export type CheckSpec =
  | { type: 'contains' | 'notContains'; value: string[]; ignoreCase: boolean; name?: string }
  | { type: 'regex'; pattern: string; flags: string; name?: string }
  | { type: 'validJson'; name?: string }
  | { type: 'jsonSchema'; schema: Record<string, unknown>; name?: string }
  | { type: 'maxLength'; chars?: number; words?: number; name?: string }
  | { type: 'latencyMs' | 'costUsd'; max: number; name?: string }
  | { type: 'similarity'; metric: SimilarityMetric; threshold: number; reference?: string; name?: string }
  | { type: 'llmJudge'; rubric: string; model?: string; threshold: number; name?: string }
  | ToolCheckSpec;

export type CheckType = CheckSpec['type'];
export type SimilarityMetric = 'tokenF1' | 'rougeL';

/** What one check said about one output; `pass` is what the scoreboard's pass rate counts. */
export type CheckOutcome = {
  check: string;
  pass: boolean;
  detail: string;
  /** 0–1 where the check measures something (similarity, the judge's score). */
  score?: number;
};

export const CHECK_TYPES: readonly CheckType[] = ['contains', 'notContains', 'regex', 'validJson', 'jsonSchema', 'maxLength', 'latencyMs', 'costUsd', 'similarity', 'llmJudge', ...TOOL_CHECK_TYPES];

const DEFAULT_SIMILARITY_THRESHOLD = 0.5;
const DEFAULT_JUDGE_THRESHOLD = 0.5;

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => !!v && typeof v === 'object' && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The display name of a check: its own `name`, else its type. */
export function checkName(spec: CheckSpec): string {
  return spec.name ?? spec.type;
}

/** Reads a list of checks; a check that cannot be read is named in `problems` and left out. */
export function parseCheckSpecs(raw: unknown): { checks: CheckSpec[]; problems: string[] } {
  if (raw === undefined || raw === null) return { checks: [], problems: [] };
  const list = Array.isArray(raw) ? raw : [raw];
  const checks: CheckSpec[] = [];
  const problems: string[] = [];
  list.forEach((item, index) => {
    const result = parseCheckSpec(item);
    if (typeof result === 'string') problems.push(l10n.t('check {0}: {1}', index + 1, result));
    else checks.push(result);
  });
  return { checks, problems };
}

export function parseCheckSpec(item: unknown): CheckSpec | string {
  let type: string;
  let body: Raw;
  if (typeof item === 'string') {
    type = item;
    body = {};
  } else if (isObject(item) && typeof item.type === 'string') {
    type = item.type;
    body = item;
  } else if (isObject(item)) {
    const keys = Object.keys(item).filter((k) => k !== 'name');
    if (keys.length !== 1) return l10n.t('write a check as {0} or as one key such as {1}, not {2}', '{type: …}', '{contains: "text"}', `{${Object.keys(item).join(', ')}}`);
    type = keys[0];
    const value = item[type];
    if ((TOOL_CHECK_TYPES as readonly string[]).includes(type)) {
      const parsed = parseToolCheck(type, isObject(value) && typeof item.name === 'string' ? { ...value, name: item.name } : value);
      return parsed;
    }
    body = isObject(value) && type !== 'jsonSchema' ? { ...value } : shorthandBody(type, value);
    if (typeof item.name === 'string') body.name = item.name;
  } else {
    return l10n.t('a check is an object such as {0} or a name such as validJson', '{contains: "text"}');
  }
  if (!(CHECK_TYPES as readonly string[]).includes(type)) return l10n.t('unknown check “{0}” (known: {1})', type, CHECK_TYPES.join(', '));
  if ((TOOL_CHECK_TYPES as readonly string[]).includes(type)) return parseToolCheck(type, body);
  const name = typeof body.name === 'string' && body.name.trim() ? { name: body.name.trim() } : {};
  switch (type as CheckType) {
    case 'contains':
    case 'notContains': {
      const values = Array.isArray(body.value) ? body.value : [body.value];
      if (!values.length || !values.every((v) => typeof v === 'string' && v.length > 0)) return l10n.t('{0} needs a text (or a list of texts) in "value"', type);
      return { type: type as 'contains', value: values as string[], ignoreCase: body.ignoreCase === true, ...name };
    }
    case 'regex': {
      if (typeof body.pattern !== 'string') return l10n.t('regex needs "pattern"');
      const flags = typeof body.flags === 'string' ? body.flags : '';
      try {
        new RegExp(body.pattern, flags);
      } catch (err) {
        return `regex: ${(err as Error).message}`;
      }
      return { type: 'regex', pattern: body.pattern, flags, ...name };
    }
    case 'validJson':
      return { type: 'validJson', ...name };
    case 'jsonSchema':
      if (!isObject(body.schema)) return l10n.t('jsonSchema needs a JSON Schema object in "schema"');
      return { type: 'jsonSchema', schema: body.schema, ...name };
    case 'maxLength': {
      const chars = body.chars;
      const words = body.words;
      if ((chars !== undefined && !(isNumber(chars) && chars >= 0)) || (words !== undefined && !(isNumber(words) && words >= 0)) || (chars === undefined && words === undefined)) {
        return l10n.t('maxLength needs "chars" or "words" (a number)');
      }
      return { type: 'maxLength', ...(chars !== undefined ? { chars: chars as number } : {}), ...(words !== undefined ? { words: words as number } : {}), ...name };
    }
    case 'latencyMs':
    case 'costUsd':
      if (!isNumber(body.max) || body.max < 0) return l10n.t('{0} needs "max" (a number)', type);
      return { type: type as 'latencyMs', max: body.max, ...name };
    case 'similarity': {
      const metric = body.metric ?? 'tokenF1';
      if (metric !== 'tokenF1' && metric !== 'rougeL') return l10n.t('similarity\'s "metric" is tokenF1 or rougeL');
      const threshold = body.threshold ?? DEFAULT_SIMILARITY_THRESHOLD;
      if (!isNumber(threshold) || threshold < 0 || threshold > 1) return l10n.t('{0}\'s "threshold" is a number from 0 to 1', 'similarity');
      if (body.reference !== undefined && typeof body.reference !== 'string') return l10n.t('similarity\'s "reference" must be a text');
      return { type: 'similarity', metric, threshold, ...(typeof body.reference === 'string' ? { reference: body.reference } : {}), ...name };
    }
    case 'llmJudge': {
      if (typeof body.rubric !== 'string' || !body.rubric.trim()) return l10n.t('llmJudge needs "rubric" (what a good answer does)');
      if (body.model !== undefined && typeof body.model !== 'string') return l10n.t('llmJudge\'s "model" must be a model id');
      const threshold = body.threshold ?? DEFAULT_JUDGE_THRESHOLD;
      if (!isNumber(threshold) || threshold < 0 || threshold > 1) return l10n.t('{0}\'s "threshold" is a number from 0 to 1', 'llmJudge');
      return { type: 'llmJudge', rubric: body.rubric, ...(typeof body.model === 'string' ? { model: body.model } : {}), threshold, ...name };
    }
    default:
      return l10n.t('unknown check “{0}” (known: {1})', type, CHECK_TYPES.join(', '));
  }
}

/** `{contains: "x"}`, `{maxLength: 200}`, `{latencyMs: 3000}`, `{similarity: 0.6}`, `{llmJudge: "rubric"}`… */
function shorthandBody(type: string, value: unknown): Raw {
  switch (type) {
    case 'contains':
    case 'notContains':
      return { value };
    case 'regex':
      return { pattern: value };
    case 'jsonSchema':
      return { schema: value };
    case 'maxLength':
      return { chars: value };
    case 'latencyMs':
    case 'costUsd':
      return { max: value };
    case 'similarity':
      return value === true ? {} : { threshold: value };
    case 'llmJudge':
      return { rubric: value };
    default:
      return {};
  }
}
