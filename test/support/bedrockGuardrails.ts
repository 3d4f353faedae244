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

/**
 * ApplyGuardrail (`POST /guardrail/{id}/version/{version}/apply`), chosen by the id like the
 * Converse guardrail: `sim-missing` does not exist (400), `sim-block` blocks any text,
 * `sim-mask` anonymizes email addresses (`{EMAIL}`), any other id lets the text through.
 */
export function applyGuardrailAnswer(
  guardrailId: string,
  body: { source?: string; content?: { text?: { text?: string } }[] },
): { status: number; json?: Record<string, unknown>; error?: { status: number; type: string; message: string } } {
  if (guardrailId.includes('sim-missing')) return { status: 400, error: { status: 400, type: 'ValidationException', message: 'The guardrail identifier or version provided in the request does not exist.' } };
  const texts = (body.content ?? []).map((c) => c.text?.text ?? '');
  const usage = { topicPolicyUnits: 0, contentPolicyUnits: texts.length, wordPolicyUnits: 0, sensitiveInformationPolicyUnits: 0, sensitiveInformationPolicyFreeUnits: 0, contextualGroundingPolicyUnits: 0 };
  if (guardrailId.includes('sim-block')) {
    return {
      status: 200,
      json: {
        usage,
        action: 'GUARDRAIL_INTERVENED',
        outputs: [{ text: GUARDRAIL_BLOCKED_MESSAGE }],
        assessments: [{ contentPolicy: { filters: [{ type: 'MISCONDUCT', confidence: 'HIGH', filterStrength: 'HIGH', action: 'BLOCKED', detected: true }] } }],
      },
    };
  }
  const email = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
  if (guardrailId.includes('sim-mask') && texts.some((t) => email.test(t))) {
    return {
      status: 200,
      json: {
        usage,
        action: 'GUARDRAIL_INTERVENED',
        outputs: texts.map((t) => ({ text: t.replace(email, '{EMAIL}') })),
        assessments: [{ sensitiveInformationPolicy: { piiEntities: [{ type: 'EMAIL', match: 'email', action: 'ANONYMIZED', detected: true }], regexes: [] } }],
      },
    };
  }
  return { status: 200, json: { usage, action: 'NONE', outputs: [], assessments: [{}] } };
}
