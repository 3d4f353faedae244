/** Reads the Handlebars tag around a position from the text alone, so it works on a half-typed template. */

export interface OpenTag {
  /** Offset of the tag's `{{`. */
  open: number;
  /** What is written between `{{` (and any `{`, `~`, `&`) and the cursor. */
  inner: string;
  /** Offset where `inner` starts. */
  innerStart: number;
}

/** The tag the cursor is in (after its `{{`, before its `}}`), or undefined; comments do not count. */
export function tagBefore(text: string, offset: number, templateStart: number): OpenTag | undefined {
  if (offset < templateStart + 2) return undefined;
  const open = text.lastIndexOf('{{', offset - 2);
  if (open < templateStart) return undefined;
  const close = text.indexOf('}}', open + 2);
  if (close >= 0 && close + 2 <= offset) return undefined;
  // `{{{name` finds its last `{{`; skip the rest of the opening (`{`, `~`, `&`).
  let innerStart = open + 2;
  while (innerStart < offset && /[{~&]/.test(text[innerStart])) innerStart++;
  const inner = text.slice(innerStart, offset);
  if (inner.startsWith('!') || inner.includes('\n\n')) return undefined;
  return { open, inner, innerStart };
}

/** The whole tag around a position: from its `{{` to its `}}`. */
export function tagAround(text: string, offset: number, templateStart: number): { open: number; close: number; innerStart: number; inner: string } | undefined {
  const before = tagBefore(text, Math.min(offset + 1, text.length), templateStart) ?? tagBefore(text, offset, templateStart);
  if (!before) return undefined;
  const close = text.indexOf('}}', before.innerStart);
  if (close < 0 || close < offset - 1) return undefined;
  let innerEnd = close;
  while (innerEnd > before.innerStart && text[innerEnd - 1] === '~') innerEnd--;
  return { open: before.open, close: close + 2, innerStart: before.innerStart, inner: text.slice(before.innerStart, innerEnd) };
}

/** The name-like word (`audience`, `user.name`, `shared/header`) that spans the offset. */
export function wordAt(text: string, offset: number): { start: number; end: number; word: string } | undefined {
  const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[\w$@./-]/.test(ch);
  let start = offset;
  while (start > 0 && isWordChar(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && isWordChar(text[end])) end++;
  if (start === end) return undefined;
  return { start, end, word: text.slice(start, end) };
}

/** The blocks opened and not yet closed before `offset`, innermost last (for `{{/…}}` completion). */
export function openBlocksBefore(text: string, templateStart: number, offset: number): string[] {
  const stack: string[] = [];
  const tag = /\{\{~?\s*([#^/])\s*>?\s*([^\s}~()]*)/g;
  tag.lastIndex = templateStart;
  for (let match = tag.exec(text); match && match.index < offset; match = tag.exec(text)) {
    if (match[1] === '/') {
      const at = stack.lastIndexOf(match[2]);
      if (at >= 0) stack.length = at;
    } else if (match[2]) {
      stack.push(match[2]);
    }
  }
  return stack;
}
