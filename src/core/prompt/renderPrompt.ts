import * as l10n from '@vscode/l10n';
import { readFile } from 'fs/promises';
import * as path from 'path';
import {
  Dotprompt,
  picoschema,
  type DataArgument,
  type PromptMetadata,
  type RenderedPrompt as DotpromptRenderedPrompt,
  type ToolDefinition,
} from 'dotprompt';
import type { ChatMessage, GenerationConfig } from '../providers/types';
import { contentHash } from './contentHash';
import { parsePromptSource, type ParsedPrompt, type PartialReference } from './parsePrompt';
import { LineIndex, type DiagnosticRange, type PromptDiagnostic } from './promptDiagnostics';
import { analyzeTemplate } from './templateSyntax';
import { CACHE_POINT_HELPER, cachePointHelper, placeCachePoints, readCacheConfig } from './cacheConfig';
import { MEDIA_SCHEMA, MEDIA_TYPE, resolveWorkbenchSchema } from '../media/mediaInputs';

export type PartialResolver = (name: string) => string | undefined | Promise<string | undefined>;

export interface PromptEngineOptions {
  partialResolver?: PartialResolver;
  /** Named schemas a `schema:` may refer to. */
  schemas?: Record<string, unknown>;
  /** Tool definitions by name, for `tools:` in the frontmatter. */
  tools?: Record<string, unknown>;
  /** Partials registered up front, by name. */
  partials?: Record<string, string>;
  /** Helpers besides dotprompt's own (the workbench's `cachePoint`). */
  helpers?: Record<string, (...args: unknown[]) => unknown>;
}

/** dotprompt's own render API, unchanged: the conformance suite drives exactly this. */
export interface PromptEngine {
  render(source: string, data?: DataArgument, options?: PromptMetadata): Promise<DotpromptRenderedPrompt>;
  renderMetadata(source: string, options?: PromptMetadata): Promise<PromptMetadata>;
  definePartial(name: string, source: string): void;
}

export function createPromptEngine(options: PromptEngineOptions = {}): PromptEngine {
  const { partialResolver } = options;
  const dotprompt = new Dotprompt({
    schemas: options.schemas,
    tools: options.tools as Record<string, ToolDefinition> | undefined,
    partials: options.partials,
    helpers: options.helpers as never,
    partialResolver: partialResolver ? async (name) => (await partialResolver(name)) ?? null : undefined,
  });
  return {
    render: (source, data, renderOptions) => dotprompt.render(source, data, renderOptions),
    renderMetadata: (source, metadataOptions) => dotprompt.renderMetadata(source, metadataOptions),
    definePartial: (name, source) => void dotprompt.definePartial(name, source),
  };
}

export interface RenderedPrompt {
  /** The frontmatter's name, else the file's name without `.prompt`. */
  name: string;
  /** The frontmatter's version, 1 when it has none. */
  version: number;
  contentHash: string;
  /** The exact text that was rendered, so that a run can keep it with its version. */
  source: string;
  model?: string;
  config: GenerationConfig;
  messages: ChatMessage[];
  /** Required inputs with no value (from `input.schema`; without a schema, template variables with no value). */
  missingInputs: string[];
  /** `workbench.cache: tools`: the request's tool definitions end with a cache point. */
  cacheTools?: boolean;
}

/** A prompt that cannot be rendered, with every problem found in it. */
export class PromptError extends Error {
  override readonly name = 'PromptError';

  constructor(
    message: string,
    readonly diagnostics: PromptDiagnostic[],
  ) {
    super(message);
  }

  /** "email-summary.prompt line 4: YAML: …", from the first error. */
  static fromDiagnostics(label: string, diagnostics: PromptDiagnostic[]): PromptError {
    const first = diagnostics.find((diagnostic) => diagnostic.severity === 'error') ?? diagnostics[0];
    return new PromptError(first ? l10n.t('{0} line {1}: {2}', label, first.range.startLine + 1, first.message) : l10n.t('{0}: cannot be rendered', label), diagnostics);
  }
}

export interface RenderPromptOptions {
  /** Folder where `{{> name}}` finds `_name.prompt` (or `name.prompt`); defaults to the prompt's own folder. */
  partialDir?: string;
  /** The prompt's file, for its default name and for messages. */
  path?: string;
  /** The source already parsed (a `PromptDocument`'s), so that it is not parsed again. */
  parsed?: ParsedPrompt;
  /** Earlier turns of the conversation: dotprompt's `history` (placed at `{{history}}`, else before the last user message). */
  history?: ChatMessage[];
}

/** Renders a `.prompt` source with the given inputs: the one render path of the project. */
export async function renderPrompt(source: string, vars: Record<string, unknown>, options: RenderPromptOptions = {}): Promise<RenderedPrompt> {
  const parsed = options.parsed ?? parsePromptSource(source, { path: options.path });
  const name = parsed.name ?? (options.path ? path.basename(options.path, '.prompt') : 'prompt');
  const label = options.path ? path.basename(options.path) : `${name}.prompt`;
  if (!parsed.ok) throw PromptError.fromDiagnostics(label, parsed.diagnostics);

  const input = { ...parsed.inputDefaults, ...definedOnly(vars) };
  const missingInputs = await findMissingInputs(parsed, input, label);
  const partialDir = options.partialDir ?? (options.path ? path.dirname(options.path) : undefined);
  // Handlebars keeps partials in one registry shared by every Dotprompt instance, so each render
  // registers fresh copies of the partials it uses rather than trusting an earlier render's.
  const partials = await loadPartials(parsed.partials, partialDir, label);

  let rendered: DotpromptRenderedPrompt;
  try {
    rendered = await createPromptEngine({ partials, schemas: { [MEDIA_TYPE]: MEDIA_SCHEMA }, helpers: { [CACHE_POINT_HELPER]: cachePointHelper } }).render(source.replace(/^\uFEFF/, ''), { input, ...(options.history ? { messages: options.history as NonNullable<DataArgument['messages']> } : {}) });
  } catch (error) {
    const message = `Rendering failed: ${error instanceof Error ? error.message : String(error)}`;
    throw PromptError.fromDiagnostics(label, [{ severity: 'error', code: 'render-failed', message, range: templateRange(parsed) }]);
  }
  const cache = readCacheConfig(parsed.workbench.cache).config;
  return {
    name,
    version: parsed.version ?? 1,
    contentHash: contentHash(source),
    source,
    model: rendered.model,
    config: (rendered.config ?? {}) as GenerationConfig,
    messages: placeCachePoints(
      rendered.messages.map((message) => ({ role: message.role, content: message.content as ChatMessage['content'] })),
      cache,
    ),
    missingInputs,
    ...(cache?.tools ? { cacheTools: true } : {}),
  };
}

/** A resolver for `{{> name}}` that reads `<folder>/_name.prompt`, then `<folder>/name.prompt`. */
export function createPartialFileResolver(folder: string): (name: string) => Promise<string | undefined> {
  const root = path.resolve(folder);
  return async (name) => {
    const candidates = [path.join(path.dirname(name), `_${path.basename(name)}.prompt`), `${name}.prompt`].map((relative) => path.resolve(root, relative));
    for (const file of candidates) {
      if (!file.startsWith(root + path.sep)) continue; // `{{> ../../secret}}` must not read outside the folder
      try {
        return await readFile(file, 'utf8');
      } catch {
        // not this candidate; try the next
      }
    }
    return undefined;
  };
}

async function loadPartials(references: PartialReference[], partialDir: string | undefined, label: string): Promise<Record<string, string>> {
  const resolve = partialDir ? createPartialFileResolver(partialDir) : undefined;
  const loaded: Record<string, string> = {};
  // Each entry keeps the top-level reference it came from, which is where a problem is shown.
  const pending = references.map((reference) => ({ name: reference.name, shownAt: reference }));
  while (pending.length > 0) {
    const { name, shownAt } = pending.shift()!;
    if (name in loaded) continue;
    const content = resolve ? await resolve(name) : undefined;
    if (content === undefined) {
      const where = partialDir ? l10n.t('{0} or {1} in {2}', `_${name}.prompt`, `${name}.prompt`, partialDir) : l10n.t('a partial folder (none was given)');
      throw PromptError.fromDiagnostics(label, [
        { severity: 'error', code: 'partial-not-found', message: l10n.t('Template: partial {0} not found; looked for {1}', `{{> ${name}}}`, where), range: shownAt.range },
      ]);
    }
    const analysis = analyzeTemplate(content, 0, new LineIndex(content));
    const firstError = analysis.diagnostics.find((diagnostic) => diagnostic.severity === 'error');
    if (firstError) {
      const message = `partial ${name} (line ${firstError.range.startLine + 1} of its file): ${firstError.message}`;
      throw PromptError.fromDiagnostics(label, [{ ...firstError, message, range: shownAt.range }]);
    }
    loaded[name] = content;
    pending.push(...analysis.partials.map((nested) => ({ name: nested.name, shownAt })));
  }
  return loaded;
}

async function findMissingInputs(parsed: ParsedPrompt, input: Record<string, unknown>, label: string): Promise<string[]> {
  const hasValue = (name: string): boolean => input[name] !== undefined && input[name] !== null;
  if (parsed.inputSchema === undefined) return parsed.variables.filter((name) => !hasValue(name));
  let schema: { required?: unknown } | null;
  try {
    schema = await picoschema(parsed.inputSchema, { schemaResolver: resolveWorkbenchSchema });
  } catch (error) {
    const message = l10n.t('Frontmatter: input.schema: {0}', error instanceof Error ? error.message : String(error));
    throw PromptError.fromDiagnostics(label, [{ severity: 'error', code: 'input-schema-invalid', message, range: { startLine: 0, startCol: 0, endLine: 0, endCol: 3 } }]);
  }
  const required = Array.isArray(schema?.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
  return required.filter((name) => !hasValue(name));
}

function definedOnly(vars: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(vars ?? {}).filter(([, value]) => value !== undefined));
}

function templateRange(parsed: ParsedPrompt): DiagnosticRange {
  return { startLine: parsed.templateStartLine, startCol: 0, endLine: parsed.templateStartLine, endCol: 0 };
}
