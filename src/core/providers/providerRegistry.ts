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
  /** The providers given at construction (bedrock, echo): names an endpoint may not take. */
  private readonly builtIn: ReadonlySet<string>;

  constructor(factories: Record<string, ProviderFactory> = {}) {
    this.factories.set('echo', () => new EchoProvider());
    for (const [id, factory] of Object.entries(factories)) this.factories.set(id, factory);
    this.builtIn = new Set(this.factories.keys());
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

  /**
   * Adds (or replaces) a provider after construction, e.g. an OpenAI-compatible endpoint named
   * in settings. Returns false, changing nothing, for an id built into the registry.
   */
  define(providerId: string, factory: ProviderFactory): boolean {
    if (this.builtIn.has(providerId)) return false;
    this.factories.set(providerId, factory);
    this.instances.delete(providerId);
    return true;
  }

  /** Removes a provider added with `define`; built-in ones stay. */
  remove(providerId: string): void {
    if (this.builtIn.has(providerId)) return;
    this.factories.delete(providerId);
    this.instances.delete(providerId);
  }

  known(): string[] {
    return [...this.factories.keys()];
  }

  reset(): void {
    this.instances.clear();
  }
}
