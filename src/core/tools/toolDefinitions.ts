/**
 * Tools a prompt lets the model call. dotprompt's `tools:` names resolve to definitions
 * written in the prompt (`workbench.tools: {name: {description, inputSchema}}`) or kept in
 * the workspace (`.prompt-workbench/tools/<name>.json`, read through the guarded file layer).
 *
 *     tools: [get_weather]
 *     workbench.toolChoice: auto        # auto | any | <tool name>
 *     workbench.maxTurns: 5             # model turns before the conversation is stopped
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import type { ToolChoice, ToolDefinition } from '../providers/types';
import { schemaValidator } from '../util/jsonSchema';
import { readOwnText, WORKBENCH_DIR } from '../workspace/guardedFs';

export const DEFAULT_MAX_TURNS = 5;
/** Bedrock's rule for tool names (the OpenAI-compatible API has the same). */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** What a prompt says about tools, resolved: the definitions, how the model must choose, the turn limit, the problems. */
export interface PromptTools {
  tools: ToolDefinition[];
  toolChoice?: ToolChoice;
  maxTurns: number;
  /** Sentences for definitions that could not be used (the rest are kept). */
  problems: string[];
}

/** `.prompt-workbench/tools/` of a workspace folder. */
export function toolsDir(workspaceFolder: string): string {
  return path.join(workspaceFolder, WORKBENCH_DIR, 'tools');
}

/** The names `tools:` asks for (dotprompt's list), else every tool `workbench.tools` defines. */
export function requestedToolNames(frontmatter: Record<string, unknown>, workbench: Record<string, unknown>): string[] {
  const listed = frontmatter.tools;
  if (Array.isArray(listed)) return listed.filter((name): name is string => typeof name === 'string');
  if (typeof listed === 'string') return [listed];
  const inline = workbench.tools;
  return inline && typeof inline === 'object' && !Array.isArray(inline) ? Object.keys(inline) : [];
}

/**
 * A definition read from YAML or JSON, checked: a description and an `inputSchema` that is a
 * valid JSON Schema of an object. Returns the definition, or the sentence saying what is wrong.
 */
export function readToolDefinition(name: string, value: unknown): ToolDefinition | string {
  if (!TOOL_NAME.test(name)) return l10n.t('Tool "{0}": a tool name is 1 to 64 letters, digits, _ or -.', name);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return l10n.t('Tool "{0}": the definition must be {description, inputSchema}.', name);
  const { description, inputSchema } = value as { description?: unknown; inputSchema?: unknown };
  if (description !== undefined && typeof description !== 'string') return l10n.t('Tool "{0}": description must be text.', name);
  if (!inputSchema || typeof inputSchema !== 'object' || Array.isArray(inputSchema)) return l10n.t('Tool "{0}": inputSchema must be a JSON Schema object, such as {type: object, properties: {…}}.', name);
  const schema = inputSchema as Record<string, unknown>;
  if (schema.type !== undefined && schema.type !== 'object') return l10n.t('Tool "{0}": inputSchema must describe an object (type: object); models pass tool arguments as an object.', name);
  const compiled = schemaValidator(schema);
  if (typeof compiled === 'string') return l10n.t('Tool "{0}": {1}', name, compiled);
  return { name, description: description ?? name, inputSchema: { type: 'object', ...schema } };
}

/** `workbench.toolChoice`: `auto`, `any`, or a tool's name. */
export function readToolChoice(value: unknown, names: readonly string[]): { choice?: ToolChoice; problem?: string } {
  if (value === undefined || value === null) return {};
  if (value === 'auto' || value === 'any') return { choice: value };
  if (typeof value === 'string' && names.includes(value)) return { choice: { tool: value } };
  return { problem: l10n.t('workbench.toolChoice is auto, any or the name of one of the prompt\'s tools ({0}); "{1}" is none of them.', names.join(', ') || l10n.t('none'), String(value)) };
}

/** `workbench.maxTurns`: a whole number from 1 to 50; otherwise the default. */
export function readMaxTurns(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 50 ? value : DEFAULT_MAX_TURNS;
}

/** Reads `.prompt-workbench/tools/<name>.json`; undefined when there is none. */
export async function readToolFile(workspaceFolder: string, name: string): Promise<ToolDefinition | string | undefined> {
  if (!TOOL_NAME.test(name)) return l10n.t('Tool "{0}": a tool name is 1 to 64 letters, digits, _ or -.', name);
  const file = path.join(toolsDir(workspaceFolder), `${name}.json`);
  let text: string;
  try {
    text = await readOwnText(file, workspaceFolder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return l10n.t('Tool "{0}": {1} could not be read: {2}', name, path.basename(file), (err as Error).message);
  }
  try {
    return readToolDefinition(name, JSON.parse(text));
  } catch (err) {
    return l10n.t('Tool "{0}": {1} is not JSON: {2}', name, `${WORKBENCH_DIR}/tools/${name}.json`, (err as Error).message);
  }
}

/** Resolves a prompt's tools: the prompt's own definitions first, then the workspace's files. */
export async function resolvePromptTools(frontmatter: Record<string, unknown>, workbench: Record<string, unknown>, workspaceFolder: string | undefined): Promise<PromptTools> {
  const names = requestedToolNames(frontmatter, workbench);
  const inline = (workbench.tools && typeof workbench.tools === 'object' ? workbench.tools : {}) as Record<string, unknown>;
  const tools: ToolDefinition[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const found = name in inline ? readToolDefinition(name, inline[name]) : workspaceFolder ? await readToolFile(workspaceFolder, name) : undefined;
    if (found === undefined) problems.push(l10n.t('Tool "{0}" has no definition: add it under workbench.tools or as {1}.', name, `${WORKBENCH_DIR}/tools/${name}.json`));
    else if (typeof found === 'string') problems.push(found);
    else tools.push(found);
  }
  const { choice, problem } = readToolChoice(workbench.toolChoice, tools.map((t) => t.name));
  if (problem) problems.push(problem);
  return { tools, ...(choice && tools.length > 0 ? { toolChoice: choice } : {}), maxTurns: readMaxTurns(workbench.maxTurns), problems };
}
