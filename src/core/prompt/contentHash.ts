import { createHash } from 'crypto';

/**
 * The short hash that runs and ratings record, so that a score belongs to the exact text
 * that earned it. Line endings are normalised so a checkout with CRLF hashes the same.
 */
export function contentHash(source: string): string {
  const normalised = source.replace(/\r\n?/g, '\n');
  return createHash('sha256').update(normalised, 'utf8').digest('hex').slice(0, 8);
}
