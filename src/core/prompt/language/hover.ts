import * as l10n from '@vscode/l10n';
import { parseModelId } from '../../providers/modelId';
import type { DiagnosticRange } from '../promptDiagnostics';
import type { DeclaredInput } from './declaredInputs';
import { priceSourceText } from '../../catalog/modelCatalog';
import { analyzePrompt, guarded, partialCandidates, resolvePartial, type LanguageContext, type PromptAnalysis } from './promptAnalysis';
import { CONFIG_KEYS, findEntry, FRONTMATTER_KEYS, INPUT_KEYS, OUTPUT_KEYS, TEMPLATE_HELPERS, WORKBENCH_KEYS } from './promptVocabulary';
import { tagAround, wordAt } from './templateCursor';
import { formatUsd } from '../../format/units';

export interface PromptHover {
  /** Markdown. */
  markdown: string;
  range: DiagnosticRange;
}

/** What to show when the pointer rests on a position. Never throws. */
export function promptHover(text: string, position: { line: number; col: number }, context: LanguageContext): PromptHover | undefined {
  return guarded<PromptHover | undefined>('hover', undefined, () => {
    const analysis = analyzePrompt(text);
    const { lines, bounds } = analysis;
    if (position.line >= lines.lineCount) return undefined;
    if (bounds && position.line < bounds.endLine) return frontmatterHover(analysis, position, context);
    const offset = Math.min(lines.lineStart(position.line) + position.col, lines.lineEnd(position.line));
    return templateHover(analysis, offset, context);
  });
}

function frontmatterHover(analysis: PromptAnalysis, position: { line: number; col: number }, context: LanguageContext): PromptHover | undefined {
  const scalar = analysis.nodes?.scalarAt(position.line, position.col);
  if (!scalar) return undefined;
  const [top, second] = scalar.path;
  if (scalar.role === 'value' && typeof scalar.value === 'string' && (scalar.path.join('.') === 'model' || (top === 'workbench.compare' && scalar.path.length === 2))) {
    return { markdown: describeModel(scalar.value, context), range: scalar.range };
  }
  if (scalar.role !== 'key') return undefined;
  let doc: string | undefined;
  if (scalar.path.length === 1) doc = (findEntry(FRONTMATTER_KEYS, top) ?? findEntry(WORKBENCH_KEYS, top))?.doc;
  else if (scalar.path.length === 2 && top === 'config') doc = findEntry(CONFIG_KEYS, second)?.doc;
  else if (scalar.path.length === 2 && top === 'input') doc = findEntry(INPUT_KEYS, second)?.doc;
  else if (scalar.path.length === 2 && top === 'output') doc = findEntry(OUTPUT_KEYS, second)?.doc;
  else if (scalar.path.length === 3 && top === 'input' && second === 'schema') {
    const input = analysis.inputs?.inputs.find((candidate) => candidate.keyRange && sameStart(candidate.keyRange, scalar.range));
    if (input) return { markdown: describeInput(input), range: scalar.range };
  }
  return doc ? { markdown: `**${scalar.path.join('.')}**\n\n${l10n.t(doc)}`, range: scalar.range } : undefined;
}

function templateHover(analysis: PromptAnalysis, offset: number, context: LanguageContext): PromptHover | undefined {
  const { text, templateStart, lines } = analysis;
  const tag = tagAround(text, offset, templateStart);
  if (!tag || tag.inner.startsWith('!')) return undefined;
  const word = wordAt(text, offset);
  if (!word || word.start < tag.innerStart || word.end > tag.close - 2) return undefined;
  const range = lines.range(word.start, word.end);
  const leading = text.slice(tag.innerStart, word.start);

  if (/^\s*>\s*$/.test(leading)) {
    const file = context.partials ? resolvePartial(word.word, context.partials.files) : undefined;
    const markdown = file
      ? `**${l10n.t('Partial')}** \`${word.word}\`\n\n${l10n.t('From {0} next to this prompt.', `\`${file}\``)}`
      : `**${l10n.t('Partial')}** \`${word.word}\`\n\n${l10n.t('Not found: looked for {0} next to this prompt.', `\`${partialCandidates(word.word).join('`, `')}\``)}`;
    return { markdown, range };
  }
  if (text[word.end] === '=' || isInsideString(leading)) return undefined; // a hash key or a string literal
  const isHead = /^\s*[#^/]?\s*$/.test(leading);
  const helper = TEMPLATE_HELPERS.find((candidate) => candidate.name === word.word);
  if (isHead && helper) return { markdown: `**${helper.name}** (${l10n.t('helper')})\n\n${l10n.t(helper.doc)}`, range };

  const name = word.word.startsWith('@root.') ? word.word.split('.')[1] : word.word.split('.')[0];
  if (!name || name.startsWith('@') || name === 'this' || name.startsWith('.')) return undefined;
  const input = analysis.inputs?.inputs.find((candidate) => candidate.name === name);
  if (input) return { markdown: describeInput(input), range };
  if (analysis.parsed.variables.includes(name) || !analysis.inputs) {
    const defaultValue = analysis.parsed.inputDefaults[name];
    const declared = analysis.inputs ? l10n.t('Not declared in `input.schema`.') : l10n.t('This prompt has no `input.schema`: the input is whatever a run passes.');
    const defaultLine = defaultValue !== undefined ? `\n\n${l10n.t('Default: {0}', `\`${JSON.stringify(defaultValue)}\``)}` : '';
    return { markdown: `**${name}** (${l10n.t('input')})\n\n${declared}${defaultLine}`, range };
  }
  return undefined;
}

/** An input's type, whether it is required, its description and default, in Markdown. */
export function describeInput(input: DeclaredInput): string {
  const lines = [`**${input.name}**: \`${input.type}\` (${input.optional ? l10n.t('optional input') : l10n.t('required input')})`];
  if (input.description) lines.push(input.description);
  if (input.hasDefault) lines.push(l10n.t('Default: {0}', `\`${truncate(JSON.stringify(input.defaultValue) ?? 'null', 200)}\``));
  return lines.join('\n\n');
}

/** A model's catalog entry in Markdown: context window, longest answer, prices. */
export function describeModel(rawId: string, context: LanguageContext): string {
  const info = context.catalog.find(rawId);
  const { qualified, modelId } = parseModelId(rawId);
  if (!info) {
    return `\`${qualified}\`\n\n${l10n.t('Not in the model catalog: its context window and price are unknown. Custom and imported models work when the provider knows the id.')}`;
  }
  const profile = info.id !== qualified ? `\n\n${l10n.t('Cross-region inference profile {0} of {1}.', `\`${modelId}\``, `\`${info.id}\``)}` : '';
  const listed = context.catalog.pricesOf?.(rawId);
  const prices = listed
    ? [
        l10n.t('{0} input', formatUsd(listed.inputPerMTokens)),
        ...(info.kind === 'text' ? [l10n.t('{0} output', formatUsd(listed.outputPerMTokens))] : []),
        ...(listed.cacheReadPerMTokens !== undefined ? [l10n.t('{0} cache read', formatUsd(listed.cacheReadPerMTokens))] : []),
        ...(listed.batchInputPerMTokens !== undefined ? [l10n.t('{0} / {1} batch', formatUsd(listed.batchInputPerMTokens), formatUsd(listed.batchOutputPerMTokens ?? 0))] : []),
      ].join(' · ')
    : l10n.t('unknown');
  const known = (n: number): string => (n > 0 ? l10n.t('{0} tokens', n.toLocaleString('en-US')) : l10n.t('unknown'));
  const yesNo = (value: boolean | undefined): string => (value ? l10n.t('yes') : l10n.t('no'));
  const lifecycle = info.lifecycle;
  const rows = [
    [l10n.t('Context window'), known(info.contextWindow)],
    ...(info.kind === 'text' ? [[l10n.t('Longest answer'), known(info.maxOutputTokens)]] : [[l10n.t('Kind'), l10n.t('embedding model (cannot answer prompts)')]]),
    [l10n.t('Price per million tokens'), prices],
    ...(listed ? [[l10n.t('Price source'), priceSourceText(listed)]] : []),
    [l10n.t('Streaming · images'), `${yesNo(info.streaming)} · ${yesNo(info.images)}`],
    ...(lifecycle?.status === 'LEGACY'
      ? [[l10n.t('Lifecycle'), [`**${l10n.t('Legacy')}**`, ...(lifecycle.endOfLife ? [l10n.t('end of life {0}', lifecycle.endOfLife)] : []), ...(lifecycle.successor ? [l10n.t('move to {0}', `\`${lifecycle.successor}\``)] : [])].join(' · ')]]
      : []),
  ];
  const table = ['| | |', '|---|---|', ...rows.map(([label, value]) => `| ${label} | ${value} |`)].join('\n');
  return `**${info.name}** · ${info.vendor}\n\n\`${info.id}\`${profile}\n\n${table}\n\n${l10n.t('Prices are on-demand list prices, from the AWS Price List when it can be read; override them in the {0} setting.', '`promptWorkbench.prices`')}`;
}

function isInsideString(leading: string): boolean {
  return (leading.match(/["']/g)?.length ?? 0) % 2 === 1;
}

function sameStart(a: DiagnosticRange, b: DiagnosticRange): boolean {
  return a.startLine === b.startLine && a.startCol === b.startCol;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
