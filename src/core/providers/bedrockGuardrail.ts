/**
 * Reads what an Amazon Bedrock guardrail did from a Converse trace (`trace.guardrail`), in
 * plain words. Works on the JSON shape only, so it needs no SDK import.
 */
import type { GuardrailOutcome } from './types';

export const GUARDRAIL_INTERVENED = 'guardrail_intervened';

type Json = Record<string, unknown>;

const asArray = (value: unknown): Json[] => (Array.isArray(value) ? value.filter((v): v is Json => typeof v === 'object' && v !== null) : []);
const asObject = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Actions that mean the guardrail did something; `NONE` (detected, let through) does not count. */
function acted(entry: Json): boolean {
  const action = str(entry.action).toUpperCase();
  return action !== '' && action !== 'NONE';
}

function actionNote(entry: Json): string {
  const action = str(entry.action).toUpperCase();
  return action && action !== 'BLOCKED' ? ` (${action.toLowerCase()})` : '';
}

/** One reason per policy entry that acted, from one assessment. */
function reasonsOf(assessment: Json): string[] {
  const reasons: string[] = [];
  for (const topic of asArray(asObject(assessment.topicPolicy)?.topics)) {
    if (acted(topic)) reasons.push(`denied topic “${str(topic.name)}”${actionNote(topic)}`);
  }
  for (const filter of asArray(asObject(assessment.contentPolicy)?.filters)) {
    if (acted(filter)) reasons.push(`content filter ${str(filter.type)}${filter.confidence ? ` (${str(filter.confidence)})` : ''}${actionNote(filter)}`);
  }
  const words = asObject(assessment.wordPolicy);
  for (const word of asArray(words?.customWords)) if (acted(word)) reasons.push(`blocked word “${str(word.match)}”${actionNote(word)}`);
  for (const list of asArray(words?.managedWordLists)) if (acted(list)) reasons.push(`${str(list.type).toLowerCase() || 'managed word list'} “${str(list.match)}”${actionNote(list)}`);
  const sensitive = asObject(assessment.sensitiveInformationPolicy);
  for (const pii of asArray(sensitive?.piiEntities)) if (acted(pii)) reasons.push(`sensitive information ${str(pii.type)}${actionNote(pii)}`);
  for (const regex of asArray(sensitive?.regexes)) if (acted(regex)) reasons.push(`pattern “${str(regex.name)}”${actionNote(regex)}`);
  for (const filter of asArray(asObject(assessment.contextualGroundingPolicy)?.filters)) {
    if (acted(filter)) reasons.push(`contextual grounding ${str(filter.type)} (score ${String(filter.score)} below ${String(filter.threshold)})`);
  }
  return reasons;
}

/**
 * What the guardrail did: `intervened` from the stop reason (the one sure signal), the
 * stage and reasons from the trace when `trace: 'enabled'` returned one.
 */
export function guardrailOutcome(stopReason: string | undefined, trace: unknown): GuardrailOutcome {
  const guardrail = asObject(asObject(trace)?.guardrail);
  const inputReasons = Object.values(asObject(guardrail?.inputAssessment) ?? {}).flatMap((a) => (asObject(a) ? reasonsOf(a as Json) : []));
  const outputReasons = Object.values(asObject(guardrail?.outputAssessments) ?? {}).flatMap((list) => asArray(list).flatMap(reasonsOf));
  const intervened = stopReason === GUARDRAIL_INTERVENED;
  const outcome: GuardrailOutcome = { intervened, reasons: [...new Set([...inputReasons, ...outputReasons])] };
  if (inputReasons.length > 0) outcome.stage = 'input';
  else if (outputReasons.length > 0) outcome.stage = 'output';
  return outcome;
}

/** One sentence for a person: what the guardrail did and what to change. */
export function describeGuardrailOutcome(outcome: GuardrailOutcome, guardrailId: string): string {
  if (!outcome.intervened) return `The guardrail ${guardrailId} let the call through.`;
  const where = outcome.stage === 'input' ? 'blocked the prompt' : outcome.stage === 'output' ? "blocked the model's answer" : 'intervened';
  const why = outcome.reasons.length ? ` (${outcome.reasons.join('; ')})` : '';
  return `The guardrail ${guardrailId} ${where}${why}; the answer shown is the guardrail's message. Change the input, or the guardrail's policies, and run again.`;
}

/**
 * A guardrail as settings or a prompt's `workbench.guardrail` give it: `{id, version}`, the
 * version as text or a number (`1`, `"1"`, `"DRAFT"`). Undefined for anything else.
 */
export function readGuardrailRef(value: unknown): { id: string; version: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, version } = value as { id?: unknown; version?: unknown };
  if (typeof id !== 'string' || !id.trim()) return undefined;
  const v = typeof version === 'number' ? String(version) : typeof version === 'string' && version.trim() ? version.trim() : 'DRAFT';
  return { id: id.trim(), version: v };
}
