import { EchoProvider } from './echo';
import type { ModelProvider } from './types';

export type ProviderFactory = () => ModelProvider;

/**
 * Providers by the prefix of a model id. Each is created on first use, so nothing heavy is
 * built at activation, and dropped by `reset()` when its settings change.
 */
export class ProviderRegistry {
  private readonly instances = new Map<string, ModelProvider>();
  private readonly factories = new Map<string, ProviderFactory>();

  constructor(factories: Record<string, ProviderFactory> = {}) {
    this.factories.set('echo', () => new EchoProvider());
    for (const [id, factory] of Object.entries(factories)) this.factories.set(id, factory);
  }

  get(providerId: string): ModelProvider | undefined {
    let provider = this.instances.get(providerId);
    if (!provider) {
      const factory = this.factories.get(providerId);
      if (!factory) return undefined;
      provider = factory();
      this.instances.set(providerId, provider);
    }
    return provider;
  }

  known(): string[] {
    return [...this.factories.keys()];
  }

  reset(): void {
    this.instances.clear();
  }
}
