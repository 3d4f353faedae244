// Words of a text for the keyword index and the offline word vectors: lower case, letters and
// digits (any script), identifiers split at camelCase / snake_case too, so a question about
// "begin update" finds `beginUpdate`.

import porter2 = require('wink-porter2-stemmer');

const STOPWORDS = new Set(
  ('a an and are as at be but by for from has have how i if in into is it its of on or that the their then there these they this ' +
    'to was were what when where which who why will with you your can do does not no so than we our us my me he she his her them ' +
    'been being also just about over only any all some such more most other out up should would could may might must shall')
    .split(' '),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}_'’-]*/gu;
const SIMPLE = /^[A-Z]?[a-z0-9]+$/;

/** The raw words of a text (lower case, identifiers split), stopwords kept. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(WORD)) {
    // Most words are plain (Capitalised or lower case): no splitting, no second regex.
    if (SIMPLE.test(m[0])) {
      out.push(m[0].toLowerCase());
      continue;
    }
    const raw = m[0].replace(/['’-]+$/, '');
    const parts = raw.split(/[_'’-]+|(?<=[a-z0-9])(?=[A-Z])/);
    const lower = raw.toLowerCase();
    if (parts.length > 1) {
      // Keep the whole identifier as well, so an exact name still matches best.
      if (!lower.includes("'") && !lower.includes('’')) out.push(lower.replace(/[-_]/g, ''));
      for (const p of parts) if (p) out.push(p.toLowerCase());
    } else {
      out.push(lower);
    }
  }
  return out;
}

const stemCache = new Map<string, string>();

/**
 * Porter2 (the Snowball English stemmer, wink-porter2-stemmer): "releases", "released", "releasing"
 * → "releas"; "rolling" → "roll". Words with digits and words outside a–z (other scripts) stay whole.
 */
export function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let s = stemCache.get(word);
  if (s === undefined) {
    s = porter2(word);
    if (stemCache.size > 100_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** Keyword-index terms: words without stopwords, stemmed. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (STOPWORDS.has(w) || w.length > 40) continue;
    out.push(stem(w));
  }
  return out;
}

/** A query word split in two known parts: each part counts half, so together they weigh as the word. */
const SPLIT_WEIGHT = 0.5;
/**
 * Two query words found joined in a document weigh as one word. (Weighing them as two, since the
 * compound stands for both, over-rewarded camelCase identifiers such as `xmlDocument`: hit@5 on
 * bench/retrieval-questions.jsonl fell from 100 % to 97.5 %.)
 */
const JOIN_WEIGHT = 1;

/**
 * A query's terms with weights: its own terms (weight 1), plus compounds written the other way,
 * when the index knows them (`known`):
 * - two adjacent words joined: "roll back" also looks for "rollback", "sign in" for "signin",
 *   "set up" for "setup" (stopwords count here: "in", "up"), as one more query word;
 * - one word split in two known parts: "rollback" also looks for "roll" and "back", "signin" for
 *   "sign" (a stopword part adds nothing), at half weight each: together they weigh as the word.
 * Hyphenated words ("sign-in") already give both forms (see words()).
 */
export function queryTerms(text: string, known: (term: string) => boolean): Map<string, number> {
  const out = new Map<string, number>();
  const put = (term: string, weight: number) => out.set(term, Math.max(out.get(term) ?? 0, weight));
  const raw = words(text);
  for (let i = 0; i < raw.length; i++) {
    const w = raw[i];
    if (w.length > 40) continue;
    if (!STOPWORDS.has(w)) put(stem(w), 1);
    const next = raw[i + 1];
    if (next && /^[a-z]+$/.test(w + next) && !(STOPWORDS.has(w) && STOPWORDS.has(next))) {
      const joined = stem(w + next);
      if (known(joined)) put(joined, JOIN_WEIGHT);
    }
    if (!STOPWORDS.has(w) && w.length >= 6 && /^[a-z]+$/.test(w)) {
      for (const part of splitCompound(w, known)) put(part, SPLIT_WEIGHT);
    }
  }
  return out;
}

/** The known stems of `word`'s two parts (each part 2+ letters, the first 3+; a stopword part is dropped), or none. */
function splitCompound(word: string, known: (term: string) => boolean): string[] {
  for (let i = word.length - 2; i >= 3; i--) {
    const a = word.slice(0, i);
    const b = word.slice(i);
    const aStop = STOPWORDS.has(a);
    const bStop = STOPWORDS.has(b);
    if (aStop && bStop) continue;
    const aOk = aStop || known(stem(a));
    const bOk = bStop || (b.length >= 3 && known(stem(b)));
    if (aOk && bOk) return [a, b].filter((p) => !STOPWORDS.has(p)).map(stem);
  }
  return [];
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}
