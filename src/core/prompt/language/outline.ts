import type { DiagnosticRange } from '../promptDiagnostics';
import { analyzePrompt, guarded, readSurface, resolvePartial, type LanguageContext } from './promptAnalysis';
import { tagAround, wordAt } from './templateCursor';

export type PromptSymbolKind = 'frontmatter' | 'key' | 'role' | 'history' | 'section' | 'heading' | 'partial';

export interface PromptSymbol {
  name: string;
  detail?: string;
  kind: PromptSymbolKind;
  /** All of it: a role runs to the next role, a heading to the next heading of its level or above. */
  range: DiagnosticRange;
  /** The part to select and reveal: the tag or heading line. */
  selectionRange: DiagnosticRange;
  children: PromptSymbol[];
}

const MARKER = /\{\{~?\s*(?:(role)\s+["']([^"']*)["']|(history)\b|(section)\s+["']([^"']*)["']|>\s*([\w./-]+))[^}]*\}\}|^(#{1,6})[ \t]+(\S[^\r\n]*)$/gm;

/**
 * The outline: the frontmatter and its keys, then each message (`{{role …}}`) with the
 * sections, Markdown headings, history and partials inside it. Read with a pattern, not the
 * parser, so that the outline stays while the template has a syntax error.
 */
export function promptSymbols(text: string): PromptSymbol[] {
  return guarded('outline', [], () => buildSymbols(text));
}

function buildSymbols(text: string): PromptSymbol[] {
  // Patterns only: the outline needs no parse, and stays while the template has a syntax error.
  const { lines, bounds, templateStart } = readSurface(text);
  const symbols: PromptSymbol[] = [];

  if (bounds) {
    const end = Math.min(bounds.endLine, lines.lineCount - 1);
    const keys: PromptSymbol[] = [];
    for (let line = 1; line < bounds.endLine; line++) {
      const key = /^([^\s#:-][^:]*?)\s*:(\s|$)/.exec(lines.lineText(line));
      if (!key) continue;
      let last = line;
      while (last + 1 < bounds.endLine && /^(\s|$)/.test(lines.lineText(last + 1)) && !/^([^\s#:-][^:]*?)\s*:/.test(lines.lineText(last + 1))) last++;
      const selectionRange = { startLine: line, startCol: 0, endLine: line, endCol: key[1].length };
      const value = lines.lineText(line).slice(key[0].length).trim();
      keys.push({ name: key[1], detail: value.length > 60 ? `${value.slice(0, 60)}…` : value || undefined, kind: 'key', range: { ...lines.lineRange(line), endLine: last, endCol: lines.lineRange(last).endCol }, selectionRange, children: [] });
    }
    symbols.push({ name: 'Frontmatter', kind: 'frontmatter', range: { ...lines.lineRange(0), endLine: end, endCol: lines.lineRange(end).endCol }, selectionRange: lines.lineRange(0), children: keys });
  }
  if (bounds && !bounds.closed) return symbols;

  // Messages at the top; headings nest by level inside the message they are in.
  const top: PromptSymbol[] = [];
  let message: PromptSymbol | undefined;
  let headings: { level: number; symbol: PromptSymbol }[] = [];
  const close = (symbol: PromptSymbol, beforeOffset: number): void => {
    const end = lines.range(Math.max(beforeOffset, 0), Math.max(beforeOffset, 0));
    symbol.range = { ...symbol.range, endLine: end.endLine, endCol: end.endCol };
  };
  const container = (): PromptSymbol[] => (message ? message.children : top);

  MARKER.lastIndex = templateStart;
  for (let match = MARKER.exec(text); match; match = MARKER.exec(text)) {
    const range = lines.range(match.index, match.index + match[0].length);
    const [, role, roleName, history, section, sectionName, partial, hashes, heading] = match;
    if (role) {
      for (const open of headings) close(open.symbol, match.index);
      headings = [];
      if (message) close(message, match.index);
      message = { name: roleName || '(no role)', detail: 'message', kind: 'role', range, selectionRange: range, children: [] };
      top.push(message);
    } else if (hashes) {
      const level = hashes.length;
      while (headings.length > 0 && headings[headings.length - 1].level >= level) close(headings.pop()!.symbol, match.index);
      const symbol: PromptSymbol = { name: heading.trim(), detail: hashes, kind: 'heading', range, selectionRange: range, children: [] };
      (headings.length > 0 ? headings[headings.length - 1].symbol.children : container()).push(symbol);
      headings.push({ level, symbol });
    } else {
      const symbol: PromptSymbol = history
        ? { name: 'history', detail: 'earlier messages', kind: 'history', range, selectionRange: range, children: [] }
        : section
          ? { name: sectionName || '(unnamed)', detail: 'section', kind: 'section', range, selectionRange: range, children: [] }
          : { name: partial, detail: 'partial', kind: 'partial', range, selectionRange: range, children: [] };
      (headings.length > 0 ? headings[headings.length - 1].symbol.children : container()).push(symbol);
    }
    if (match[0].length === 0) MARKER.lastIndex++;
  }
  for (const open of headings) close(open.symbol, text.length);
  if (message) close(message, text.length);
  return [...symbols, ...top];
}

export type PromptDefinition = { kind: 'file'; path: string; originRange: DiagnosticRange } | { kind: 'range'; range: DiagnosticRange; originRange: DiagnosticRange };

/** Where a name at a position is defined: a partial's file, or an input's key in `input.schema`. */
export function promptDefinition(text: string, position: { line: number; col: number }, context: LanguageContext): PromptDefinition | undefined {
  return guarded<PromptDefinition | undefined>('definition', undefined, () => {
    const analysis = analyzePrompt(text);
    const { lines, templateStart } = analysis;
    if (position.line >= lines.lineCount) return undefined;
    const offset = Math.min(lines.lineStart(position.line) + position.col, lines.lineEnd(position.line));
    if (offset < templateStart) return undefined;
    const tag = tagAround(text, offset, templateStart);
    const word = wordAt(text, offset);
    if (!tag || !word || word.start < tag.innerStart || word.end > tag.close - 2) return undefined;
    const originRange = lines.range(word.start, word.end);
    if (/^\s*>\s*$/.test(text.slice(tag.innerStart, word.start))) {
      const file = context.partials ? resolvePartial(word.word, context.partials.files) : undefined;
      return file ? { kind: 'file', path: file, originRange } : undefined;
    }
    const name = word.word.startsWith('@root.') ? word.word.split('.')[1] : word.word.split('.')[0];
    const input = analysis.inputs?.inputs.find((candidate) => candidate.name === name);
    return input?.keyRange ? { kind: 'range', range: input.keyRange, originRange } : undefined;
  });
}
