import * as l10n from '@vscode/l10n';
import { RAG_CONFIG_KEYS } from '../ragConfig';
import { yamlCursor } from './frontmatterYaml';
import { analyzePrompt, guarded, modelDetail, readSurface, type Surface, partialNames, type LanguageContext, type PromptAnalysis } from './promptAnalysis';
import {
  CONFIG_KEYS,
  FRONTMATTER_KEYS,
  INPUT_KEYS,
  MESSAGE_ROLES,
  OUTPUT_FORMATS,
  OUTPUT_KEYS,
  PICOSCHEMA_TYPES,
  TEMPLATE_HELPERS,
  WORKBENCH_KEYS,
  type VocabularyEntry,
} from './promptVocabulary';
import { openBlocksBefore, tagBefore } from './templateCursor';
import { describeInput } from './hover';

export type CompletionKind = 'property' | 'model' | 'value' | 'variable' | 'helper' | 'partial' | 'keyword';

export interface PromptCompletion {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  insertText: string;
  /** `insertText` is a snippet with tab stops. */
  snippet: boolean;
  sortText?: string;
  /** The completion replaces the text from here to the cursor (what has been typed of it). */
  replaceFrom: { line: number; col: number };
}

export interface CursorPosition {
  line: number;
  col: number;
}

/** What may be typed at a position of a `.prompt` file. Never throws. */
export function promptCompletions(text: string, position: CursorPosition, context: LanguageContext): PromptCompletion[] {
  return guarded('completion', [], () => {
    const surface = readSurface(text);
    const { lines, bounds } = surface;
    if (position.line >= lines.lineCount) return [];
    const offset = Math.min(lines.lineStart(position.line) + position.col, lines.lineEnd(position.line));
    if (bounds && position.line >= 1 && position.line < bounds.endLine) return frontmatterCompletions(surface, position, context);
    if (bounds && position.line === 0) return [];
    return templateCompletions(surface, offset, position, context);
  });
}

// Typing a space in prose asks for completion too: the whole parse (Handlebars) waits until
// the cursor is inside a tag, where the prompt's variables are needed.

function fromVocabulary(entries: readonly VocabularyEntry[], kind: CompletionKind, replaceFrom: CursorPosition, skip: readonly string[] = []): PromptCompletion[] {
  return entries
    .filter((entry) => !skip.includes(entry.name))
    .map((entry, index) => ({
      label: entry.name,
      kind,
      detail: l10n.t(entry.summary),
      documentation: l10n.t(entry.doc),
      insertText: entry.snippet ?? entry.name,
      snippet: entry.snippet !== undefined,
      sortText: String(index).padStart(3, '0'),
      replaceFrom,
    }));
}

function frontmatterCompletions(surface: Surface, position: CursorPosition, context: LanguageContext): PromptCompletion[] {
  const cursor = yamlCursor(surface.lines, position.line, position.col);
  if (!cursor) return [];
  const replaceFrom = { line: position.line, col: position.col - cursor.prefix.length };
  if (cursor.kind === 'key') {
    const path = cursor.parents.join('.');
    // In a flow mapping (`config: {temperature: 0.2, |}`) a key is `key: value`, never a block.
    const inline = (entries: readonly VocabularyEntry[]): VocabularyEntry[] =>
      cursor.flow ? entries.map((entry) => ({ ...entry, snippet: `${entry.name}: $1` })) : [...entries];
    if (path === '') {
      const present = presentTopKeys(surface);
      return [...fromVocabulary(FRONTMATTER_KEYS, 'property', replaceFrom, present), ...fromVocabulary(WORKBENCH_KEYS, 'property', replaceFrom, present).map((item) => ({ ...item, sortText: `1${item.sortText}` }))];
    }
    if (path === 'config') return fromVocabulary(inline(CONFIG_KEYS), 'property', replaceFrom);
    if (path === 'input') return fromVocabulary(inline(INPUT_KEYS), 'property', replaceFrom);
    if (path === 'output') return fromVocabulary(inline(OUTPUT_KEYS), 'property', replaceFrom);
    if (path === 'workbench.rag') return fromVocabulary(inline(RAG_CONFIG_KEYS), 'property', replaceFrom);
    return [];
  }
  const path = cursor.path.join('.');
  if (cursor.kind === 'value' && path === 'model') return modelCompletions(context, replaceFrom);
  if (path === 'workbench.compare' && cursor.kind === 'list-item') return modelCompletions(context, replaceFrom);
  if (path === 'workbench.compare' && cursor.kind === 'value' && cursor.prefix === '') {
    return modelCompletions(context, replaceFrom).map((item) => ({ ...item, insertText: `[${item.insertText}\${1}]`, snippet: true }));
  }
  if (cursor.kind === 'value' && path === 'output.format') return fromVocabulary(OUTPUT_FORMATS, 'value', replaceFrom);
  if (cursor.kind === 'value' && cursor.path.length === 3 && path.startsWith('input.schema.')) return fromVocabulary(PICOSCHEMA_TYPES, 'value', replaceFrom);
  return [];
}

/** Keys already written at the top level, so that completion does not offer them twice. */
function presentTopKeys({ lines, bounds }: Surface): string[] {
  const keys: string[] = [];
  for (let line = 1; bounds && line < bounds.endLine; line++) {
    const key = /^([^\s#:][^:]*?)\s*:(\s|$)/.exec(lines.lineText(line));
    if (key) keys.push(key[1]);
  }
  return keys;
}

function modelCompletions(context: LanguageContext, replaceFrom: CursorPosition): PromptCompletion[] {
  return context.catalog
    .all()
    .filter((model) => model.kind === 'text')
    .map((model, index) => ({
      label: model.id,
      kind: 'model' as const,
      detail: modelDetail(model),
      documentation: `**${model.name}** (${model.vendor})\n\n${l10n.t('{0}; writes at most {1} tokens.', modelDetail(model), model.maxOutputTokens.toLocaleString('en-US'))}`,
      insertText: model.id,
      snippet: false,
      sortText: String(index).padStart(3, '0'),
      replaceFrom,
    }));
}

function templateCompletions(surface: Surface, offset: number, position: CursorPosition, context: LanguageContext): PromptCompletion[] {
  const { text, templateStart } = surface;
  const tag = tagBefore(text, offset, templateStart);
  if (!tag) return [];
  const inner = tag.inner;
  const at = (typedLength: number): CursorPosition => ({ line: position.line, col: position.col - typedLength });

  const role = /^\s*role\s+["']([^"'\r\n]*)$/.exec(inner);
  if (role) return fromVocabulary(MESSAGE_ROLES, 'value', at(role[1].length));
  if ((inner.match(/["']/g)?.length ?? 0) % 2 === 1) return []; // inside some other string

  const partial = /^\s*>\s*([\w./-]*)$/.exec(inner);
  if (partial) return partialCompletions(context, at(partial[1].length));

  const closing = /^\s*\/\s*([\w.-]*)$/.exec(inner);
  if (closing) {
    const open = openBlocksBefore(text, templateStart, tag.open).reverse();
    return [...new Set(open)].map((name, index) => ({ label: name, kind: 'keyword' as const, detail: l10n.t('Closes {0}', `{{#${name}}}`), insertText: name, snippet: false, sortText: String(index).padStart(3, '0'), replaceFrom: at(closing[1].length) }));
  }

  const head = /^\s*([#^]?)\s*([\w$-]*)$/.exec(inner);
  if (head) {
    const [, sigil, typed] = head;
    // After `{{#` a block helper; after `{{` one that writes something.
    const helperItems = TEMPLATE_HELPERS.filter((helper) => helper.block === Boolean(sigil)).map((helper, index) => ({
      label: helper.name,
      kind: 'helper' as const,
      detail: l10n.t(helper.summary),
      documentation: l10n.t(helper.doc),
      insertText: helper.snippet ?? helper.name,
      snippet: helper.snippet !== undefined,
      sortText: `1${String(index).padStart(3, '0')}`,
      replaceFrom: at(typed.length),
    }));
    const elseItem: PromptCompletion[] = sigil ? [] : [{ label: 'else', kind: 'keyword', detail: l10n.t('The other branch of a block'), insertText: 'else', snippet: false, sortText: '2', replaceFrom: at(typed.length) }];
    return [...variableCompletions(analyzePrompt(text), at(typed.length)), ...helperItems, ...elseItem];
  }

  // After the helper name: an argument, or a hash value after `key=`.
  const argument = /(?:^|[\s(=])([\w$-]*)$/.exec(inner);
  if (argument && /^\s*[#^]?\s*[\w$-]+\s/.test(inner)) return variableCompletions(analyzePrompt(text), at(argument[1].length));
  return [];
}

function variableCompletions(analysis: PromptAnalysis, replaceFrom: CursorPosition): PromptCompletion[] {
  const declared = analysis.inputs?.inputs ?? [];
  const names = [...declared.map((input) => input.name), ...Object.keys(analysis.parsed.inputDefaults), ...analysis.parsed.variables];
  return [...new Set(names)].map((name, index) => {
    const input = declared.find((candidate) => candidate.name === name);
    return {
      label: name,
      kind: 'variable' as const,
      detail: input ? (input.optional ? l10n.t('{0} (optional)', input.type) : input.type) : l10n.t('input (not in input.schema)'),
      documentation: input ? describeInput(input) : undefined,
      insertText: name,
      snippet: false,
      sortText: `0${String(index).padStart(3, '0')}`,
      replaceFrom,
    };
  });
}

function partialCompletions(context: LanguageContext, replaceFrom: CursorPosition): PromptCompletion[] {
  if (!context.partials) return [];
  return partialNames(context.partials.files, context.fileName).map((partial, index) => ({
    label: partial.name,
    kind: 'partial' as const,
    detail: partial.path,
    documentation: partial.underscore ? l10n.t('Partial {0}', `\`${partial.path}\``) : l10n.t('{0} (a whole prompt; partials are usually named {1})', `\`${partial.path}\``, '`_name.prompt`'),
    insertText: partial.name,
    snippet: false,
    sortText: `${partial.underscore ? 0 : 1}${String(index).padStart(3, '0')}`,
    replaceFrom,
  }));
}
