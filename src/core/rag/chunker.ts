/**
 * Structure-aware chunking. A document becomes blocks (headings, paragraphs, fenced code,
 * lists…) separated by blank lines; blocks are packed into chunks of about `chunkLines` lines
 * (and at most MAX_CHUNK_CHARS characters) without crossing a heading, a fenced block is kept
 * whole unless it alone is far too long, and consecutive chunks of one section share
 * `overlapLines` lines. Every chunk keeps its 1-based inclusive line range and heading path.
 * HTML is first turned into text line for line (tags dropped, headings kept as Markdown
 * headings), so line numbers still point into the original file.
 */
import type { RagChunk } from './types';

export interface ChunkOptions {
  chunkLines?: number;
  overlapLines?: number;
}

export const DEFAULT_CHUNK_LINES = 40;
export const DEFAULT_OVERLAP_LINES = 5;
const MAX_CHUNK_CHARS = 2000;
/** A chunk's text is cut here: a single enormous line (minified HTML, a data blob) must not make a huge chunk. */
const HARD_CHUNK_CHARS = 6000;

interface Block {
  start: number; // 0-based line index
  end: number; // inclusive
  heading?: { level: number; title: string };
  fence?: boolean;
}

/** Extension of a path, lower case, without the dot. */
export function fileType(path: string): string {
  const m = /\.([^./]+)$/.exec(path);
  return m ? m[1].toLowerCase() : '';
}

export function chunkDocument(path: string, text: string, options: ChunkOptions = {}): RagChunk[] {
  const type = fileType(path);
  const source = type === 'html' || type === 'htm' || type === 'xhtml' ? htmlToText(text) : text;
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks = splitBlocks(lines, type);
  return packChunks(path, lines, blocks, {
    chunkLines: Math.max(4, options.chunkLines ?? DEFAULT_CHUNK_LINES),
    overlapLines: Math.max(0, options.overlapLines ?? DEFAULT_OVERLAP_LINES),
  });
}

/** The heading a line opens, by the conventions of Markdown, AsciiDoc and reStructuredText. */
function headingAt(lines: string[], i: number, type: string): { level: number; title: string; lines: number } | undefined {
  const line = lines[i];
  const atx = /^ {0,3}(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
  if (atx && type !== 'adoc' && type !== 'asciidoc') return { level: atx[1].length, title: atx[2], lines: 1 };
  if (type === 'adoc' || type === 'asciidoc' || type === 'txt') {
    const adoc = /^(={1,6})\s+(.+)$/.exec(line);
    if (adoc && (type !== 'txt' || adoc[1].length > 1)) return { level: adoc[1].length, title: adoc[2].trim(), lines: 1 };
  }
  const next = lines[i + 1];
  if (next !== undefined && line.trim() && !/^\s/.test(line)) {
    // Setext (Markdown) and reStructuredText underlines: a line of one punctuation character at least as long as the title.
    const under = /^([=\-~^"'`#*+])\1{2,}\s*$/.exec(next);
    if (under && next.trim().length >= Math.min(line.trim().length, 3) && (type !== 'md' || under[1] === '=' || under[1] === '-')) {
      const level = under[1] === '=' ? 1 : under[1] === '-' ? 2 : 3;
      return { level, title: line.trim(), lines: 2 };
    }
  }
  return undefined;
}

function splitBlocks(lines: string[], type: string): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!lines[i].trim()) {
      i++;
      continue;
    }
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(lines[i]) ?? (type === 'adoc' || type === 'asciidoc' ? /^(-{4,}|\.{4,})\s*$/.exec(lines[i]) : null);
    if (fence) {
      const marker = fence[1];
      let j = i + 1;
      while (j < lines.length && !lines[j].trimStart().startsWith(marker)) j++;
      const end = Math.min(j, lines.length - 1);
      blocks.push({ start: i, end, fence: true });
      i = end + 1;
      continue;
    }
    const heading = headingAt(lines, i, type);
    if (heading) {
      blocks.push({ start: i, end: i + heading.lines - 1, heading: { level: heading.level, title: heading.title } });
      i += heading.lines;
      continue;
    }
    let j = i;
    while (j + 1 < lines.length && lines[j + 1].trim() && !/^ {0,3}(`{3,}|~{3,})/.test(lines[j + 1]) && !headingAt(lines, j + 1, type)) j++;
    blocks.push({ start: i, end: j });
    i = j + 1;
  }
  return blocks;
}

function packChunks(path: string, lines: string[], blocks: Block[], o: { chunkLines: number; overlapLines: number }): RagChunk[] {
  const chunks: RagChunk[] = [];
  const headingStack: { level: number; title: string }[] = [];
  let current: { start: number; end: number } | undefined;
  let sectionHeading: string | undefined;
  /** The last line of the previous chunk of this section, for the overlap. */
  let previousEnd: number | undefined;

  const charsOf = (start: number, end: number) => {
    let n = 0;
    for (let k = start; k <= end; k++) n += lines[k].length + 1;
    return n;
  };
  const emit = (start: number, end: number) => {
    let text = lines.slice(start, end + 1).join('\n').replace(/\s+$/, '');
    if (!text.trim()) return;
    if (text.length > HARD_CHUNK_CHARS) text = text.slice(0, HARD_CHUNK_CHARS);
    chunks.push({ id: `${path}#${chunks.length}`, path, startLine: start + 1, endLine: end + 1, heading: sectionHeading, text });
    previousEnd = end;
  };
  const flush = () => {
    if (!current) return;
    emit(current.start, current.end);
    current = undefined;
  };
  /** Start of a continuation chunk: back up `overlapLines` into the previous one, never before the section. */
  const withOverlap = (start: number, sectionStart: number) =>
    previousEnd !== undefined && o.overlapLines > 0 ? Math.max(sectionStart, Math.min(start, previousEnd + 1 - o.overlapLines)) : start;

  let sectionStart = 0;
  for (const block of blocks) {
    if (block.heading) {
      const headingOnly = current && blocks.some((b) => b.heading && b.start === current!.start) && current.end === block.start - 1;
      // A heading directly under another heading joins its chunk; otherwise the section ends here.
      if (!headingOnly) {
        flush();
        previousEnd = undefined;
        sectionStart = block.start;
      }
      while (headingStack.length && headingStack[headingStack.length - 1].level >= block.heading.level) headingStack.pop();
      headingStack.push(block.heading);
      sectionHeading = headingStack.map((h) => h.title).join(' > ');
      current = current && headingOnly ? { start: current.start, end: block.end } : { start: block.start, end: block.end };
      continue;
    }
    const size = block.end - block.start + 1;
    const tooBig = size > o.chunkLines * (block.fence ? 2 : 1) || charsOf(block.start, block.end) > MAX_CHUNK_CHARS * (block.fence ? 1.5 : 1);
    if (tooBig) {
      // Keep what came before (a heading joins the first window), then windows with overlap.
      let from = block.start;
      if (current && current.end - current.start + 1 <= 3) from = current.start;
      else flush();
      current = undefined;
      for (let s = from; ; ) {
        let e = Math.min(block.end, s + o.chunkLines - 1);
        while (e > s && charsOf(s, e) > MAX_CHUNK_CHARS) e--;
        emit(s, e);
        if (e >= block.end) break;
        s = Math.max(s + 1, e + 1 - o.overlapLines);
      }
      continue;
    }
    if (!current) {
      current = { start: withOverlap(block.start, sectionStart), end: block.end };
      continue;
    }
    const grown = block.end - current.start + 1;
    if (grown > o.chunkLines || charsOf(current.start, block.end) > MAX_CHUNK_CHARS) {
      flush();
      current = { start: withOverlap(block.start, sectionStart), end: block.end };
    } else {
      current.end = block.end;
    }
  }
  flush();
  return chunks;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…', copy: '©' };

/** HTML as text with the same line numbers: script/style/comments blanked, headings as "## Title", other tags dropped. */
export function htmlToText(html: string): string {
  const keepNewlines = (s: string) => s.replace(/[^\n]/g, '');
  return html
    .replace(/<!--[\s\S]*?-->/g, keepNewlines)
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, keepNewlines)
    .replace(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi, (_m, level: string, inner: string) => {
      const title = inner.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
      // The heading's own line breaks go after it, so every later line keeps its number.
      return `${'#'.repeat(Number(level))} ${title}${keepNewlines(inner)}`;
    })
    .replace(/<(?:br|\/p|\/div|\/li|\/tr|\/section|\/article)\b[^>]*>/gi, (m) => (/^<br/i.test(m) ? ' ' : m.replace(/[^\n]/g, '')))
    .replace(/<[^>]*>/g, keepNewlines)
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/^[ \t]+/gm, '');
}

/** What the embedder and the keyword index see of a chunk: its file, its heading path, its text. */
export function indexedText(c: RagChunk): string {
  const name = c.path.replace(/\.[^./]+$/, '').replace(/[/_.-]+/g, ' ');
  return `${name}\n${c.heading ?? ''}\n${c.text}`;
}

/** What the embedder sees: heading path and text. The file path is left to the keyword index: its
 * words (readme, docs, index…) repeat across many files and would pull every vector the same way. */
export function embeddedText(c: RagChunk): string {
  return `${c.heading ?? ''}\n${c.text}`;
}
