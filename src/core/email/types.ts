/** One message of a thread, as the parser found it. Header values are kept as written (display text). */
export interface EmailMessage {
  from: string;
  to: string;
  cc: string;
  date: string;
  subject: string;
  /** The message's own text: no quoted history, no signature. */
  body: string;
}

export interface ParsedThread {
  /** Oldest first. */
  messages: EmailMessage[];
  /** The cleaned thread as one text: what goes to the model. */
  text: string;
  /** Token estimates of what was given and of the cleaned text (about 4 characters a token). */
  tokens: { original: number; cleaned: number; saved: number };
  /** Where it came from: pasted/plain text, or a MIME message (.eml). */
  format: 'text' | 'eml';
  /** Best-effort notes for the person: what was odd about the input and what was done about it. */
  warnings: string[];
}

/** Why an input cannot be parsed at all: written for the person, with what to do. */
export class EmailInputError extends Error {
  override readonly name = 'EmailInputError';
  constructor(message: string, readonly kind: 'empty' | 'binary' | 'too-large' | 'unreadable') {
    super(message);
  }
}
