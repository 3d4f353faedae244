/**
 * Masks a parsed thread as one unit, so a person or an address has one placeholder in every
 * message and in the text the model reads. The mapping is returned to the caller alone.
 */
import type { PiiMapping, Redaction } from '../privacy/piiMasker';
import { prepareThread } from './emailSummary';
import type { EmailMessage, ParsedThread } from './types';

export { unmask, type PiiMapping, type Redaction, type PiiKind } from '../privacy/piiMasker';

export interface MaskedThread {
  messages: EmailMessage[];
  text: string;
  redactions: Redaction[];
  /** How many spans were replaced (a value met three times counts three). */
  occurrences: number;
  /** Placeholder → original: for restoring what the person sees. Never send it, never record it. */
  mapping: PiiMapping;
}

export function maskThread(thread: Pick<ParsedThread, 'messages'>, options: { maskNames: boolean }): MaskedThread {
  const prepared = prepareThread(thread, { maskPii: true, maskNames: options.maskNames });
  return { messages: prepared.messages, text: prepared.text, redactions: prepared.redactions, occurrences: prepared.occurrences, mapping: prepared.mapping() };
}
