/**
 * Hybrid retrieval: reciprocal rank fusion of the vector and keyword rankings, filters, and
 * diversity across files.
 */
import type { RagChunk, RagHit, RagQuery } from './types';
import { fileType } from './chunker';

/** RRF's k: 60 is the value of the original paper and of most engines; it damps the top ranks' lead. */
export const RRF_K = 60;

export interface Ranked {
  id: string;
  score: number;
}

/**
 * Fuses rankings by RRF: Σ 1/(k + rank). The score is divided by the best possible one
 * (first in every ranking), so it lies in (0, 1]: 1 = first in both, 0.5 = first in one only.
 */
export function reciprocalRankFusion(
  vector: Ranked[],
  keyword: Ranked[],
  options: { k?: number; vectorWeight?: number; keywordWeight?: number } = {},
): { id: string; score: number; vectorRank?: number; keywordRank?: number }[] {
  const k = options.k ?? RRF_K;
  const wv = options.vectorWeight ?? 1;
  const wk = options.keywordWeight ?? 1;
  const fused = new Map<string, { id: string; score: number; vectorRank?: number; keywordRank?: number }>();
  const best = (vector.length ? wv / (k + 1) : 0) + (keyword.length ? wk / (k + 1) : 0) || 1;
  vector.forEach((h, i) => fused.set(h.id, { id: h.id, score: wv / (k + i + 1) / best, vectorRank: i + 1 }));
  keyword.forEach((h, i) => {
    const entry = fused.get(h.id) ?? { id: h.id, score: 0 };
    entry.score += wk / (k + i + 1) / best;
    entry.keywordRank = i + 1;
    fused.set(h.id, entry);
  });
  return [...fused.values()].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

/** The query's folder / file-type filter as a predicate on chunks (always true when it has none). */
export function chunkFilter(q: Pick<RagQuery, 'folders' | 'fileTypes'>): (c: RagChunk) => boolean {
  const folders = (q.folders ?? []).map((f) => f.replace(/\\/g, '/').replace(/^\.?\/+|\/+$/g, '')).filter((f) => f !== '' && f !== '.');
  const types = new Set((q.fileTypes ?? []).map((t) => t.replace(/^\*?\./, '').toLowerCase()));
  const anyFolder = (q.folders ?? []).length > 0 && folders.length === 0;
  return (c) => {
    if (folders.length && !anyFolder && !folders.some((f) => c.path === f || c.path.startsWith(`${f}/`))) return false;
    if (types.size && !types.has(fileType(c.path))) return false;
    return true;
  };
}

/**
 * At most `maxPerFile` chunks of one file, best first, unless fewer files than that cover
 * `topK`: then the set-aside chunks fill the remaining places in rank order.
 */
export function diversify<T extends { path: string }>(ranked: T[], topK: number, maxPerFile: number): T[] {
  const picked: T[] = [];
  const setAside: T[] = [];
  const perFile = new Map<string, number>();
  for (const hit of ranked) {
    if (picked.length >= topK) break;
    const n = perFile.get(hit.path) ?? 0;
    if (n >= maxPerFile) {
      setAside.push(hit);
      continue;
    }
    perFile.set(hit.path, n + 1);
    picked.push(hit);
  }
  for (const hit of setAside) {
    if (picked.length >= topK) break;
    picked.push(hit);
  }
  const order = new Map(ranked.map((h, i) => [h, i]));
  return picked.sort((a, b) => order.get(a)! - order.get(b)!);
}

/** Turns fused ids into hits, applying minScore and diversity. */
export function toHits(fused: ReturnType<typeof reciprocalRankFusion>, chunks: Map<string, RagChunk>, q: RagQuery): RagHit[] {
  const hits: RagHit[] = [];
  for (const f of fused) {
    const c = chunks.get(f.id);
    if (!c || (q.minScore !== undefined && f.score < q.minScore)) continue;
    hits.push({ ...c, score: f.score, vectorRank: f.vectorRank, keywordRank: f.keywordRank });
  }
  return diversify(hits, q.topK ?? 5, q.maxPerFile ?? 2);
}
