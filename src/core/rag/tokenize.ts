// Words of a text for the keyword index and the offline word vectors: lower case, letters and
// digits (any script), identifiers split at camelCase / snake_case too, so a question about
// "begin update" finds `beginUpdate`.

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

/** A light English stemmer: plural and verb endings, enough for "indexes"/"indexing"/"indexed" to meet. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return word.slice(0, -3) + 'y';
  if (word.endsWith('sses')) return word.slice(0, -2);
  // A stem keeps at least four letters: "indexing" → "index", but "string" and "used" stay whole.
  if (word.endsWith('ing') && word.length > 6) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 5) return word.slice(0, -2);
  if (word.endsWith('es') && /(?:ch|sh|x|z|ss)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) return word.slice(0, -1);
  return word;
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

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}
