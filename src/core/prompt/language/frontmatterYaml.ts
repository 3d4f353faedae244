import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { DiagnosticRange, LineIndex } from '../promptDiagnostics';

/** Where the frontmatter is: its YAML lines run from line 1 to `endLine` (exclusive). */
export interface FrontmatterBounds {
  /** The line of the closing `---`, or the line count when it is not closed (yet). */
  endLine: number;
  closed: boolean;
}

const FENCE_LINE = /^---\s*$/;

/** The frontmatter as the editor sees it, closed or still being typed. */
export function frontmatterBounds(lines: LineIndex): FrontmatterBounds | undefined {
  if (!FENCE_LINE.test(lines.lineText(0).replace(/^\uFEFF/, ''))) return undefined;
  for (let line = 1; line < lines.lineCount; line++) {
    if (FENCE_LINE.test(lines.lineText(line))) return { endLine: line, closed: true };
  }
  return { endLine: lines.lineCount, closed: false };
}

/** A scalar of the frontmatter with the path of keys that leads to it. */
export interface YamlScalarAt {
  /** Keys from the top, e.g. `['config', 'temperature']`; sequence items add their index as text. */
  path: string[];
  /** `key` when the scalar is a mapping key, `value` otherwise. */
  role: 'key' | 'value';
  value: unknown;
  range: DiagnosticRange;
}

export interface YamlEntry {
  key: string;
  keyRange: DiagnosticRange;
  /** The value's range; the key's when the key has no value. */
  valueRange: DiagnosticRange;
  value: unknown;
}

/** Positions of what the frontmatter YAML says, for diagnostics at the right place and for hover. */
export class FrontmatterNodes {
  private readonly contents: YamlNode | null;

  private constructor(
    contents: unknown,
    private readonly toRange: (range: readonly number[] | null | undefined) => DiagnosticRange | undefined,
  ) {
    this.contents = (contents ?? null) as YamlNode | null;
  }

  /** Parses the frontmatter's YAML; `undefined` when the file has none. Never throws. */
  static read(text: string, lines: LineIndex, bounds: FrontmatterBounds | undefined): FrontmatterNodes | undefined {
    if (!bounds) return undefined;
    const start = lines.lineStart(1);
    const end = bounds.closed ? lines.lineStart(bounds.endLine) : text.length;
    if (end <= start) return undefined;
    try {
      const document = parseDocument(text.slice(start, end), { prettyErrors: false, uniqueKeys: false });
      const toRange = (range: readonly number[] | null | undefined): DiagnosticRange | undefined =>
        range ? lines.range(start + range[0], start + Math.max(range[0], range[1])) : undefined;
      return new FrontmatterNodes(document.contents, toRange);
    } catch {
      return undefined;
    }
  }

  /** The key: value pairs of the mapping at `path` (`[]`: the top level), duplicates included. */
  entries(path: readonly string[] = []): YamlEntry[] {
    const node = this.nodeAt(path);
    if (!isMap(node)) return [];
    const entries: YamlEntry[] = [];
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const keyRange = this.toRange(pair.key.range);
      if (!keyRange) continue;
      const valueNode = pair.value as YamlNode | null;
      const valueRange = (valueNode && this.toRange(valueNode.range)) || keyRange;
      entries.push({ key: String(pair.key.value), keyRange, valueRange, value: toJs(valueNode) });
    }
    return entries;
  }

  /** The items of the sequence at `path`, each with its range. */
  items(path: readonly string[]): { value: unknown; range: DiagnosticRange }[] {
    const node = this.nodeAt(path);
    if (!isSeq(node)) return [];
    const items: { value: unknown; range: DiagnosticRange }[] = [];
    for (const item of node.items) {
      const range = this.toRange((item as YamlNode | null)?.range);
      if (range) items.push({ value: toJs(item as YamlNode), range });
    }
    return items;
  }

  /** The innermost scalar under the given file position, if any. */
  scalarAt(line: number, col: number): YamlScalarAt | undefined {
    let found: YamlScalarAt | undefined;
    const contains = (range: DiagnosticRange | undefined): range is DiagnosticRange =>
      !!range &&
      (range.startLine < line || (range.startLine === line && range.startCol <= col)) &&
      (range.endLine > line || (range.endLine === line && range.endCol >= col));
    const visit = (node: unknown, path: string[]): void => {
      if (found) return;
      if (isScalar(node)) {
        const range = this.toRange(node.range);
        if (contains(range)) found = { path, role: 'value', value: node.value, range };
      } else if (isMap(node)) {
        for (const pair of node.items) {
          if (!isScalar(pair.key)) continue;
          const key = String(pair.key.value);
          const keyRange = this.toRange(pair.key.range);
          if (contains(keyRange)) {
            found = { path: [...path, key], role: 'key', value: key, range: keyRange };
            return;
          }
          visit(pair.value, [...path, key]);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, index) => visit(item, [...path, String(index)]));
      }
    };
    visit(this.contents, []);
    return found;
  }

  private nodeAt(path: readonly string[]): unknown {
    let node: unknown = this.contents;
    for (const key of path) {
      if (!isMap(node)) return undefined;
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      node = pair?.value;
    }
    return node;
  }
}

function toJs(node: YamlNode | null | undefined): unknown {
  if (!node) return null;
  try {
    return node.toJSON();
  } catch {
    return undefined;
  }
}

/** What the cursor is on in the frontmatter, read from the text so that it works while typing. */
export type YamlCursor =
  | { kind: 'key'; parents: string[]; prefix: string; flow: boolean }
  | { kind: 'value'; path: string[]; prefix: string }
  | { kind: 'list-item'; path: string[]; prefix: string };

const KEY_LINE = /^(\s*)(-\s+)?("[^"]*"|'[^']*'|[^\s#:{}[\],][^#:{}[\],]*?)\s*:(?:\s|$)/;

/**
 * Reads the YAML around the cursor by indentation and brackets, as a person would: which
 * mapping the line belongs to, and whether the cursor is on a key, a value or a list item.
 * `line` is a line of the frontmatter (1 … endLine-1).
 */
export function yamlCursor(lines: LineIndex, line: number, col: number): YamlCursor | undefined {
  const before = lines.lineText(line).slice(0, col);
  if (/^\s*#/.test(before)) return undefined;
  const indent = /^\s*/.exec(before)![0].length;
  const parents = parentKeys(lines, line, indent);

  const flow = openFlowCollection(before);
  if (flow) {
    const keyed = KEY_LINE.exec(before.slice(0, flow.at));
    const owner = keyed ? unquote(keyed[3]) : undefined;
    if (!owner) return undefined;
    const path = [...parents, owner, ...flow.innerKeys];
    const tail = before.slice(flow.lastSeparator + 1);
    if (flow.bracket === '[') return { kind: 'list-item', path, prefix: tail.trim().replace(/^["']/, '') };
    const colon = tail.indexOf(':');
    if (colon < 0) return { kind: 'key', parents: path, prefix: tail.trim(), flow: true };
    return { kind: 'value', path: [...path, tail.slice(0, colon).trim()], prefix: tail.slice(colon + 1).trim().replace(/^["']/, '') };
  }

  const keyed = KEY_LINE.exec(before);
  if (keyed) {
    const valueStart = keyed[0].length;
    const path = [...parents, unquote(keyed[3])];
    return { kind: 'value', path, prefix: before.slice(valueStart).trim().replace(/^["']/, '') };
  }
  const item = /^\s*-\s*(.*)$/.exec(before);
  if (item) return { kind: 'list-item', path: parents, prefix: item[1].trim().replace(/^["']/, '') };
  if (/^\s*[^\s:]*$/.test(before)) return { kind: 'key', parents, prefix: before.trim(), flow: false };
  return undefined;
}

/** The keys of the block mappings that enclose a line indented by `indent`. */
function parentKeys(lines: LineIndex, line: number, indent: number): string[] {
  const parents: string[] = [];
  let limit = indent;
  for (let above = line - 1; above >= 1 && limit > 0; above--) {
    const text = lines.lineText(above);
    if (text.trim() === '' || /^\s*#/.test(text)) continue;
    const keyed = KEY_LINE.exec(text);
    const textIndent = /^\s*/.exec(text)![0].length;
    if (textIndent < limit) {
      // A `- key: value` line opens a mapping inside a list: it adds no key of its own.
      if (keyed && !keyed[2]) parents.unshift(unquote(keyed[3]));
      limit = textIndent;
    }
  }
  return parents;
}

/** The innermost `{` or `[` still open before the cursor on this line, ignoring quoted text. */
function openFlowCollection(before: string): { bracket: '{' | '['; at: number; lastSeparator: number; innerKeys: string[] } | undefined {
  const stack: { bracket: '{' | '['; at: number; lastSeparator: number; key?: string }[] = [];
  let quote: string | undefined;
  for (let i = 0; i < before.length; i++) {
    const ch = before[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && /\s/.test(before[i - 1] ?? ' ')) break;
    else if (ch === '{' || ch === '[') {
      const top = stack[stack.length - 1];
      const key = top?.bracket === '{' ? before.slice(top.lastSeparator + 1, i).split(':')[0].trim() : undefined;
      stack.push({ bracket: ch, at: i, lastSeparator: i, key });
    } else if (ch === '}' || ch === ']') stack.pop();
    else if (ch === ',' && stack.length > 0) stack[stack.length - 1].lastSeparator = i;
  }
  if (stack.length === 0) return undefined;
  const innermost = stack[stack.length - 1];
  const innerKeys = stack.slice(1).map((open) => open.key ?? '');
  return { bracket: innermost.bracket, at: stack[0].at, lastSeparator: innermost.lastSeparator, innerKeys };
}

function unquote(key: string): string {
  return /^(["']).*\1$/.test(key) ? key.slice(1, -1) : key.trim();
}
