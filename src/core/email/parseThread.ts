/**
 * Splits pasted thread text into its messages: Outlook header blocks (`From:/Sent:/To:/Subject:`,
 * in several languages), Gmail attributions (`On … wrote:`) with `>` quotes, forwarded blocks.
 * Each message's text is kept once: quoted history becomes the earlier messages it quotes,
 * and a message quoted again later is dropped. Line-based and linear, so 2 MB parses quickly.
 */
import { cleanBody, tidy } from './cleanBody';
import { isForwardMarker, isSeparatorLine, readAttribution, readHeaderLine, type HeaderField } from './headerLabels';
import type { EmailMessage } from './types';

type Headers = Partial<Record<HeaderField, string>>;

interface Segment {
  headers: Headers;
  lines: string[];
  /** Earlier messages found in this segment's quoted block, oldest first. */
  older: EmailMessage[];
}

/** Nested quotes deeper than this are kept as text rather than parsed further. */
const MAX_DEPTH = 40;

/** Messages of a pasted thread, oldest first. */
export function parseThreadText(text: string, headers: Headers = {}): EmailMessage[] {
  return dedupe(parseLevel(text.split('\n'), headers, 0));
}

function parseLevel(lines: string[], topHeaders: Headers, depth: number): EmailMessage[] {
  const segments: Segment[] = [{ headers: { ...topHeaders }, lines: [], older: [] }];
  let current = segments[0];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const block = readHeaderBlock(lines, i);
    if (block) {
      if (hasText(current.lines) || current.older.length || Object.keys(current.headers).length || segments.length > 1) {
        current = { headers: block.headers, lines: [], older: [] };
        segments.push(current);
      } else {
        current.headers = block.headers;
      }
      i = block.end;
      continue;
    }
    if (isSeparatorLine(line) || (isForwardMarker(line) && line.trim().length < 80)) {
      i++;
      continue;
    }
    const attribution = depth < MAX_DEPTH ? readAttributionAt(lines, i) : undefined;
    if (attribution) {
      const { date, from } = attribution;
      let j = attribution.end;
      while (j < lines.length && !lines[j].trim()) j++;
      if (j < lines.length && isQuoted(lines[j])) {
        const quoted: string[] = [];
        while (j < lines.length && (isQuoted(lines[j]) || (!lines[j].trim() && j + 1 < lines.length && isQuoted(lines[j + 1])))) quoted.push(unquote(lines[j++]));
        current.older.push(...parseLevel(quoted, { from, date }, depth + 1));
        i = j;
        continue;
      }
      // An attribution followed by unquoted text (some clients): the rest is the earlier message.
      current = { headers: { from, date }, lines: [], older: [] };
      segments.push(current);
      i = attribution.end;
      continue;
    }
    current.lines.push(line);
    i++;
  }
  inferForwarders(segments);
  const messages: EmailMessage[] = [];
  for (const segment of segments.reverse()) {
    const { body, trailingQuote } = splitTrailingQuote(segment.lines);
    if (trailingQuote.length && depth < MAX_DEPTH) messages.push(...parseLevel(trailingQuote, {}, depth + 1));
    messages.push(...segment.older);
    const cleaned = cleanBody(body.join('\n'), senderNames(segment.headers.from));
    if (cleaned) messages.push(toMessage(segment.headers, cleaned));
  }
  return messages;
}

function toMessage(headers: Headers, body: string): EmailMessage {
  return { from: headers.from ?? '', to: headers.to ?? '', cc: headers.cc ?? '', date: headers.date ?? '', subject: headers.subject ?? '', body };
}

/** "Priya Raman <p@x>" → ["Priya Raman", "Priya"]; "Raman, Priya" → ["Priya Raman", "Priya"]. */
function senderNames(from: string | undefined): string[] {
  if (!from) return [];
  let name = from.replace(/<[^>]*>|\[mailto:[^\]]*\]|\S+@\S+|"/g, '').trim();
  const comma = /^([^,]+),\s*(.+)$/.exec(name);
  if (comma) name = `${comma[2]} ${comma[1]}`;
  if (!name) return [];
  return [name, name.split(/\s+/)[0]];
}

/**
 * A forward pasted without its own header block (the top message is just "FYI, see below.
 * Dana"): its sender is the forwarded message's recipient whose name the sign-off gives. A
 * sign-off that names no recipient leaves the sender unknown; nothing is guessed.
 */
function inferForwarders(segments: Segment[]): void {
  for (let i = 0; i + 1 < segments.length; i++) {
    const segment = segments[i];
    const to = segments[i + 1].headers.to;
    if (segment.headers.from || !to) continue;
    const name = signOffName(segment.lines);
    if (!name) continue;
    const recipient = splitRecipients(to).find((r) => senderNames(r).some((n) => n.toLowerCase() === name.toLowerCase()));
    if (recipient) segment.headers.from = recipient;
  }
}

/** The name a message is signed with: its last line ("Dana", "Dana Okafor", "Thanks, Dana", "-- Dana"). */
function signOffName(lines: string[]): string | undefined {
  const last = [...lines].reverse().find((l) => l.trim())?.trim();
  if (!last || last.length > 60) return undefined;
  const name = last.replace(/^(?:[-–—~]+\s*|(?:thanks|thank you|many thanks|cheers|best|regards|best regards|kind regards|br)[,!.]?\s+)/iu, '').replace(/[,.!]$/, '').trim();
  return /^\p{L}[\p{L}'’.-]*(?:\s+\p{L}[\p{L}'’.-]*){0,2}$/u.test(name) ? name : undefined;
}

/** "Dana Okafor <d@x>, Raman, Priya <p@x>; ops@x" → one entry per person (a "Last, First" name stays whole). */
function splitRecipients(list: string): string[] {
  return list
    .split(/;|(?<=>)\s*,|(?<=@[\w.-]+)\s*,/)
    .map((r) => r.trim())
    .filter(Boolean);
}

const hasText = (lines: string[]) => lines.some((l) => l.trim());
const isQuoted = (line: string) => /^[ \t]*>/.test(line);
const unquote = (line: string) => line.replace(/^[ \t]*> ?/, '');

/**
 * A header block: two or more header lines naming different fields, one of them the
 * sender (or date and subject), possibly with wrapped recipient lists between them.
 */
function readHeaderBlock(lines: string[], start: number): { headers: Headers; end: number } | undefined {
  const first = readHeaderLine(lines[start]);
  if (!first) return undefined;
  const headers: Headers = {};
  let last: HeaderField | undefined;
  let i = start;
  let count = 0;
  while (i < lines.length && i - start < 40) {
    const line = lines[i];
    const header = readHeaderLine(line);
    if (header && headers[header.field] === undefined) {
      headers[header.field] = header.value;
      last = header.field;
      count++;
      i++;
      continue;
    }
    // A wrapped To/Cc list: a non-blank line between two header lines.
    if (!header && line.trim() && (last === 'to' || last === 'cc') && i + 1 < lines.length && readHeaderLine(lines[i + 1])) {
      headers[last] = `${headers[last]} ${line.trim()}`;
      i++;
      continue;
    }
    break;
  }
  if (count < 2) return undefined;
  if (!headers.from && !(headers.date && headers.subject)) return undefined;
  return { headers, end: i };
}

/** `On … wrote:` on one line, or wrapped over two (Gmail wraps long ones). */
function readAttributionAt(lines: string[], i: number): { date: string; from: string; end: number } | undefined {
  const line = lines[i];
  if (!line.trim() || isQuoted(line) || line.length > 600) return undefined;
  const one = readAttribution(line);
  if (one !== undefined) return { ...one, end: i + 1 };
  const next = lines[i + 1];
  if (next !== undefined && next.trim() && !isQuoted(next) && /^(on|am|le|el|il|op|em|den|在)\b/iu.test(line.trim())) {
    const two = readAttribution(`${line.trim()} ${next.trim()}`);
    if (two !== undefined) return { ...two, end: i + 2 };
  }
  return undefined;
}

/** A `>` block at the very end of a message is quoted history even without an attribution line. */
function splitTrailingQuote(lines: string[]): { body: string[]; trailingQuote: string[] } {
  let end = lines.length;
  while (end > 0 && !lines[end - 1].trim()) end--;
  let start = end;
  while (start > 0 && (isQuoted(lines[start - 1]) || (!lines[start - 1].trim() && start > 1 && isQuoted(lines[start - 2])))) start--;
  if (start === end) return { body: lines, trailingQuote: [] };
  return { body: lines.slice(0, start), trailingQuote: lines.slice(start, end).map(unquote) };
}

const normalize = (text: string) => text.toLowerCase().replace(/[\s>*_]+/g, ' ').trim();

/** The same message quoted again (a thread pasted twice, a reply quoting a forward): kept once, the first time. */
function dedupe(messages: EmailMessage[]): EmailMessage[] {
  const kept: { message: EmailMessage; key: string }[] = [];
  for (const message of messages) {
    const key = normalize(message.body);
    if (!key) continue;
    const duplicate = kept.find((k) => k.key === key || (key.length > 60 && k.key.includes(key)));
    if (duplicate) {
      // Keep whichever headers are better known.
      for (const field of ['from', 'to', 'cc', 'date', 'subject'] as const) if (!duplicate.message[field] && message[field]) duplicate.message[field] = message[field];
      continue;
    }
    kept.push({ message, key });
  }
  return kept.map((k) => k.message);
}

export { tidy };
