/**
 * Bytes from a file or the clipboard into text, refusing what is not an email (binary files,
 * empty input) with a message the person can act on, and reading mixed encodings line by
 * line (UTF-8 where it is valid, Windows-1252 where it is not) instead of showing mojibake.
 */
import * as l10n from '@vscode/l10n';
import { EmailInputError } from './types';

/** Larger inputs are refused: no thread a person pastes is this long, and parsing it would stall the editor. */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

export function decodeEmailBytes(bytes: Uint8Array): { text: string; warnings: string[] } {
  checkSize(bytes.length);
  if (looksBinary(bytes)) {
    throw new EmailInputError(l10n.t('This file is not text: it looks like a binary file (an image, a PDF or an archive?). Open the email itself (.eml or .txt), or paste its text.'), 'binary');
  }
  const warnings: string[] = [];
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = decodeMixed(bytes);
    warnings.push(l10n.t('Parts of the text were not valid UTF-8; they were read as Windows-1252 (Western European).'));
  }
  return { text: text.replace(/^\uFEFF/, ''), warnings };
}

/** The same checks for text that is already a string (a selection, the clipboard, the paste box). */
export function checkEmailText(text: string): string {
  checkSize(Buffer.byteLength(text, 'utf8'));
  const clean = text.replace(/^\uFEFF/, '');
  if (!clean.trim()) throw new EmailInputError(l10n.t('There is nothing to summarize: the text is empty. Paste an email thread, select one, or open an .eml file.'), 'empty');
  const sample = clean.slice(0, 8192);
  const control = sample.match(/[\u0000-\u0008\u000e-\u001f\ufffd]/g)?.length ?? 0;
  if (control > Math.max(8, sample.length * 0.05)) {
    throw new EmailInputError(l10n.t('This text looks like binary data, not an email. Paste the text of the thread, or open the .eml file.'), 'binary');
  }
  return clean.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

function checkSize(bytes: number): void {
  if (bytes > MAX_INPUT_BYTES) {
    const mb = (bytes / 1024 / 1024).toFixed(1);
    throw new EmailInputError(l10n.t('This input is {0} MB; email threads up to {1} MB can be read. Paste the part of the thread you need.', mb, MAX_INPUT_BYTES / 1024 / 1024), 'too-large');
  }
}

/** NUL bytes, or many control bytes, in the first 8 KB. */
function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control > Math.max(8, sample.length * 0.05);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Windows-1252's 0x80–0x9F (Node's decoder may read them as Latin-1 control characters). */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const cp1252 = { decode: (bytes: Uint8Array) => Array.from(bytes, (b) => (b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b))).join('') };

function decodeMixed(bytes: Uint8Array): string {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      const line = bytes.subarray(start, i);
      try {
        parts.push(utf8.decode(line));
      } catch {
        parts.push(cp1252.decode(line));
      }
      start = i + 1;
    }
  }
  return parts.join('\n');
}

const QP_ESCAPE = /=([0-9A-F]{2})/g;
const QP_SOFT_BREAK = /=[ \t]*\n/g;

/**
 * Text still in quoted-printable (pasted from a mail's source, or a `.txt` saved from one):
 * `=E2=80=99`, `=3D`, lines ending in `=`. Decoded when it clearly is QP — three or more escapes
 * and a soft line break, an escaped `=` (`=3D`) or a UTF-8 sequence (`=C3=A9`) — so that an
 * ordinary `a=1` or `==` is left alone. Bytes that are not UTF-8 are read as Windows-1252.
 */
export function decodeQuotedPrintableText(text: string): { text: string; decoded: boolean } {
  const escapes = text.match(QP_ESCAPE)?.length ?? 0;
  if (escapes < 3) return { text, decoded: false };
  const soft = text.match(QP_SOFT_BREAK)?.length ?? 0;
  if (soft === 0 && !/=3D/.test(text) && !/=[C-F][0-9A-F]=[89AB][0-9A-F]/.test(text)) return { text, decoded: false };
  const joined = text.replace(QP_SOFT_BREAK, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; ) {
    const m = joined[i] === '=' ? /^=([0-9A-F]{2})/.exec(joined.slice(i, i + 3)) : null;
    if (m) {
      bytes.push(parseInt(m[1], 16));
      i += 3;
    } else {
      const code = joined.codePointAt(i)!;
      bytes.push(...Buffer.from(String.fromCodePoint(code), 'utf8'));
      i += code > 0xffff ? 2 : 1;
    }
  }
  const raw = Uint8Array.from(bytes);
  let decoded: string;
  try {
    decoded = utf8.decode(raw);
  } catch {
    decoded = decodeMixed(raw);
  }
  return { text: decoded, decoded: true };
}
