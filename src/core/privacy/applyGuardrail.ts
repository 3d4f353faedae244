/**
 * Reads an Amazon Bedrock `ApplyGuardrail` answer (the JSON shape only, no SDK import): did
 * the guardrail block, mask, or let the text through, and which policies acted.
 */
import { GUARDRAIL_INTERVENED, guardrailOutcome } from '../providers/bedrockGuardrail';
import type { GuardrailRef } from '../providers/types';

export type GuardrailSource = 'INPUT' | 'OUTPUT';

export interface GuardrailCheck {
  intervened: boolean;
  /** A policy blocked the text (as opposed to masking parts of it). */
  blocked: boolean;
  /** The guardrail rewrote the text (sensitive information anonymized): `outputs` holds it. */
  masked: boolean;
  /** The guardrail's text: its blocked message, or the masked text, one per content block sent. */
  outputs: string[];
  reasons: string[];
}

/** What a provider that can call ApplyGuardrail offers (the Bedrock provider does). */
export interface GuardrailChecker {
  applyGuardrail(guardrail: GuardrailRef, source: GuardrailSource, texts: string[], signal?: AbortSignal): Promise<GuardrailCheck>;
}

export function isGuardrailChecker(value: unknown): value is GuardrailChecker {
  return typeof (value as { applyGuardrail?: unknown } | undefined)?.applyGuardrail === 'function';
}

function actionsIn(value: unknown, into: Set<string>, depth = 0): Set<string> {
  if (depth > 8 || typeof value !== 'object' || value === null) return into;
  if (Array.isArray(value)) for (const v of value) actionsIn(v, into, depth + 1);
  else
    for (const [key, v] of Object.entries(value)) {
      if (key === 'action' && typeof v === 'string') into.add(v.toUpperCase());
      else actionsIn(v, into, depth + 1);
    }
  return into;
}

export function readApplyGuardrailResponse(response: { action?: string; outputs?: { text?: string }[]; assessments?: unknown[] }): GuardrailCheck {
  const intervened = response.action === 'GUARDRAIL_INTERVENED';
  const assessments = Array.isArray(response.assessments) ? response.assessments : [];
  const actions = actionsIn(assessments, new Set());
  const blocked = intervened && (actions.has('BLOCKED') || !actions.has('ANONYMIZED'));
  const outcome = guardrailOutcome(intervened ? GUARDRAIL_INTERVENED : 'end_turn', { guardrail: { inputAssessment: Object.fromEntries(assessments.map((a, i) => [String(i), a])) } });
  return {
    intervened,
    blocked,
    masked: intervened && !blocked,
    outputs: (response.outputs ?? []).map((o) => o.text ?? ''),
    reasons: outcome.reasons,
  };
}
