// wink-porter2-stemmer 2.0.1 ships no types: one function, a lower-case English word in, its Porter2 stem out.
declare module 'wink-porter2-stemmer' {
  function stem(word: string): string;
  export = stem;
}
