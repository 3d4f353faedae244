/**
 * The steps between a parsed thread and the prompt, shared by the editor and the CLI: mask
 * (or not), find the thread's technical terms for the document search, and make the prompt's
 * inputs. Also reads the structured summary of `email-summary-json.prompt`.
 */
import type { RagHit } from '../rag/types';
import { ragContext, type RagContextItem } from '../prompt/ragConfig';
import { PiiMasker, type PiiMapping, type Redaction } from '../privacy/piiMasker';
import { splitAttribution } from './headerLabels';
import { extractTechnicalTerms } from './technicalTerms';
import { threadText } from './threadText';
import type { EmailMessage, ParsedThread } from './types';

export interface PrivacyOptions {
  maskPii: boolean;
  maskNames: boolean;
}

/** A thread ready for the prompt. `mapping` stays with the caller: never in a prompt, never recorded. */
export interface PreparedThread {
  messages: EmailMessage[];
  /** What the model reads (masked when masking is on). */
  text: string;
  redactions: Redaction[];
  /** Spans replaced in all. */
  occurrences: number;
  /** Technical terms of the thread: the query for related documents. */
  terms: string[];
  /** Masks more text with the thread's placeholders (the related documents' excerpts). */
  maskMore(text: string): string;
  /** Placeholder → original, read at the end (it grows as `maskMore` masks). */
  mapping(): PiiMapping;
}

export function prepareThread(thread: Pick<ParsedThread, 'messages'>, options: PrivacyOptions): PreparedThread {
  const people = thread.messages.flatMap((m) => [m.from, m.to, m.cc].filter(Boolean)).flatMap(expandSender);
  const terms = extractTechnicalTerms(thread.messages.map((m) => `${m.subject}\n${m.body}`).join('\n\n'), { exclude: people.flatMap(nameWords) });
  if (!options.maskPii) {
    return { messages: thread.messages, text: threadText(thread.messages), redactions: [], occurrences: 0, terms, maskMore: (t) => t, mapping: () => ({}) };
  }
  const masker = new PiiMasker({ maskNames: options.maskNames });
  masker.addNames(people);
  const messages = thread.messages.map((m) => ({
    from: masker.mask(m.from),
    to: masker.mask(m.to),
    cc: masker.mask(m.cc),
    date: m.date,
    subject: masker.mask(m.subject),
    body: masker.mask(m.body),
  }));
  const prepared: PreparedThread = {
    messages,
    text: threadText(messages),
    redactions: masker.redactions,
    occurrences: masker.occurrences,
    // Terms must not carry a masked value into the document search.
    terms: terms.map((t) => masker.mask(t)).filter((t) => !/\[[A-Z]+_\d+\]/.test(t)),
    maskMore: (text) => masker.mask(text),
    mapping: () => masker.mapping,
  };
  return prepared;
}

/** The prompt's inputs: `email` (the cleaned, masked thread) and `context` (related documents, masked the same way). */
export function emailPromptInputs(prepared: PreparedThread, hits: readonly RagHit[]): { email: string; context: RagContextItem[] } {
  return { email: prepared.text, context: ragContext(hits).map((c) => ({ ...c, text: prepared.maskMore(c.text) })) };
}

/** A header value plus the sender part of one that still carries an attribution's date. */
function expandSender(value: string): string[] {
  return /\d/.test(value) && !/@/.test(value) ? [value, splitAttribution(value).from] : [value];
}

function nameWords(header: string): string[] {
  return header.replace(/<[^>]*>|\S+@\S+/g, ' ').split(/[\s,;"]+/).filter((w) => w.length > 1);
}

/** The JSON `email-summary-json.prompt` asks for. */
export interface StructuredSummary {
  tldr: string;
  decisions: string[];
  actionItems: { task: string; owner: string; due: string }[];
  openQuestions: string[];
}

/** Reads a structured summary from a model's answer (bare JSON or in a ```json fence); undefined when it is not one. */
export function parseStructuredSummary(output: string): StructuredSummary | undefined {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(output);
  const candidate = (fenced ? fenced[1] : output).trim();
  const start = candidate.indexOf('{');
  const end = candidate.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(candidate.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const strings = (x: unknown) => (Array.isArray(x) ? x.map((s) => (typeof s === 'string' ? s : JSON.stringify(s))).filter(Boolean) : []);
  const text = (x: unknown) => (typeof x === 'string' ? x : '');
  if (typeof v.tldr !== 'string' && !Array.isArray(v.decisions) && !Array.isArray(v.actionItems)) return undefined;
  return {
    tldr: text(v.tldr),
    decisions: strings(v.decisions),
    actionItems: (Array.isArray(v.actionItems) ? v.actionItems : []).map((a) => {
      const item = (a && typeof a === 'object' ? a : { task: String(a) }) as Record<string, unknown>;
      return { task: text(item.task), owner: text(item.owner) || 'not stated', due: text(item.due) || 'not stated' };
    }),
    openQuestions: strings(v.openQuestions),
  };
}
