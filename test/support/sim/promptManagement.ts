/**
 * Bedrock Prompt Management in the simulator (the Agents for Amazon Bedrock control plane,
 * `@aws-sdk/client-bedrock-agent`): CreatePrompt, UpdatePrompt, GetPrompt (DRAFT or a numbered
 * version), ListPrompts and CreatePromptVersion, kept in memory per server; and Converse with a
 * prompt (version) ARN as the model id, which renders the stored template with
 * `promptVariables` and answers as the variant's model would.
 *
 * Scripted failures: a request signed with an access key id starting `DENYPROMPTS` gets
 * AccessDeniedException (publishing without permission); an unknown prompt id or version is
 * ResourceNotFoundException; Converse with a prompt and `system`, `inferenceConfig` or
 * `additionalModelRequestFields` is a ValidationException, as Bedrock says.
 */
import { randomBytes } from 'node:crypto';
import type { SimulatorExtension, SimulatorRequest, SimulatorServices } from './extensions';

const ACCOUNT = '123456789012';

interface Variant {
  name: string;
  templateType: 'TEXT' | 'CHAT';
  templateConfiguration: {
    text?: { text: string; inputVariables?: { name: string }[] };
    chat?: { messages: { role: string; content: { text?: string }[] }[]; system?: { text?: string }[]; inputVariables?: { name: string }[] };
  };
  modelId?: string;
  inferenceConfiguration?: { text?: Record<string, unknown> };
  additionalModelRequestFields?: Record<string, unknown>;
  metadata?: { key: string; value: string }[];
}

interface PromptState {
  id: string;
  name: string;
  description?: string;
  defaultVariant?: string;
  variants: Variant[];
  createdAt: string;
  updatedAt: string;
}

interface StoredPrompt {
  draft: PromptState;
  versions: (PromptState & { version: string; versionDescription?: string })[];
}

export function promptManagementSimulator(services: SimulatorServices): SimulatorExtension {
  const prompts = new Map<string, StoredPrompt>();
  const arnOf = (region: string, id: string, version?: string) => `arn:aws:bedrock:${region}:${ACCOUNT}:prompt/${id}${version && version !== 'DRAFT' ? `:${version}` : ''}`;
  const view = (region: string, state: PromptState, version: string) => ({
    name: state.name,
    ...(state.description ? { description: state.description } : {}),
    ...(state.defaultVariant ? { defaultVariant: state.defaultVariant } : {}),
    variants: state.variants,
    id: state.id,
    arn: arnOf(region, state.id, version),
    version,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
  });
  const notFound = (req: SimulatorRequest, what: string) => req.sendError({ status: 404, type: 'ResourceNotFoundException', message: `${what} not found.` });
  const validation = (req: SimulatorRequest, message: string) => req.sendError({ status: 400, type: 'ValidationException', message });
  /** The prompt an identifier (id or ARN, with or without `:version`) names. */
  const lookup = (identifier: string): { stored: StoredPrompt; version?: string } | undefined => {
    const m = /prompt\/([A-Z0-9]+)(?::(\d+|DRAFT))?$/.exec(identifier) ?? /^([A-Z0-9]+)$/.exec(identifier);
    const stored = m ? prompts.get(m[1]) : undefined;
    return stored ? { stored, version: m?.[2] } : undefined;
  };

  function checkVariants(req: SimulatorRequest, variants: unknown): variants is Variant[] {
    if (!Array.isArray(variants) || variants.length > 1) {
      validation(req, 'variants: a prompt has at most one variant.');
      return false;
    }
    for (const v of variants as Variant[]) {
      if (!v?.name || (v.templateType !== 'TEXT' && v.templateType !== 'CHAT') || !v.templateConfiguration) {
        validation(req, 'variants: each needs name, templateType (TEXT or CHAT) and templateConfiguration.');
        return false;
      }
    }
    return true;
  }

  function render(template: string, vars: Record<string, { text?: string }>, missing: Set<string>): string {
    return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, name: string) => {
      const value = vars[name]?.text;
      if (typeof value !== 'string') {
        missing.add(name);
        return '';
      }
      return value;
    });
  }

  /** Converse with a prompt ARN as the model: the stored template rendered, answered as its model. */
  function converseWithPrompt(req: SimulatorRequest, identifier: string): void {
    const found = lookup(identifier);
    if (!found) return notFound(req, `Prompt ${identifier}`);
    const state = found.version && found.version !== 'DRAFT' ? found.stored.versions.find((v) => v.version === found.version) : found.stored.draft;
    if (!state) return notFound(req, `Version ${found.version} of prompt ${found.stored.draft.id}`);
    for (const field of ['system', 'inferenceConfig', 'additionalModelRequestFields', 'toolConfig']) {
      if (req.body[field] !== undefined) return validation(req, `${field} cannot be sent with a prompt resource as the model id.`);
    }
    const variant = state.variants.find((v) => v.name === state.defaultVariant) ?? state.variants[0];
    if (!variant?.modelId) return validation(req, 'The prompt has no variant with a model id.');
    const vars = (req.body.promptVariables ?? {}) as Record<string, { text?: string }>;
    const missing = new Set<string>();
    const cfg = variant.templateConfiguration;
    const system = (cfg.chat?.system ?? []).map((b) => ({ text: render(b.text ?? '', vars, missing) }));
    const messages = cfg.text
      ? [{ role: 'user', content: [{ text: render(cfg.text.text, vars, missing) }] }]
      : (cfg.chat?.messages ?? []).map((m) => ({ role: m.role, content: m.content.map((c) => ({ text: render(c.text ?? '', vars, missing) })) }));
    if (missing.size) return validation(req, `promptVariables: no value for ${[...missing].join(', ')}.`);
    // Messages sent with the call are appended after the template's.
    const appended = Array.isArray(req.body.messages) ? (req.body.messages as typeof messages) : [];
    const body: Record<string, unknown> = { messages: [...messages, ...appended], ...(system.length ? { system } : {}) };
    if (variant.inferenceConfiguration?.text) body.inferenceConfig = variant.inferenceConfiguration.text;
    services.log(`converse with prompt ${identifier} → ${variant.modelId}`);
    const answer = services.converse(variant.modelId, body);
    if (answer.error) return req.sendError(answer.error);
    req.sendJson(200, { ...answer.output, metrics: { latencyMs: 1 } });
  }

  return {
    route(req) {
      const { method, segments } = req;
      // Converse(Stream) with a prompt ARN as the model id: only the non-streaming call is served.
      if (method === 'POST' && segments.length === 3 && segments[0] === 'model' && (segments[2] === 'converse' || segments[2] === 'converse-stream')) {
        const modelId = decodeURIComponent(segments[1]);
        if (!/^arn:aws:bedrock:[^:]*:\d+:prompt\//.test(modelId)) return false;
        req.setModelId(modelId);
        if (segments[2] === 'converse-stream') {
          validation(req, 'The simulator serves prompts through Converse only.');
          return true;
        }
        converseWithPrompt(req, modelId);
        return true;
      }
      if (segments[0] !== 'prompts') return false;
      if (/Credential=DENYPROMPTS/.test(req.headers.authorization ?? '')) {
        req.sendError({ status: 403, type: 'AccessDeniedException', message: 'User is not authorized to perform: bedrock:CreatePrompt on resource: * (scripted by the simulator).' });
        return true;
      }
      const identifier = segments[1] ? decodeURIComponent(segments[1]) : '';
      const now = new Date().toISOString();
      // CreatePrompt: POST /prompts/
      if (method === 'POST' && !identifier) {
        const { name, description, defaultVariant, variants } = req.body as Partial<PromptState>;
        if (typeof name !== 'string' || !/^([0-9a-zA-Z][_-]?){1,100}$/.test(name)) {
          validation(req, `name: ${JSON.stringify(name)} does not match ([0-9a-zA-Z][_-]?){1,100}.`);
          return true;
        }
        if ([...prompts.values()].some((p) => p.draft.name === name)) {
          req.sendError({ status: 409, type: 'ConflictException', message: `A prompt named ${name} already exists.` });
          return true;
        }
        if (!checkVariants(req, variants ?? [])) return true;
        const id = randomBytes(5).toString('hex').toUpperCase();
        const draft: PromptState = { id, name, description, defaultVariant, variants: variants ?? [], createdAt: now, updatedAt: now };
        prompts.set(id, { draft, versions: [] });
        req.sendJson(201, view(req.region, draft, 'DRAFT'));
        return true;
      }
      // ListPrompts: GET /prompts/
      if (method === 'GET' && !identifier) {
        const summaries = [...prompts.values()].map(({ draft }) => ({
          name: draft.name,
          ...(draft.description ? { description: draft.description } : {}),
          id: draft.id,
          arn: arnOf(req.region, draft.id),
          version: 'DRAFT',
          createdAt: draft.createdAt,
          updatedAt: draft.updatedAt,
        }));
        req.sendJson(200, { promptSummaries: summaries });
        return true;
      }
      const found = lookup(identifier);
      if (!found) {
        notFound(req, `Prompt ${identifier}`);
        return true;
      }
      const { stored } = found;
      // CreatePromptVersion: POST /prompts/{id}/versions
      if (method === 'POST' && segments[2] === 'versions') {
        const version = String(stored.versions.length + 1);
        const snapshot = { ...structuredClone(stored.draft), version, versionDescription: req.body.description as string | undefined, createdAt: now, updatedAt: now };
        stored.versions.push(snapshot);
        req.sendJson(201, view(req.region, snapshot, version));
        return true;
      }
      // UpdatePrompt: PUT /prompts/{id}/
      if (method === 'PUT') {
        const { name, description, defaultVariant, variants } = req.body as Partial<PromptState>;
        if (typeof name !== 'string') {
          validation(req, 'name is required.');
          return true;
        }
        if (!checkVariants(req, variants ?? [])) return true;
        stored.draft = { ...stored.draft, name, description, defaultVariant, variants: variants ?? [], updatedAt: now };
        req.sendJson(200, view(req.region, stored.draft, 'DRAFT'));
        return true;
      }
      // GetPrompt: GET /prompts/{id}/?promptVersion=N
      if (method === 'GET') {
        const version = req.url.searchParams.get('promptVersion') ?? found.version ?? 'DRAFT';
        const state = version === 'DRAFT' ? stored.draft : stored.versions.find((v) => v.version === version);
        if (!state) notFound(req, `Version ${version} of prompt ${stored.draft.id}`);
        else req.sendJson(200, view(req.region, state, version));
        return true;
      }
      return false;
    },
  };
}
