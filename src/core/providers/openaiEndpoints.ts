/**
 * OpenAI-compatible endpoints named in settings (`promptWorkbench.openai.endpoints`), each a
 * provider of its own: the endpoint `{name: "ollama", baseUrl: "http://127.0.0.1:11434/v1"}`
 * serves the model ids `ollama/<model>` (`ollama/llama3.2`, `ollama/qwen2.5:7b`).
 */
import type { ModelInfo } from '../catalog/builtinModels';
import { OpenAiCompatibleProvider } from './openaiCompatible';
import type { ProviderRegistry } from './providerRegistry';

export interface EndpointConfig {
  /** Lower case; the provider part of model ids. */
  name: string;
  baseUrl: string;
  /**
   * Marks an endpoint that needs a key, kept in the editor's secret storage (the command Set
   * Endpoint API Key offers these first). A stored key is sent either way.
   */
  apiKeySecret: boolean;
  /** An environment variable holding the key, for machines without a keyring and for the CLI. */
  apiKeyEnv?: string;
}

/** Provider ids built into Prompt Workbench; an endpoint cannot take them. */
export const RESERVED_PROVIDER_IDS: readonly string[] = ['bedrock', 'echo'];

const NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** Reads the setting's value; bad entries are skipped and explained in `problems`. */
export function readEndpointConfigs(raw: unknown): { endpoints: EndpointConfig[]; problems: string[] } {
  const endpoints: EndpointConfig[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { endpoints, problems };
  if (!Array.isArray(raw)) return { endpoints, problems: ['promptWorkbench.openai.endpoints must be a list of {name, baseUrl}.'] };
  raw.forEach((entry: unknown, index) => {
    const at = `promptWorkbench.openai.endpoints[${index}]`;
    if (typeof entry !== 'object' || entry === null) return void problems.push(`${at} must be an object {name, baseUrl}.`);
    const { name, baseUrl, apiKeySecret, apiKeyEnv } = entry as Record<string, unknown>;
    const id = typeof name === 'string' ? name.trim().toLowerCase() : '';
    if (!NAME.test(id)) return void problems.push(`${at}: the name “${String(name ?? '')}” must be letters, digits, “.”, “_” or “-” (it becomes the provider part of model ids, e.g. ollama/llama3.2).`);
    if (RESERVED_PROVIDER_IDS.includes(id)) return void problems.push(`${at}: the name “${id}” is built in; choose another, e.g. “${id}-proxy”.`);
    if (endpoints.some((e) => e.name === id)) return void problems.push(`${at}: the name “${id}” is used twice; the first one counts.`);
    let url: URL;
    try {
      url = new URL(String(baseUrl ?? ''));
    } catch {
      return void problems.push(`${at} (${id}): baseUrl “${String(baseUrl ?? '')}” is not a URL; write e.g. http://127.0.0.1:11434/v1.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return void problems.push(`${at} (${id}): baseUrl must start with http:// or https://.`);
    const config: EndpointConfig = { name: id, baseUrl: url.toString().replace(/\/+$/, ''), apiKeySecret: apiKeySecret === true };
    if (typeof apiKeyEnv === 'string' && apiKeyEnv.trim()) {
      if (API_KEY_ENV_PATTERN.test(apiKeyEnv.trim())) config.apiKeyEnv = apiKeyEnv.trim();
      else problems.push(`${at} (${id}): apiKeyEnv “${apiKeyEnv.trim()}” is not used: name a variable in capitals that ends in _API_KEY and does not start with AWS_ (e.g. ${id.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY).`);
    }
    endpoints.push(config);
  });
  return { endpoints, problems };
}

/**
 * Where an endpoint's key is kept in secret storage: bound to the endpoint's name AND the
 * origin of its base URL, so an endpoint of the same name at another address never gets it.
 * Without `baseUrl`, the name-only key of earlier versions (read once to move it, see services).
 */
export function endpointSecretKey(name: string, baseUrl?: string): string {
  const legacy = `promptWorkbench.openai.apiKey.${name}`;
  return baseUrl === undefined ? legacy : `${legacy}@${originOf(baseUrl)}`;
}

/** `https://host:port` of a URL (no path, no user-info); the text itself when it is not a URL. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * The names `apiKeyEnv` may give: upper case, ending in `_API_KEY`, and not an AWS variable
 * (`OPENAI_API_KEY`, `GROQ_API_KEY`). Anything else (`AWS_SECRET_ACCESS_KEY`, `HOME`) is refused,
 * so a setting cannot send an unrelated secret of the environment as a bearer token.
 */
export const API_KEY_ENV_PATTERN = /^(?!AWS_)[A-Z][A-Z0-9_]*_API_KEY$/;

/** Loopback endpoints (a local Ollama, LM Studio…) cost nothing per token. */
export function isLocalEndpoint(baseUrl: string): boolean {
  try {
    return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/.test(new URL(baseUrl).hostname);
  } catch {
    return false;
  }
}

/**
 * Makes the registry serve exactly these endpoints: ones gone from the settings are
 * removed, the others (re)defined. Returns the ids now defined, to pass back next time.
 */
export function applyEndpoints(
  registry: ProviderRegistry,
  endpoints: readonly EndpointConfig[],
  previous: readonly string[],
  keyFor: (endpoint: EndpointConfig) => Promise<string | undefined>,
): string[] {
  const now = endpoints.map((e) => e.name);
  for (const id of previous) if (!now.includes(id)) registry.remove(id);
  const defined: string[] = [];
  for (const endpoint of endpoints) {
    const ok = registry.define(endpoint.name, () => new OpenAiCompatibleProvider({ name: endpoint.name, baseUrl: endpoint.baseUrl, apiKey: () => keyFor(endpoint) }));
    if (ok) defined.push(endpoint.name);
  }
  return defined;
}

/** A model an endpoint lists, as the catalog describes it; local servers cost nothing per token. */
export function endpointModelInfo(endpoint: EndpointConfig, modelId: string): ModelInfo {
  const free = isLocalEndpoint(endpoint.baseUrl);
  return {
    id: `${endpoint.name}/${modelId}`,
    name: modelId,
    vendor: endpoint.name,
    contextWindow: 0,
    maxOutputTokens: 0,
    ...(free ? { inputPerMTok: 0, outputPerMTok: 0 } : {}),
    streaming: true,
    images: false,
    kind: /embed/i.test(modelId) ? 'embedding' : 'text',
    source: 'endpoint',
  };
}
