import * as l10n from '@vscode/l10n';
import type { ModelInfo, ModelPrices } from '../../catalog/builtinModels';
import { parsePromptSource, type ParsedPrompt } from '../parsePrompt';
import { LineIndex, type PromptDiagnostic } from '../promptDiagnostics';
import { readDeclaredInputs, type DeclaredInputs } from './declaredInputs';
import { FrontmatterNodes, frontmatterBounds, type FrontmatterBounds } from './frontmatterYaml';
import { formatTokensShort, formatUsd } from '../../format/units';

/** The model catalog as the language features need it (ModelCatalog fits). */
export interface ModelLookup {
  find(id: string): ModelInfo | undefined;
  all(): ModelInfo[];
  /** Prices with their source (settings, AWS Price List, built-in table), where the lookup knows them. */
  pricesOf?(id: string): ModelPrices | undefined;
}

/** The `.prompt` files next to the prompt, which `{{> name}}` may include. */
export interface PartialFiles {
  /** Paths of `.prompt` files relative to the prompt's folder, with `/` between folders. */
  files: readonly string[];
  /** Texts of the partials the prompt includes, by the same relative path, when the host read them. */
  texts?: Readonly<Record<string, string>>;
}

/** What the editor knows beyond the text: the catalog, the providers, the files around it. */
export interface LanguageContext {
  catalog: ModelLookup;
  /** Provider prefixes that can run a model (`bedrock`, `echo`, …); unchecked when absent. */
  providers?: readonly string[];
  /** The model used when the prompt names none (the `promptWorkbench.defaultModel` setting). */
  defaultModel?: string;
  /** The partial files around the prompt; partials are not checked when absent. */
  partials?: PartialFiles;
  /** This file's path relative to its folder, so that it is not offered as its own partial. */
  fileName?: string;
  /** Tools defined in the workspace (`.prompt-workbench/tools/<name>.json`); unknown tool names are not flagged when absent. */
  toolFiles?: readonly string[];
}

/** One parse of a prompt, shared by every language feature that asks about the same text. */
export interface PromptAnalysis {
  text: string;
  lines: LineIndex;
  parsed: ParsedPrompt;
  /** The frontmatter while it is typed, closed or not. */
  bounds?: FrontmatterBounds;
  nodes?: FrontmatterNodes;
  /** What `input.schema` declares; undefined without a schema. */
  inputs?: DeclaredInputs;
  /** Offset where the template starts (0 when the file has no closed frontmatter). */
  templateStart: number;
}

/**
 * The largest file the editor checks as you type: Handlebars' lexer slows down more than
 * linearly (a 5 MB template takes seconds), and at about 4 characters a token 250,000
 * characters are already 60K tokens, a third of most models' context windows. The CLI has no such limit.
 */
export const EDITOR_CHECK_LIMIT_CHARS = 250_000;

/** The one diagnostic a file too large to check as you type gets, or undefined. */
export function tooLargeToCheck(text: string): PromptDiagnostic | undefined {
  if (text.length <= EDITOR_CHECK_LIMIT_CHARS) return undefined;
  const size = text.length >= 1_000_000 ? `${(text.length / 1_000_000).toFixed(1)} million` : text.length.toLocaleString('en-US');
  return {
    severity: 'warning',
    code: 'file-too-large',
    message: l10n.t("This file has {0} characters; Prompt Workbench checks .prompt files of up to {1} characters as you type. Move long text into inputs or a dataset: a prompt this long fills most models' context window.", size, EDITOR_CHECK_LIMIT_CHARS.toLocaleString('en-US')),
    range: { startLine: 0, startCol: 0, endLine: 0, endCol: 0 },
  };
}

let last: PromptAnalysis | undefined;

/** What some features read without parsing: the lines and where the frontmatter ends. */
export interface Surface {
  text: string;
  lines: LineIndex;
  bounds?: FrontmatterBounds;
  /** Offset of the line after the closing `---` (0 without a closed frontmatter). */
  templateStart: number;
}

/** The surface of a text: from the last analysis when it is of the same text, else read afresh. */
export function readSurface(text: string): Surface {
  if (last && last.text === text) return last;
  const lines = new LineIndex(text);
  const bounds = frontmatterBounds(lines);
  const templateStart = bounds?.closed ? lines.lineStart(bounds.endLine + 1) : 0;
  return { text, lines, bounds, templateStart };
}

type ErrorReporter = (feature: string, error: unknown) => void;
let reportError: ErrorReporter = () => undefined;

/** Where a bug in a language feature is reported (the host's log; tests collect them). */
export function onLanguageServiceError(reporter: ErrorReporter): void {
  reportError = reporter;
}

/** Runs a feature so that a bug in it answers `fallback` and is reported, never thrown into the editor. */
export function guarded<T>(feature: string, fallback: T, run: () => T): T {
  try {
    return run();
  } catch (error) {
    reportError(feature, error);
    return fallback;
  }
}

/**
 * Parses once per text: completion, hover and diagnostics for the same keystroke all ask,
 * and a 1,000-line prompt should be parsed once, not five times.
 */
export function analyzePrompt(text: string): PromptAnalysis {
  if (last && last.text === text) return last;
  const lines = new LineIndex(text);
  // Past the limit only the outline's patterns run, on an empty parse; see EDITOR_CHECK_LIMIT_CHARS.
  const tooLarge = tooLargeToCheck(text) !== undefined;
  const parsed = tooLarge ? unparsed(text) : parsePromptSource(text);
  const bounds = frontmatterBounds(lines);
  const nodes = bounds?.closed && !tooLarge ? FrontmatterNodes.read(text, lines, bounds) : undefined;
  const inputs = readDeclaredInputs(parsed.inputSchema, parsed.inputDefaults, nodes);
  let templateStart = parsed.templateStartLine > 0 ? lines.lineStart(parsed.templateStartLine) : 0;
  if (tooLarge && bounds?.closed) templateStart = lines.lineStart(bounds.endLine + 1);
  last = { text, lines, parsed, bounds, nodes, inputs, templateStart };
  return last;
}

function unparsed(text: string): ParsedPrompt {
  return { ok: true, diagnostics: [], frontmatter: {}, template: text, templateStartLine: 0, config: {}, inputDefaults: {}, workbench: {}, variables: [], variableUses: [], templateParsed: false, partials: [] };
}

/** Where `{{> name}}` finds a partial: the rule of renderPrompt's file resolver (`_name.prompt`, then `name.prompt`). */
export function partialCandidates(name: string): string[] {
  const slash = name.lastIndexOf('/');
  const folder = slash >= 0 ? name.slice(0, slash + 1) : '';
  return [`${folder}_${name.slice(slash + 1)}.prompt`, `${name}.prompt`];
}

/** The relative path a partial name resolves to among `files`, if any. */
export function resolvePartial(name: string, files: readonly string[]): string | undefined {
  if (name.split('/').some((part) => part === '..' || part === '')) return undefined;
  const present = new Set(files);
  return partialCandidates(name).find((candidate) => present.has(candidate));
}

/** The names `{{> …}}` can use for the files around a prompt, underscore partials first. */
export function partialNames(files: readonly string[], self?: string): { name: string; path: string; underscore: boolean }[] {
  const names = new Map<string, { name: string; path: string; underscore: boolean }>();
  for (const file of files) {
    if (!file.endsWith('.prompt') || file === self) continue;
    const slash = file.lastIndexOf('/');
    const base = file.slice(slash + 1, -'.prompt'.length);
    const underscore = base.startsWith('_');
    const name = file.slice(0, slash + 1) + (underscore ? base.slice(1) : base);
    if (!name || (names.has(name) && !underscore)) continue;
    names.set(name, { name, path: file, underscore });
  }
  return [...names.values()].sort((a, b) => Number(b.underscore) - Number(a.underscore) || a.name.localeCompare(b.name));
}

/** "Anthropic · 200K context · $0.80 / $4.00 per M tokens". */
export function modelDetail(info: ModelInfo): string {
  const parts = [info.vendor, l10n.t('{0} context', formatTokensShort(info.contextWindow))];
  if (info.kind === 'embedding') parts.push(l10n.t('embedding model'));
  if (info.inputPerMTok !== undefined && info.outputPerMTok !== undefined) parts.push(l10n.t('{0} / {1} per M tokens', formatUsd(info.inputPerMTok), formatUsd(info.outputPerMTok)));
  else if (info.inputPerMTok !== undefined) parts.push(l10n.t('{0} per M input tokens', formatUsd(info.inputPerMTok)));
  return parts.join(' · ');
}

