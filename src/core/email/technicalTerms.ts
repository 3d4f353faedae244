/**
 * The technical terms of a thread, to look up the workspace documents it refers to: file
 * paths and code-like tokens first, then CamelCase names and acronyms, then capitalised
 * phrases and words the thread keeps repeating. Names of people and masked values are left out.
 */

const STOPWORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between both but by can cannot could did do does doing down during each few for from further had has have having he her here hers him his how i if in into is it its itself just let me more most my no nor not now of off on once only or other our ours out over own same she should so some such than that the their them then there these they this those through to too under until up us very was we were what when where which while who whom why will with would you your yours hi hello hey dear thanks thank regards best please also still yes ok okay sure re fw fwd sent subject date message original forwarded wrote team all everyone today tomorrow yesterday week monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec am pm eod eow asap fyi btw cc bcc via per need needs think know like get got going want make one two three first last next time call quick update thing things sounds good great let's i'll we'll i'm it's that's don't can't won't could've`
    .split(/\s+/),
);

/** Acronyms too common in mail to mean anything for retrieval. */
const COMMON_ACRONYMS = new Set(['EOD', 'EOW', 'ASAP', 'FYI', 'BTW', 'UTC', 'CET', 'PST', 'PDT', 'EST', 'OK', 'AM', 'PM', 'RE', 'FW', 'FWD', 'CC', 'BCC', 'TBD', 'ETA', 'OOO', 'PS', 'I', 'US', 'EU', 'UK']);

const PLACEHOLDER = /\[(?:EMAIL|PHONE|CARD|SSN|IBAN|NAME)_\d+\]/g;

export interface TermOptions {
  /** Words never to return (people's names from the headers). */
  exclude?: readonly string[];
  /** At most this many terms (default 12). */
  max?: number;
}

export function extractTechnicalTerms(text: string, options: TermOptions = {}): string[] {
  const max = options.max ?? 12;
  const excluded = new Set((options.exclude ?? []).flatMap((n) => n.toLowerCase().split(/[\s,<>"]+/)).filter(Boolean));
  const source = text.slice(0, 200_000).replace(PLACEHOLDER, ' ').replace(/\S+@\S+\.\w+/g, ' ');
  const scores = new Map<string, { term: string; score: number }>();
  const add = (term: string, weight: number) => {
    const clean = term.replace(/^[("'`[]+|[)"'`\].,;:!?]+$/g, '');
    const key = clean.toLowerCase();
    if (clean.length < 2 || excluded.has(key) || key.split(/\s+/).every((w) => excluded.has(w)) || STOPWORDS.has(key) || /^\d+([.,:]\d+)*$/.test(clean)) return;
    const entry = scores.get(key) ?? { term: clean, score: 0 };
    entry.score += weight;
    scores.set(key, entry);
  };

  // Paths, file names, flags and dotted/underscored identifiers: the surest pointers to documents.
  for (const m of source.matchAll(/(?:[\w.-]+\/)+[\w.-]*[\w.]\.[a-z]{1,5}\b|(?:[\w.-]+\/){2,}[\w.-]+|\b[\w-]+\.(?:md|txt|ts|js|py|json|ya?ml|go|rs|java|sql|sh|toml|ini|cfg|conf|proto|html|css|prompt)\b|`[^`\n]{2,60}`|\b[a-z]+(?:[_][a-z0-9]+)+\b|\b[a-z][a-z0-9]*(?:-[a-z0-9]+){1,4}\b(?=[^\n]{0,3}(?:flag|service|cluster|endpoint|table|queue|bucket|config|setting))/g)) {
    add(m[0].replace(/`/g, ''), 4);
  }
  // CamelCase and acronyms (OrdersService, API, SLA, v2).
  for (const m of source.matchAll(/\b(?:[A-Z][a-z0-9]+){2,}\b|\b[a-z]+(?:[A-Z][a-z0-9]+)+\b|\b[A-Z]{2,6}s?\b|\bv\d+(?:\.\d+)*\b/g)) {
    if (!COMMON_ACRONYMS.has(m[0].replace(/s$/, ''))) add(m[0], 3);
  }
  // Capitalised phrases inside sentences (Orders API, Connection Pool), not at a sentence start.
  for (const m of source.matchAll(/(?<=[a-z,;:] )(?:[A-Z][\w-]+)(?: (?:[A-Z][\w-]+|v\d+))+/g)) add(m[0], 2);
  // Words the thread keeps repeating.
  const counts = new Map<string, number>();
  for (const m of source.matchAll(/\b[\p{L}][\p{L}\p{N}-]{3,}\b/gu)) {
    const key = m[0].toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [word, count] of counts) if (count >= 2) add(word, Math.min(count, 6) * 0.5);

  return [...scores.values()]
    .sort((a, b) => b.score - a.score || a.term.localeCompare(b.term))
    .slice(0, max)
    .map((s) => s.term);
}
