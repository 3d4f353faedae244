/**
 * Masks personal details locally, before anything leaves the machine: email addresses, phone
 * numbers, payment cards (Luhn-checked), US SSNs, IBANs (mod-97-checked) and, optionally,
 * the names of the people in the headers. One masker serves one thread, so the same value is
 * always the same placeholder (`[EMAIL_1]`). The mapping back stays with the caller: it is
 * never put into a prompt or a run record, only used to restore what the person sees.
 */
import * as l10n from '@vscode/l10n';
import { ibanValid, luhnValid } from './checksums';

export type PiiKind = 'email' | 'phone' | 'card' | 'ssn' | 'iban' | 'name';

/** A kind's name for the person ("2 email, 1 phone" in the email panel), in the display language. */
export function piiKindName(kind: PiiKind): string {
  switch (kind) {
    case 'email':
      return l10n.t('email');
    case 'phone':
      return l10n.t('phone');
    case 'card':
      return l10n.t('card');
    case 'ssn':
      return l10n.t('SSN');
    case 'iban':
      return l10n.t('IBAN');
    case 'name':
      return l10n.t('name');
  }
}

/** One masked value, as the CLI and the panel list it (never with the value itself). */
export interface Redaction {
  kind: PiiKind;
  placeholder: string;
}

/** Placeholder → original value. Keep it in memory; never send or record it. */
export type PiiMapping = Record<string, string>;

export interface PiiMaskerOptions {
  /** Also mask the names of the thread's people (given with `addNames`). */
  maskNames?: boolean;
}

interface Match {
  start: number;
  end: number;
  kind: PiiKind;
  /** What makes two matches the same value (case, spaces and punctuation aside). */
  key: string;
}

const PLACEHOLDER = /\[(EMAIL|PHONE|CARD|SSN|IBAN|NAME)_(\d+)\]/g;

const EMAIL = /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])/g;
const IBAN = /\b[A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]{4}){2,7}(?:[ \u00a0]?[A-Z0-9]{1,4})?\b/g;
const CARD = /(?<![\d+\w.-])\d(?:[ -]?\d){12,18}(?![\d\w])/g;
const SSN = /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])|(?<=\b(?:SSN|social security(?: number)?)\s*(?:#|no\.?|:)?\s*)\d{9}\b/gi;
const PHONE = /(?<![\w#@/.+-])(?:\+|00)?\(?\d[\d \u00a0().\-/]{5,22}\d(?![\w@]|[.\-/]\d)/g;
const PHONE_CONTEXT = /(?:tel|tél|phone|mobile|mobil|cell|fax|call|ph|handy|telefon|téléphone|portable|电话|手机|電話|手機)\.?\s*[:：]?\s*(?:\+)?$/iu;
const ID_CONTEXT = /(?:order|invoice|ticket|case|ref|reference|po|id|build|version|account|acct|tracking|no\.?|number|nr\.?|#)\s*[:#]?\s*$/i;

/** First names that are also everyday words: masked only as part of a full name. */
const COMMON_WORD_NAMES = new Set(['will', 'may', 'mark', 'june', 'april', 'august', 'bill', 'grant', 'rose', 'frank', 'hope', 'art', 'sunny', 'joy', 'faith', 'max', 'ray', 'dean', 'chase', 'lane', 'page', 'chip', 'pat', 'sue', 'jack', 'don', 'ben', 'rich', 'guy', 'ivy', 'amber', 'dawn', 'summer', 'robin', 'sky', 'team', 'support', 'admin', 'info', 'sales', 'noreply', 'no-reply', 'the', 'and', 'von', 'van', 'der', 'de', 'la', 'le']);

export class PiiMasker {
  private readonly byKey = new Map<string, string>();
  private readonly mapping_: PiiMapping = {};
  private readonly counters: Record<PiiKind, number> = { email: 0, phone: 0, card: 0, ssn: 0, iban: 0, name: 0 };
  private readonly redactions_: Redaction[] = [];
  private occurrences_ = 0;
  /** Name surface forms (full names and their distinctive parts) → the person's key. */
  private readonly names = new Map<string, string>();
  /** The same forms as written (case kept): matched case-sensitively, so "Long" the name is not "long" the word. */
  private readonly nameForms = new Set<string>();
  private namePattern: RegExp | undefined;

  constructor(private readonly options: PiiMaskerOptions = {}) {}

  /** The thread's people, from headers: `Ann Lee <ann@x.com>, "Lee, Bo" <bo@x.com>`, attribution names… */
  addNames(headerValues: readonly string[]): void {
    if (!this.options.maskNames) return;
    for (const value of headerValues) for (const name of namesInHeader(value)) this.addName(name);
    // Chinese, Japanese and Korean text has no spaces between words: those names match anywhere.
    const forms = [...this.nameForms]
      .sort((a, b) => b.length - a.length)
      .map((f) => {
        const escaped = f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        return /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(f) ? escaped : `(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`;
      });
    this.namePattern = forms.length ? new RegExp(forms.join('|'), 'gu') : undefined;
  }

  /** The text with every detected value replaced by its placeholder. */
  mask(text: string): string {
    const matches = this.find(text);
    let out = '';
    let at = 0;
    for (const m of matches) {
      out += text.slice(at, m.start) + this.placeholderFor(m, text.slice(m.start, m.end));
      at = m.end;
    }
    this.occurrences_ += matches.length;
    return out + text.slice(at);
  }

  /** Placeholder → original, for `unmask`. A copy: the caller keeps it, nobody records it. */
  get mapping(): PiiMapping {
    return { ...this.mapping_ };
  }

  /** One entry per distinct masked value, in order of first appearance. */
  get redactions(): Redaction[] {
    return this.redactions_.map((r) => ({ ...r }));
  }

  /** How many spans were replaced in all (a value seen three times counts three). */
  get occurrences(): number {
    return this.occurrences_;
  }

  private placeholderFor(match: Match, original: string): string {
    const key = `${match.kind}:${match.key}`;
    let placeholder = this.byKey.get(key);
    if (!placeholder) {
      placeholder = `[${match.kind.toUpperCase()}_${++this.counters[match.kind]}]`;
      this.byKey.set(key, placeholder);
      this.mapping_[placeholder] = match.kind === 'name' ? match.key : original;
      this.redactions_.push({ kind: match.kind, placeholder });
    }
    return placeholder;
  }

  /** Every match, earlier kinds winning overlaps (an address's digits are not a phone). */
  private find(text: string): Match[] {
    const taken: Match[] = [];
    const overlaps = (s: number, e: number) => taken.some((t) => s < t.end && e > t.start);
    const add = (m: Match) => {
      if (!overlaps(m.start, m.end)) taken.push(m);
    };
    for (const m of text.matchAll(PLACEHOLDER)) taken.push({ start: m.index, end: m.index + m[0].length, kind: 'name', key: '' });
    const existing = taken.length;
    for (const m of text.matchAll(EMAIL)) add({ start: m.index, end: m.index + m[0].length, kind: 'email', key: m[0].toLowerCase() });
    for (const m of text.matchAll(IBAN)) {
      const iban = longestValidIban(m[0]);
      if (iban) add({ start: m.index, end: m.index + iban.length, kind: 'iban', key: iban.replace(/\s/g, '') });
    }
    for (const m of text.matchAll(CARD)) {
      const digits = m[0].replace(/\D/g, '');
      if (luhnValid(digits) && !/^(\d)\1+$/.test(digits)) add({ start: m.index, end: m.index + m[0].length, kind: 'card', key: digits });
    }
    for (const m of text.matchAll(SSN)) add({ start: m.index, end: m.index + m[0].length, kind: 'ssn', key: m[0].replace(/\D/g, '') });
    for (const m of text.matchAll(PHONE)) {
      const phone = m[0].replace(/[\s\u00a0(./-]+$/, '');
      if (isPhone(phone, text.slice(Math.max(0, m.index - 24), m.index))) add({ start: m.index, end: m.index + phone.length, kind: 'phone', key: phone.replace(/\D/g, '').replace(/^00/, '') });
    }
    if (this.namePattern) {
      for (const m of text.matchAll(this.namePattern)) {
        const person = this.names.get(m[0].toLowerCase());
        if (person) add({ start: m.index, end: m.index + m[0].length, kind: 'name', key: person });
      }
    }
    return taken.slice(existing).sort((a, b) => a.start - b.start);
  }

  private addName(full: string): void {
    const clean = full.replace(/\s+/g, ' ').trim();
    if (clean.length < 2 || /[@\d]/.test(clean)) return;
    // A full name is the person's key and what `unmask` shows for any form of it.
    const person = this.names.get(clean.toLowerCase()) ?? clean;
    this.names.set(clean.toLowerCase(), person);
    this.nameForms.add(clean);
    const parts = clean.split(/[\s,]+/).filter(Boolean);
    if (parts.length < 2) return;
    for (const part of parts) {
      const lower = part.toLowerCase();
      if (part.length < 3 || COMMON_WORD_NAMES.has(lower) || !/^\p{Lu}/u.test(part)) continue;
      if (!this.names.has(lower)) this.names.set(lower, person);
      if (this.names.get(lower) === person) this.nameForms.add(part);
    }
  }
}

/** Puts the original values back into text that has placeholders (a model's answer), for display only. */
export function unmask(text: string, mapping: PiiMapping): string {
  return text.replace(PLACEHOLDER, (placeholder) => mapping[placeholder] ?? placeholder);
}

/** The longest prefix of an IBAN-shaped run that passes its checksum (a trailing word may have joined it). */
function longestValidIban(candidate: string): string | undefined {
  let s = candidate.trimEnd();
  while (s.replace(/\s/g, '').length >= 15) {
    if (ibanValid(s)) return s;
    s = s.slice(0, -1).trimEnd();
  }
  return undefined;
}

const DATE_LIKE = [/^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}/, /^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/, /^\d{1,3}(?:\.\d{1,3}){3}$/, /^\d{1,2}[:.]\d{2}/];

/** International (+/00) numbers of 8–15 digits; national ones of 9–12 with a phone-like shape or a "Tel:" before them. */
function isPhone(candidate: string, before: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  if (DATE_LIKE.some((p) => p.test(candidate))) return false;
  const international = /^(?:\+|00)/.test(candidate);
  const labelled = PHONE_CONTEXT.test(before);
  if (!labelled && ID_CONTEXT.test(before)) return false;
  if (international) return digits.length >= 8;
  if (labelled) return true;
  // National numbers (with their trunk 0) have at most 12 digits; longer runs are account or reference numbers.
  if (digits.length > 12) return false;
  if (!/[\s\u00a0().-]/.test(candidate)) return false;
  // Ranges and arithmetic ("2019-2024", "10 - 20") are not phones.
  if (/^\d{1,4}\s*[-/]\s*\d{1,4}$/.test(candidate)) return false;
  return digits.length >= 9 || /^\(\d{2,4}\)/.test(candidate) || /^0\d/.test(candidate);
}

/** Display names in a header value (`Ann Lee <ann@x.com>; "Lee, Bo" <bo@x.com>`), "Last, First" turned round. */
export function namesInHeader(value: string): string[] {
  const names: string[] = [];
  const withAddress = /"?([^"<>,;[\]]{2,80}?(?:,\s*[^"<>,;[\]]{2,40})?)"?\s*[<[(](?:mailto:)?[^\s<>@]+@[^\s<>)\]]+[>\])]/g;
  let matched = false;
  for (const m of value.matchAll(withAddress)) {
    matched = true;
    const raw = m[1].replace(/^[\s,;]+|[\s,;]+$/g, '').replace(/^'+|'+$/g, '');
    const comma = /^([^,]+),\s*(.+)$/.exec(raw);
    names.push(comma ? `${comma[2]} ${comma[1]}` : raw);
  }
  if (!matched) {
    // No addresses: `Ann Lee; Bo Chen`, or an attribution's sender.
    for (const part of value.split(/[;,]/)) {
      const t = part.replace(/<[^>]*>/g, '').replace(/\S+@\S+/g, '').trim();
      if (t && t.length <= 60 && /^\p{L}/u.test(t) && t.split(/\s+/).length <= 4) names.push(t);
    }
  }
  return names.filter((n) => /\p{L}/u.test(n) && !/@/.test(n));
}
