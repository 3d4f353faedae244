/**
 * The keyword index: Okapi BM25 (k1 1.2, b 0.75) over chunk terms, with documents added and
 * removed one at a time (a file's chunks when it changes). Postings live in memory; on disk it
 * is a compact binary (vocabulary + per-chunk term ids and counts), and the postings are rebuilt
 * on load. vectra's own BM25 rebuilds its engine on every query (seconds), so it is not used.
 */
import { queryTerms, terms } from './tokenize';

const K1 = 1.2;
const B = 0.75;
/** "BM22": terms of tokenize.ts's Porter2 analyzer. "BM21" files hold the older light stemmer's terms. */
const MAGIC = 0x32324d42;

interface Doc {
  id: string;
  length: number;
  termIds: Uint32Array;
  counts: Uint16Array;
}

export interface KeywordHit {
  id: string;
  score: number;
}

export class Bm25Index {
  private readonly vocab: string[] = [];
  private readonly termIndex = new Map<string, number>();
  /** term id → (doc slot → count). */
  private readonly postings: Map<number, number>[] = [];
  private readonly docs: (Doc | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  private totalLength = 0;

  get size(): number {
    return this.slotOf.size;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  add(id: string, text: string): void {
    const counts = new Map<number, number>();
    const list = terms(text);
    for (const t of list) {
      let tid = this.termIndex.get(t);
      if (tid === undefined) {
        tid = this.vocab.length;
        this.vocab.push(t);
        this.termIndex.set(t, tid);
        this.postings.push(new Map());
      }
      counts.set(tid, (counts.get(tid) ?? 0) + 1);
    }
    const termIds = new Uint32Array(counts.size);
    const tfs = new Uint16Array(counts.size);
    let i = 0;
    for (const [tid, c] of counts) {
      termIds[i] = tid;
      tfs[i++] = c > 65535 ? 65535 : c;
    }
    this.insert({ id, length: list.length, termIds, counts: tfs });
  }

  private insert(doc: Doc): void {
    if (this.slotOf.has(doc.id)) this.remove(doc.id);
    const slot = this.freeSlots.pop() ?? this.docs.length;
    this.docs[slot] = doc;
    this.slotOf.set(doc.id, slot);
    this.totalLength += doc.length;
    for (let i = 0; i < doc.termIds.length; i++) this.postings[doc.termIds[i]].set(slot, doc.counts[i]);
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const doc = this.docs[slot]!;
    for (const tid of doc.termIds) this.postings[tid].delete(slot);
    this.totalLength -= doc.length;
    this.docs[slot] = undefined;
    this.slotOf.delete(id);
    this.freeSlots.push(slot);
    return true;
  }

  /** The best `k` chunks for the query's terms (and its compounds written the other way, see queryTerms); `accept` filters by id before ranking. */
  search(query: string, k: number, accept?: (id: string) => boolean): KeywordHit[] {
    const n = this.slotOf.size;
    if (n === 0) return [];
    const avg = this.totalLength / n || 1;
    // Dense score array over slots: far cheaper than a Map at 20k+ chunks (bench/rag.js).
    const scores = new Float64Array(this.docs.length);
    const touched: number[] = [];
    const known = (t: string) => (this.postings[this.termIndex.get(t) ?? -1]?.size ?? 0) > 0;
    for (const [t, weight] of queryTerms(query, known)) {
      const tid = this.termIndex.get(t);
      if (tid === undefined) continue;
      const posting = this.postings[tid];
      const df = posting.size;
      if (df === 0) continue;
      const idf = weight * Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (const [slot, tf] of posting) {
        const len = this.docs[slot]!.length;
        if (scores[slot] === 0) touched.push(slot);
        scores[slot] += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * len) / avg));
      }
    }
    const ranked: KeywordHit[] = [];
    touched.sort((a, b) => scores[b] - scores[a]);
    for (const slot of touched) {
      const id = this.docs[slot]!.id;
      if (!accept || accept(id)) ranked.push({ id, score: scores[slot] });
      if (ranked.length >= k * 4) break;
    }
    ranked.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    return ranked.slice(0, k);
  }

  /**
   * Binary form: u32 magic, u32 vocab bytes, vocab ('\n'-joined utf8), u32 doc count, then per
   * doc: u16 id bytes, id, u32 length, u32 term count, u32 term ids…, u16 counts….
   * Only terms still used are written, renumbered.
   */
  serialize(): Buffer {
    const used = new Map<number, number>();
    const liveDocs = this.docs.filter((d): d is Doc => d !== undefined);
    for (const d of liveDocs) for (const t of d.termIds) if (!used.has(t)) used.set(t, used.size);
    const vocab = Buffer.from([...used.keys()].map((t) => this.vocab[t]).join('\n'), 'utf8');
    let size = 12 + vocab.length;
    const ids = liveDocs.map((d) => Buffer.from(d.id, 'utf8'));
    liveDocs.forEach((d, i) => (size += 2 + ids[i].length + 8 + d.termIds.length * 6));
    const buf = Buffer.alloc(size);
    let o = 0;
    o = buf.writeUInt32LE(MAGIC, o);
    o = buf.writeUInt32LE(vocab.length, o);
    o += vocab.copy(buf, o);
    o = buf.writeUInt32LE(liveDocs.length, o);
    liveDocs.forEach((d, i) => {
      o = buf.writeUInt16LE(ids[i].length, o);
      o += ids[i].copy(buf, o);
      o = buf.writeUInt32LE(d.length, o);
      o = buf.writeUInt32LE(d.termIds.length, o);
      for (const t of d.termIds) o = buf.writeUInt32LE(used.get(t)!, o);
      for (const c of d.counts) o = buf.writeUInt16LE(c, o);
    });
    return buf;
  }

  /** Whether `buf` holds terms of this version's analyzer (a keyword index of another one is rebuilt from the chunk texts). */
  static sameAnalyzer(buf: Buffer): boolean {
    return buf.length >= 4 && buf.readUInt32LE(0) === MAGIC;
  }

  /** Throws on anything malformed (the caller rebuilds the index). */
  static deserialize(buf: Buffer): Bm25Index {
    const index = new Bm25Index();
    let o = 0;
    const need = (n: number) => {
      if (o + n > buf.length) throw new Error('keyword index is truncated');
    };
    need(8);
    if (buf.readUInt32LE(0) !== MAGIC) throw new Error('keyword index has a wrong header');
    const vocabBytes = buf.readUInt32LE(4);
    o = 8;
    need(vocabBytes + 4);
    const vocab = vocabBytes ? buf.toString('utf8', o, o + vocabBytes).split('\n') : [];
    o += vocabBytes;
    for (const t of vocab) {
      index.termIndex.set(t, index.vocab.length);
      index.vocab.push(t);
      index.postings.push(new Map());
    }
    const count = buf.readUInt32LE(o);
    o += 4;
    for (let i = 0; i < count; i++) {
      need(2);
      const idLen = buf.readUInt16LE(o);
      o += 2;
      need(idLen + 8);
      const id = buf.toString('utf8', o, o + idLen);
      o += idLen;
      const length = buf.readUInt32LE(o);
      const n = buf.readUInt32LE(o + 4);
      o += 8;
      need(n * 6);
      const termIds = new Uint32Array(n);
      const counts = new Uint16Array(n);
      for (let k = 0; k < n; k++, o += 4) {
        termIds[k] = buf.readUInt32LE(o);
        if (termIds[k] >= vocab.length) throw new Error('keyword index names an unknown term');
      }
      for (let k = 0; k < n; k++, o += 2) counts[k] = buf.readUInt16LE(o);
      index.insert({ id, length, termIds, counts });
    }
    if (o !== buf.length) throw new Error('keyword index has trailing bytes');
    return index;
  }
}
