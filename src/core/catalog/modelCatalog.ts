import { parseModelId } from '../providers/modelId';
import { BUILTIN_MODELS, ModelInfo } from './builtinModels';

/** Cross-region inference profiles prefix a model id with a geography (`us.`, `eu.`, `apac.`, `global.`). */
const PROFILE_PREFIX = /^(us|eu|apac|us-gov|ca|jp|au|global)\./;

export interface PriceOverride {
  inputPerMTok: number;
  outputPerMTok: number;
}

export class ModelCatalog {
  private readonly byId = new Map<string, ModelInfo>();

  constructor(models: readonly ModelInfo[] = BUILTIN_MODELS, private readonly prices: Record<string, PriceOverride> = {}) {
    for (const m of models) this.byId.set(m.id, m);
  }

  /** Metadata for an id (bare ids are Bedrock; inference profiles map to their base model), or undefined. */
  find(rawId: string): ModelInfo | undefined {
    const { provider, modelId, qualified } = parseModelId(rawId);
    const direct = this.byId.get(qualified);
    if (direct) return direct;
    if (provider === 'bedrock') {
      const base = modelId.replace(PROFILE_PREFIX, '');
      return this.byId.get(`bedrock/${base}`);
    }
    return undefined;
  }

  all(): ModelInfo[] {
    return [...this.byId.values()];
  }

  /** USD for one call, or null when the model has no known price. */
  costUsd(rawId: string, inputTokens: number | null, outputTokens: number | null): number | null {
    if (inputTokens == null || outputTokens == null) return null;
    const { qualified } = parseModelId(rawId);
    const override = this.prices[qualified] ?? this.prices[parseModelId(rawId).modelId];
    const info = this.find(rawId);
    const inPrice = override?.inputPerMTok ?? info?.inputPerMTok;
    const outPrice = override?.outputPerMTok ?? info?.outputPerMTok ?? (info?.kind === 'embedding' ? 0 : undefined);
    if (inPrice == null || outPrice == null) return null;
    return (inputTokens * inPrice + outputTokens * outPrice) / 1_000_000;
  }
}
