/**
 * The one entry point for an email input, whatever it is: pasted text, a `.txt` file, or a
 * MIME message (`.eml`, parsed with mailparser, loaded on first use). Never throws: bad input
 * comes back as `{ok: false, error}` with a message for the person, odd input as warnings.
 */
import * as l10n from '@vscode/l10n';
import { decodeEmailBytes, checkEmailText, decodeQuotedPrintableText } from './decodeInput';
import { parseThreadText } from './parseThread';
import { estimateTextTokens, threadText } from './threadText';
import { EmailInputError, type EmailMessage, type ParsedThread } from './types';

export type EmailParseResult = { ok: true; thread: ParsedThread } | { ok: false; error: { kind: string; message: string } };

export interface EmailInput {
  /** Raw bytes (a file) or text (a selection, the clipboard, the paste box). */
  content: Uint8Array | string;
  /** The file's name, when there is one: `.eml` means MIME whatever the content looks like. */
  fileName?: string;
}

/** Cleaned threads over this many tokens are still returned, with a warning. */
const LONG_THREAD_TOKENS = 100_000;

export async function parseEmail(input: EmailInput): Promise<EmailParseResult> {
  try {
    const warnings: string[] = [];
    let text: string;
    if (typeof input.content === 'string') text = input.content;
    else {
      const decoded = decodeEmailBytes(input.content);
      text = decoded.text;
      warnings.push(...decoded.warnings);
    }
    text = checkEmailText(text);
    const asMime = /\.eml$/i.test(input.fileName ?? '') || looksLikeMime(text);
    // mailparser reads each part's own charset from the bytes, so a file goes to it undecoded.
    const raw = typeof input.content === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(input.content);
    if (!asMime) {
      const qp = decodeQuotedPrintableText(text);
      if (qp.decoded) {
        text = qp.text;
        warnings.push(l10n.t('The text was still quoted-printable (=E2=80=99, lines ending in =); it was decoded.'));
      }
    }
    const parsed = asMime ? await parseMime(raw, text, warnings) : { messages: parseThreadText(text), original: text };
    if (parsed.messages.length === 0) {
      return { ok: false, error: { kind: 'empty', message: l10n.t('No message text was found: the input has only headers, quotes or signatures. Paste the thread with its messages, or open the .eml file.') } };
    }
    const cleaned = threadText(parsed.messages);
    const original = estimateTextTokens(parsed.original);
    const cleanedTokens = estimateTextTokens(cleaned);
    if (cleanedTokens > LONG_THREAD_TOKENS) {
      warnings.push(l10n.t('The cleaned thread is still about {0} tokens, more than most models read at once. Summarize a part of it for a complete answer.', cleanedTokens.toLocaleString('en-US')));
    }
    return {
      ok: true,
      thread: {
        messages: parsed.messages,
        text: cleaned,
        tokens: { original, cleaned: cleanedTokens, saved: Math.max(0, original - cleanedTokens) },
        format: asMime ? 'eml' : 'text',
        warnings,
      },
    };
  } catch (err) {
    if (err instanceof EmailInputError) return { ok: false, error: { kind: err.kind, message: err.message } };
    return { ok: false, error: { kind: 'unreadable', message: l10n.t('The email could not be read ({0}). Paste its text instead.', (err as Error)?.message ?? String(err)) } };
  }
}

const MIME_HEADER = /^(mime-version|content-type|content-transfer-encoding|received|message-id|return-path|delivered-to|dkim-signature|x-[a-z0-9-]+)\s*:/i;

/** RFC 822 headers up to the first blank line, at least one of them MIME or transport-only. */
export function looksLikeMime(text: string): boolean {
  const head = text.slice(0, 64 * 1024).split('\n\n', 1)[0].split('\n');
  if (head.length < 2) return false;
  let mime = false;
  for (const line of head) {
    if (/^[ \t]/.test(line)) continue;
    if (!/^[A-Za-z0-9-]+[ \t]*:/.test(line)) return false;
    if (MIME_HEADER.test(line)) mime = true;
  }
  return mime;
}

async function parseMime(raw: Buffer, text: string, warnings: string[]): Promise<{ messages: EmailMessage[]; original: string }> {
  let mail: import('mailparser').ParsedMail;
  try {
    const { simpleParser } = await import('mailparser');
    mail = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true, skipTextToHtml: true });
  } catch (err) {
    warnings.push(l10n.t('The MIME structure is broken ({0}); the message was read as plain text.', String((err as Error)?.message ?? err)));
    return plainFallback(text);
  }
  const body = (mail.text ?? '').replace(/\r\n?/g, '\n');
  if (!body.trim()) {
    warnings.push(l10n.t('The message has no readable text part (only attachments, or broken MIME); what could be read is shown.'));
    return plainFallback(text);
  }
  if (!mail.text && mail.html) warnings.push(l10n.t('The message had HTML only; its text was extracted.'));
  const headers = {
    from: mail.from?.text ?? '',
    to: addressText(mail.to),
    cc: addressText(mail.cc),
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : String(mail.headers.get('date') ?? ''),
    subject: mail.subject ?? '',
  };
  const head = Object.entries(headers).filter(([, v]) => v).map(([k, v]) => `${k}: ${v}`).join('\n');
  return { messages: parseThreadText(body, headers), original: `${head}\n\n${body}` };
}

function addressText(value: import('mailparser').AddressObject | import('mailparser').AddressObject[] | undefined): string {
  if (!value) return '';
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(', ');
}

/** Broken MIME: drop what looks like raw MIME (boundaries, part headers, base64 runs) and parse the rest as a thread. */
function plainFallback(text: string): { messages: EmailMessage[]; original: string } {
  const [headerPart, ...rest] = text.split('\n\n');
  const headers: Record<string, string> = {};
  for (const line of headerPart.split('\n')) {
    const m = /^(from|to|cc|date|subject)\s*:\s*(.*)$/i.exec(line);
    if (m) headers[m[1].toLowerCase()] = m[2].trim();
  }
  const body = rest
    .join('\n\n')
    .split('\n')
    .filter((l) => !/^--[\w'()+,./:=?-]{6,}(--)?\s*$/.test(l) && !/^content-[a-z-]+\s*:/i.test(l) && !/^[A-Za-z0-9+/=]{60,}$/.test(l))
    .join('\n');
  return { messages: parseThreadText(body, headers), original: text };
}
