/**
 * Deterministic text similarity to a reference answer: token F1 (SQuAD's measure, bag of
 * words) and ROUGE-L F1 (longest common subsequence, so word order counts). Both lower-case,
 * drop punctuation and Markdown marks, and give 0–1.
 */
export function tokensOf(text: string): string[] {
  return text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
}

export function tokenF1(candidate: string, reference: string): number {
  const a = tokensOf(candidate);
  const b = tokensOf(reference);
  if (!a.length && !b.length) return 1;
  if (!a.length || !b.length) return 0;
  const counts = new Map<string, number>();
  for (const t of b) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of a) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      common++;
      counts.set(t, left - 1);
    }
  }
  if (!common) return 0;
  const precision = common / a.length;
  const recall = common / b.length;
  return (2 * precision * recall) / (precision + recall);
}

/** ROUGE-L F1 (β = 1) with an O(n·m) LCS over two rows; answers are at most a few thousand words. */
export function rougeL(candidate: string, reference: string): number {
  const a = tokensOf(candidate);
  const b = tokensOf(reference);
  if (!a.length && !b.length) return 1;
  if (!a.length || !b.length) return 0;
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
    }
    [previous, current] = [current, previous];
  }
  const lcs = previous[b.length];
  if (!lcs) return 0;
  const precision = lcs / a.length;
  const recall = lcs / b.length;
  return (2 * precision * recall) / (precision + recall);
}
