import * as l10n from '@vscode/l10n';
import { isMap, isScalar, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { GenerationConfig } from '../providers/types';
import { LineIndex, type DiagnosticRange, type PromptDiagnostic } from './promptDiagnostics';
import { analyzeTemplate, type PartialReference, type VariableUse } from './templateSyntax';

export type { DiagnosticRange, DiagnosticSeverity, PromptDiagnostic } from './promptDiagnostics';
export type { PartialReference, VariableUse } from './templateSyntax';

export interface ParsedPrompt {
  /** No diagnostic of severity `error`. */
  ok: boolean;
  diagnostics: PromptDiagnostic[];
  /** The frontmatter as YAML gives it ({} when there is none or it is not a mapping). */
  frontmatter: Record<string, unknown>;
  /** What follows the frontmatter, untrimmed, so that line N of it is line templateStartLine + N of the file. */
  template: string;
  /** 0-based line of the file on which the template starts. */
  templateStartLine: number;
  name?: string;
  version?: number;
  model?: string;
  config: GenerationConfig;
  /** `input.schema` as written (Picoschema or JSON Schema). */
  inputSchema?: unknown;
  inputDefaults: Record<string, unknown>;
  /** The dotted `workbench.*` keys, without the `workbench.` prefix. */
  workbench: Record<string, unknown>;
  /** Top-level variables the template reads, excluding helpers, `@` data, `this` and block params. */
  variables: string[];
  /** Each read of those variables with its range (for editor features). */
  variableUses: VariableUse[];
  /** False when Handlebars rejected the template: `variables`, `variableUses` and `partials` are then unknown, not empty. */
  templateParsed: boolean;
  /** Partials the template includes with `{{> name}}`. */
  partials: PartialReference[];
}

/** A fence line as dotprompt's frontmatter pattern accepts it: `---` and nothing but whitespace after. */
const FENCE_LINE = /^---\s*$/;
const MAX_YAML_DIAGNOSTICS = 50;
/** yaml's composer slows down worse than linearly on long mappings; real frontmatter is a few KB. */
const MAX_FRONTMATTER_CHARS = 128 * 1024;
const WORKBENCH_PREFIX = 'workbench.';

/** Parses a `.prompt` file into its parts and a list of problems. Never throws, whatever the input. */
export function parsePromptSource(source: string, options: { path?: string } = {}): ParsedPrompt {
  const text = typeof source === 'string' ? source : String(source ?? '');
  try {
    return parseText(text);
  } catch (error) {
    // A bug in this parser must not take down the editor or the CLI that called it.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ...emptyParse(text),
      ok: false,
      diagnostics: [{ severity: 'error', code: 'internal-error', message: l10n.t('Could not check {0}: {1}', options.path ?? l10n.t('this prompt'), reason), range: new LineIndex(text).lineRange(0) }],
    };
  }
}

function emptyParse(source: string): ParsedPrompt {
  return { ok: true, diagnostics: [], frontmatter: {}, template: source, templateStartLine: 0, config: {}, inputDefaults: {}, workbench: {}, variables: [], variableUses: [], templateParsed: false, partials: [] };
}

type FrontmatterSplit =
  | { kind: 'none' | 'unclosed' }
  | { kind: 'empty' | 'fence-at-end'; closeLine: number }
  | { kind: 'closed'; closeLine: number; yamlStart: number; yamlEnd: number; bodyStart: number };

/**
 * Finds the frontmatter the way dotprompt's pattern does, but line by line: that pattern
 * backtracks quadratically on some inputs without a closing fence, and it silently reads
 * the whole file as template in the cases reported below as `unclosed`, `empty` and `fence-at-end`.
 */
function splitFrontmatter(source: string, positions: LineIndex): FrontmatterSplit {
  if (!FENCE_LINE.test(positions.lineText(0).replace(/^\uFEFF/, ''))) return { kind: 'none' };
  // Jump from one `---` to the next rather than testing every line: a huge file has few.
  for (let offset = source.indexOf('---', 3); offset >= 0; offset = source.indexOf('---', offset + 3)) {
    const line = positions.position(offset).line;
    if (positions.lineStart(line) !== offset || !FENCE_LINE.test(positions.lineText(line))) continue;
    if (line === positions.lineCount - 1) return { kind: 'fence-at-end', closeLine: line };
    const yamlStart = positions.lineStart(1);
    const yamlEnd = positions.lineStart(line);
    if (source.slice(yamlStart, yamlEnd).trim() === '') return { kind: 'empty', closeLine: line };
    return { kind: 'closed', closeLine: line, yamlStart, yamlEnd, bodyStart: positions.lineStart(line + 1) };
  }
  return { kind: 'unclosed' };
}

function parseText(source: string): ParsedPrompt {
  const positions = new LineIndex(source);
  const diagnostics: PromptDiagnostic[] = [];
  const nulOffset = source.indexOf('\u0000');
  if (nulOffset >= 0) {
    const line = positions.position(nulOffset).line;
    diagnostics.push({ severity: 'warning', code: 'binary-content', message: l10n.t('This file contains NUL characters: it looks like a binary file, not a .prompt file'), range: positions.lineRange(line) });
  }

  const split = splitFrontmatter(source, positions);
  const frontmatterError = (code: string, message: string, line: number): void => {
    diagnostics.push({ severity: 'error', code, message: l10n.t('Frontmatter: {0}', message), range: positions.lineRange(line) });
  };
  let frontmatter: FrontmatterValues = { values: {}, rangeOfKey: () => positions.lineRange(0) };
  let templateStartOffset = 0;
  if (split.kind === 'unclosed') {
    frontmatterError('frontmatter-unclosed', 'the --- on line 1 opens frontmatter that is never closed; add a line with --- after the last field', 0);
  } else if (split.kind === 'fence-at-end') {
    frontmatterError('frontmatter-fence-at-end', 'the closing --- must end with a line break; without one dotprompt reads the whole file as template', split.closeLine);
  } else if (split.kind === 'empty') {
    frontmatterError('frontmatter-empty', 'there is nothing between the --- lines, so dotprompt would send them as text; add a field (e.g. name:) or remove both lines', 0);
  } else if (split.kind === 'closed' && split.yamlEnd - split.yamlStart > MAX_FRONTMATTER_CHARS) {
    const size = `${Math.round((split.yamlEnd - split.yamlStart) / 1024)} KB`;
    frontmatterError('frontmatter-too-large', `${size} is more than the ${MAX_FRONTMATTER_CHARS / 1024} KB that is checked; move large data into the template or a dataset file`, 0);
    templateStartOffset = split.bodyStart;
  } else if (split.kind === 'closed') {
    frontmatter = readFrontmatter(source, split.yamlStart, split.yamlEnd, positions, diagnostics);
    templateStartOffset = split.bodyStart;
  }

  const fields = readFields(frontmatter, diagnostics);
  const template = source.slice(templateStartOffset);
  const templateAnalysis = analyzeTemplate(template, templateStartOffset, positions);
  diagnostics.push(...templateAnalysis.diagnostics);
  diagnostics.sort((a, b) => a.range.startLine - b.range.startLine || a.range.startCol - b.range.startCol);
  return {
    ...fields,
    ok: !diagnostics.some((diagnostic) => diagnostic.severity === 'error'),
    diagnostics,
    frontmatter: frontmatter.values,
    template,
    templateStartLine: positions.position(templateStartOffset).line,
    variables: templateAnalysis.variables,
    variableUses: templateAnalysis.variableUses,
    templateParsed: templateAnalysis.templateParsed,
    partials: templateAnalysis.partials,
  };
}

interface FrontmatterValues {
  values: Record<string, unknown>;
  /** Where a top-level key's value is written (its key when it has no value; the first line when absent). */
  rangeOfKey(key: string): DiagnosticRange;
}

function readFrontmatter(source: string, yamlStart: number, yamlEnd: number, positions: LineIndex, diagnostics: PromptDiagnostic[]): FrontmatterValues {
  // Duplicate keys are found by indexYamlNodes: yaml's own `uniqueKeys` check is quadratic in the keys of a mapping.
  // logLevel silent: yaml would otherwise print warnings on the extension host's stderr.
  const document = parseDocument(source.slice(yamlStart, yamlEnd), { prettyErrors: false, uniqueKeys: false, logLevel: 'silent' });
  const fileRange = (start: number, end: number): DiagnosticRange => positions.range(yamlStart + start, yamlStart + end);
  const lineOf = (offset: number): number => positions.position(yamlStart + offset).line + 1;
  const firstLineRange = positions.lineRange(1);

  const nodes = indexYamlNodes(document);
  const problems = [
    ...document.errors.map((problem) => ({ severity: 'error' as const, code: problem.code, ...describeYamlProblem(problem, nodes) })),
    ...[...nodes.duplicateKeyByStart].map(([start, duplicate]) => ({
      severity: 'error' as const,
      code: 'DUPLICATE_KEY',
      message: l10n.t('YAML: duplicate key "{0}" (first set on line {1}); keep one', duplicate.key, lineOf(duplicate.firstStart)),
      start,
      end: duplicate.end,
    })),
    ...document.warnings.map((problem) => ({ severity: 'warning' as const, code: problem.code, ...describeYamlProblem(problem, nodes) })),
  ];
  for (const { severity, code, message, start, end } of problems.slice(0, MAX_YAML_DIAGNOSTICS)) {
    const rangeEnd = end ?? positions.lineEnd(positions.position(yamlStart + start).line) - yamlStart;
    diagnostics.push({ severity, code: `yaml-${code.toLowerCase().replace(/_/g, '-')}`, message, range: fileRange(start, rangeEnd) });
  }

  let parsed: unknown = null;
  try {
    parsed = document.toJS();
  } catch (error) {
    // e.g. an alias to an anchor that does not exist, or an alias bomb past yaml's limit.
    diagnostics.push({ severity: 'error', code: 'yaml-invalid', message: `YAML: ${error instanceof Error ? error.message : String(error)}`, range: firstLineRange });
  }
  if (parsed !== null && parsed !== undefined && !isPlainRecord(parsed)) {
    diagnostics.push({ severity: 'error', code: 'frontmatter-not-mapping', message: l10n.t('Frontmatter: write it as key: value lines (a YAML mapping)'), range: firstLineRange });
  }

  const rangeOfKey = (key: string): DiagnosticRange => {
    const pair = isMap(document.contents) ? document.contents.items.find((item) => isScalar(item.key) && item.key.value === key) : undefined;
    const node = (pair?.value ?? pair?.key) as { range?: [number, number, number] } | undefined;
    return node?.range ? fileRange(node.range[0], node.range[1]) : firstLineRange;
  };
  return { values: isPlainRecord(parsed) ? parsed : {}, rangeOfKey };
}

interface YamlNodeIndex {
  /** Opening-quote offset of each quoted scalar, by the offset where it ends. */
  quotedStartByEnd: Map<number, number>;
  /** Each key that repeats one before it in the same mapping, by its offset: its text, its end, where the first one is. */
  duplicateKeyByStart: Map<number, { key: string; end: number; firstStart: number }>;
}

function indexYamlNodes(document: Document): YamlNodeIndex {
  const index: YamlNodeIndex = { quotedStartByEnd: new Map(), duplicateKeyByStart: new Map() };
  visit(document, {
    Scalar(_, node) {
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range) index.quotedStartByEnd.set(node.range[1], node.range[0]);
    },
    Map(_, node) {
      const firstStartByKey = new Map<unknown, number>();
      for (const pair of node.items) {
        if (!isScalar(pair.key) || !pair.key.range) continue;
        const firstStart = firstStartByKey.get(pair.key.value);
        if (firstStart === undefined) firstStartByKey.set(pair.key.value, pair.key.range[0]);
        else index.duplicateKeyByStart.set(pair.key.range[0], { key: String(pair.key.value), end: pair.key.range[1], firstStart });
      }
    },
  });
  return index;
}

/** Offsets are in the YAML text; `end` undefined means "to the end of that line". */
function describeYamlProblem(problem: YAMLError, nodes: YamlNodeIndex): { message: string; start: number; end?: number } {
  const [start, end] = problem.pos;
  if (problem.code === 'MISSING_CHAR' && /quote/.test(problem.message)) {
    // yaml reports where it ran out of text; the person needs to see where the string began.
    const quoteStart = nodes.quotedStartByEnd.get(start);
    if (quoteStart !== undefined) return { message: `YAML: this quoted text is never closed (${problem.message.replace(/quote$/, '').trim().toLowerCase()} quote)`, start: quoteStart };
  }
  if (problem.code === 'TAB_AS_INDENT') return { message: l10n.t('YAML: tabs are not allowed as indentation; indent with spaces'), start, end };
  return { message: `YAML: ${problem.message.split('\n')[0]}`, start, end: Math.max(end, start + 1) };
}

type FrontmatterFields = Pick<ParsedPrompt, 'name' | 'version' | 'model' | 'config' | 'inputSchema' | 'inputDefaults' | 'workbench'>;

const NUMERIC_CONFIG_KEYS = ['temperature', 'topP', 'topK', 'maxOutputTokens'];

function readFields({ values, rangeOfKey }: FrontmatterValues, diagnostics: PromptDiagnostic[]): FrontmatterFields {
  const report = (key: string, message: string, code = 'frontmatter-field', severity: PromptDiagnostic['severity'] = 'error'): void => {
    diagnostics.push({ severity, code, message: l10n.t('Frontmatter: {0}', message), range: rangeOfKey(key) });
  };
  const text = (key: string): string | undefined => {
    const value = values[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' && value.trim() !== '') return value;
    report(key, typeof value === 'string' ? l10n.t('{0} is empty', key) : l10n.t('{0} must be text, found {1}', key, describeValue(value)));
    return undefined;
  };
  const mapping = (key: string, value: unknown): Record<string, unknown> | undefined => {
    if (value === undefined || value === null) return undefined;
    if (isPlainRecord(value)) return value;
    report(key.split('.')[0], l10n.t('{0} must be a mapping of key: value, found {1}', key, describeValue(value)));
    return undefined;
  };

  text('description');
  const fields: FrontmatterFields = { name: text('name'), model: text('model'), config: {}, inputDefaults: {}, workbench: {} };

  const version = values.version;
  if (typeof version === 'number' && Number.isInteger(version) && version >= 1) fields.version = version;
  else if (version !== undefined) report('version', l10n.t('version must be a positive whole number (1, 2, 3 …), found {0}', describeValue(version)), 'version-invalid');

  const config = mapping('config', values.config) ?? {};
  for (const key of NUMERIC_CONFIG_KEYS) {
    if (config[key] !== undefined && typeof config[key] !== 'number') report('config', l10n.t('config.{0} must be a number, found {1}', key, describeValue(config[key])));
  }
  const stops = config.stopSequences;
  if (stops !== undefined && !(Array.isArray(stops) && stops.every((stop) => typeof stop === 'string'))) {
    report('config', l10n.t('config.stopSequences must be a list of text, found {0}', describeValue(stops)));
  }
  fields.config = config as GenerationConfig;

  const input = mapping('input', values.input);
  fields.inputSchema = input?.schema ?? undefined;
  fields.inputDefaults = mapping('input.default', input?.default) ?? {};

  for (const [key, value] of Object.entries(values)) {
    if (key.startsWith(WORKBENCH_PREFIX) && key.length > WORKBENCH_PREFIX.length) fields.workbench[key.slice(WORKBENCH_PREFIX.length)] = value;
  }
  if (values.workbench !== undefined) {
    report('workbench', l10n.t('dotprompt ignores a workbench: block; write each setting as a dotted key, e.g. workbench.compare: [...]'), 'workbench-block', 'warning');
  }
  return fields;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (Array.isArray(value)) return l10n.t('a list');
  if (isPlainRecord(value)) return l10n.t('a mapping');
  return String(value);
}
