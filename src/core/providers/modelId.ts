/** Model ids are `provider/modelId`; a bare id means Amazon Bedrock. */
export interface QualifiedModelId {
  provider: string;
  modelId: string;
  /** `provider/modelId`, always with the prefix. */
  qualified: string;
}

const KNOWN_PROVIDERS = new Set(['bedrock', 'openai', 'echo']);

export function parseModelId(raw: string): QualifiedModelId {
  const trimmed = raw.trim();
  const slash = trimmed.indexOf('/');
  if (slash > 0) {
    const provider = trimmed.slice(0, slash);
    // Bedrock ARNs contain slashes (`arn:aws:bedrock:…:inference-profile/…`): those are bare Bedrock ids.
    if (KNOWN_PROVIDERS.has(provider) || !trimmed.startsWith('arn:')) {
      const modelId = trimmed.slice(slash + 1);
      return { provider, modelId, qualified: `${provider}/${modelId}` };
    }
  }
  return { provider: 'bedrock', modelId: trimmed, qualified: `bedrock/${trimmed}` };
}
