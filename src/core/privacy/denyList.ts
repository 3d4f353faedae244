/**
 * Local input/output filters for any provider (`promptWorkbench.filters.deny`): plain words
 * (whole words, any case) and `/regex/flags` patterns. Nothing leaves the machine to check them.
 */

export interface DenyFilter {
  pattern: RegExp;
  /** How a person reads it in a reason: `denied word “secret”`, `denied pattern /\d{6}/`. */
  label: string;
}

export function compileDenyList(entries: unknown): { filters: DenyFilter[]; problems: string[] } {
  const filters: DenyFilter[] = [];
  const problems: string[] = [];
  if (entries === undefined || entries === null) return { filters, problems };
  if (!Array.isArray(entries)) return { filters, problems: ['promptWorkbench.filters.deny must be a list of words or /patterns/; it was ignored.'] };
  for (const entry of entries) {
    if (typeof entry !== 'string' || !entry.trim()) continue;
    const regex = /^\/(.+)\/([a-z]*)$/s.exec(entry.trim());
    try {
      if (regex) {
        const flags = [...new Set((regex[2] + 'u').replace(/[gy]/g, ''))].join('');
        filters.push({ pattern: new RegExp(regex[1], flags), label: `denied pattern /${regex[1]}/` });
      } else {
        const word = entry.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        filters.push({ pattern: new RegExp(`(?<![\\p{L}\\p{N}_])${word}(?![\\p{L}\\p{N}_])`, 'iu'), label: `denied word “${entry.trim()}”` });
      }
    } catch (err) {
      problems.push(`The deny-list pattern ${entry} is not a valid regular expression (${(err as Error).message}); it was ignored.`);
    }
  }
  return { filters, problems };
}

/** The label of every filter the text trips. */
export function denyListReasons(text: string, filters: readonly DenyFilter[]): string[] {
  return filters.filter((f) => f.pattern.test(text)).map((f) => f.label);
}
