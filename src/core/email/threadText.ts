import { estimateInputTokens } from '../runs/costEstimate';
import type { EmailMessage } from './types';

/** The cleaned thread as the model reads it: one block per message, oldest first. */
export function threadText(messages: readonly EmailMessage[]): string {
  return messages
    .map((m, i) => {
      const head = [`Message ${i + 1} of ${messages.length}`];
      // A message whose sender is not known says so, so that its words are not put in the next sender's mouth.
      if (m.from || messages.length > 1) head.push(`From: ${m.from || 'unknown sender'}`);
      if (m.to) head.push(`To: ${m.to}`);
      if (m.cc) head.push(`Cc: ${m.cc}`);
      if (m.date) head.push(`Date: ${m.date}`);
      if (m.subject) head.push(`Subject: ${m.subject}`);
      return `${head.join('\n')}\n\n${m.body}`;
    })
    .join('\n\n---\n\n');
}

/** Tokens as the project estimates them everywhere (costEstimate.ts: about 4 characters a token). */
export function estimateTextTokens(text: string): number {
  return estimateInputTokens([{ role: 'user', content: [{ text }] }]);
}
