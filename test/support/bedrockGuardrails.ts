/**
 * Guardrails as the local Bedrock server plays them, chosen by the guardrail id (a test
 * inside VS Code can choose nothing else): see README.md next to this file.
 */

export interface GuardrailConfig {
  guardrailIdentifier?: string;
  guardrailVersion?: string;
  trace?: string;
}

/** What a guardrail says instead of the answer, as Bedrock's console suggests by default. */
export const GUARDRAIL_BLOCKED_MESSAGE = 'Sorry, the model cannot answer this question.';

/** A guardrail id containing `sim-missing` does not exist; checked before the model is called. */
export function guardrailError(body: { guardrailConfig?: GuardrailConfig }): { status: number; type: string; message: string } | undefined {
  if (!body.guardrailConfig?.guardrailIdentifier?.includes('sim-missing')) return undefined;
  return { status: 400, type: 'ValidationException', message: 'The guardrail identifier or version provided in the request does not exist.' };
}

/**
 * A guardrail id containing `sim-block` blocks every prompt: the answer is the guardrail's
 * message, `stopReason: guardrail_intervened`, no output tokens (the model never ran), and a
 * trace naming the content filter when `trace: 'enabled'`. Any other guardrail lets the call through.
 */
export function guardrailVerdict(body: { guardrailConfig?: GuardrailConfig }): { blocked: boolean; trace?: Record<string, unknown> } {
  const config = body.guardrailConfig;
  if (!config?.guardrailIdentifier) return { blocked: false };
  const blocked = config.guardrailIdentifier.includes('sim-block');
  if (config.trace !== 'enabled') return { blocked };
  const assessment = blocked
    ? { contentPolicy: { filters: [{ type: 'MISCONDUCT', confidence: 'HIGH', filterStrength: 'HIGH', action: 'BLOCKED', detected: true }] } }
    : {};
  return { blocked, trace: { guardrail: { modelOutput: [], inputAssessment: { [config.guardrailIdentifier]: assessment } } } };
}
