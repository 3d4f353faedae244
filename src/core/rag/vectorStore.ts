/**
 * Chunk vectors: a Float32Array matrix in memory, stored on disk in vectra 0.15's `LocalIndex`
 * Protobuf format (`index.pb`, packed float32), so the file opens with
 * `new LocalIndex(dir, 'index.pb', undefined, new ProtobufCodec())`.
 *
 * A query first scans an int8 copy of the vectors (quantizedScan.ts, WebAssembly SIMD, kept in
 * memory only: the file stays vectra's), then re-ranks the best candidates by the exact float dot
 * product. At 20,000 × 1024 that is a few ms against 30–40 for the float loop, with recall@10 ≥ 0.99
 * against the exact search (bench/rag.js, test/unit/rag/ragQuantized.test.ts).
 *
 * Why not vectra's own insert/query/codec at run time: its inserts scan all ids per item (O(N²):
 * 50k items ≈ 20 s), its query is slower than ours (bench/rag.js prints both), and loading it
 * costs ≈115 MB and 1–2 s. So the whole file is written in one go in vectra's format
 * (vectraFormat.ts, tested against vectra itself) and queries run on the matrix.
 */
import { writeFileAtomic } from '../workspace/guardedFs';
import * as fs from 'node:fs';
import { Int8Codes } from './quantizedScan';
import { decodeVectraIndex, encodeVectraIndex, type VectraItem } from './vectraFormat';

export interface VectorHit {
  id: string;
  score: number;
}

export interface VectorMeta {
  path: string;
  startLine: number;
  endLine: number;
}

/**
 * Candidates the int8 pass hands to the exact re-rank for a top `k`: twice k plus 20. On random
 * 1024-dim unit vectors (the hardest case: the top ten barely stand out) recall@10 was 1.0 from 20
 * candidates on (test/unit/rag/ragQuantized.test.ts asserts ≥ 0.99); re-ranking 40 costs about 0.05 ms.
 */
export function rerankCount(k: number): number {
  return 2 * k + 20;
}

export class VectorStore {
  private matrix: Float32Array;
  private ids: (string | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  private readonly meta = new Map<string, VectorMeta>();
  /** The int8 copy the first pass scans; undefined without WebAssembly SIMD (floats only then). */
  private readonly codes?: Int8Codes;

  constructor(readonly dims: number, capacity = 1024) {
    this.matrix = new Float32Array(Math.max(1, capacity) * Math.max(1, dims));
    this.codes = Int8Codes.create(dims, capacity);
  }

  get size(): number {
    return this.slotOf.size;
  }

  add(id: string, vector: Float32Array, meta: VectorMeta): void {
    if (vector.length !== this.dims) throw new Error(`vector of ${vector.length} dims in an index of ${this.dims}`);
    this.remove(id);
    const slot = this.freeSlots.pop() ?? this.ids.length;
    if ((slot + 1) * this.dims > this.matrix.length) {
      const bigger = new Float32Array(Math.max(this.matrix.length * 2, (slot + 1) * this.dims));
      bigger.set(this.matrix);
      this.matrix = bigger;
    }
    this.matrix.set(vector, slot * this.dims);
    this.codes?.set(slot, vector);
    this.ids[slot] = id;
    this.slotOf.set(id, slot);
    this.meta.set(id, meta);
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.ids[slot] = undefined;
    this.matrix.fill(0, slot * this.dims, (slot + 1) * this.dims);
    this.codes?.clear(slot);
    this.slotOf.delete(id);
    this.meta.delete(id);
    this.freeSlots.push(slot);
  }

  /**
   * Top `k` by dot product (= cosine: every stored vector and the query are unit length): the int8
   * scan picks the best `rerankCount(k)` accepted candidates, their float vectors give the exact
   * scores and order. Without WebAssembly SIMD, the exact scan.
   */
  search(query: Float32Array, k: number, accept?: (id: string) => boolean): VectorHit[] {
    if (k <= 0) return [];
    if (!this.codes) return this.searchExact(query, k, accept);
    const { dots, scales } = this.codes.approximate(query, this.ids.length);
    const want = rerankCount(k);
    const slots: number[] = [];
    const approx: number[] = [];
    let floor = -Infinity;
    for (let s = 0; s < this.ids.length; s++) {
      const score = dots[s] * scales[s];
      if (slots.length >= want && score <= floor) continue;
      const id = this.ids[s];
      if (id === undefined || (accept && !accept(id))) continue;
      let i = slots.length;
      slots.push(s);
      approx.push(score);
      while (i > 0 && approx[i - 1] < score) {
        slots[i] = slots[i - 1];
        approx[i] = approx[i - 1];
        i--;
      }
      slots[i] = s;
      approx[i] = score;
      if (slots.length > want) {
        slots.pop();
        approx.pop();
      }
      if (slots.length >= want) floor = approx[approx.length - 1];
    }
    const top: VectorHit[] = [];
    for (const s of slots) top.push({ id: this.ids[s]!, score: this.dot(s, query) });
    top.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    return top.slice(0, k);
  }

  /** The exact float dot product of the vector in `slot` with the query. */
  private dot(slot: number, query: Float32Array): number {
    const dims = this.dims;
    const m = this.matrix;
    // Four accumulators: about twice as fast as one on V8 (bench/rag.js).
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    const base = slot * dims;
    let d = 0;
    for (; d + 3 < dims; d += 4) {
      a0 += m[base + d] * query[d];
      a1 += m[base + d + 1] * query[d + 1];
      a2 += m[base + d + 2] * query[d + 2];
      a3 += m[base + d + 3] * query[d + 3];
    }
    for (; d < dims; d++) a0 += m[base + d] * query[d];
    return a0 + a1 + a2 + a3;
  }

  /** Top `k` by the exact float dot product over every vector (the reference the int8 pass is measured against). */
  searchExact(query: Float32Array, k: number, accept?: (id: string) => boolean): VectorHit[] {
    const top: VectorHit[] = [];
    if (k <= 0) return top;
    let floor = -Infinity;
    const slots = this.ids.length;
    for (let s = 0; s < slots; s++) {
      const id = this.ids[s];
      if (id === undefined) continue;
      const score = this.dot(s, query);
      if (top.length >= k && score <= floor) continue;
      if (accept && !accept(id)) continue;
      let i = top.length;
      top.push({ id, score });
      while (i > 0 && top[i - 1].score < score) {
        top[i] = top[i - 1];
        i--;
      }
      top[i] = { id, score };
      if (top.length > k) top.pop();
      if (top.length >= k) floor = top[top.length - 1].score;
    }
    return top;
  }

  /** Writes the vectra Protobuf file atomically (temp file + rename). Returns its size. */
  async save(file: string): Promise<number> {
    const self = this;
    function* items(): Generator<VectraItem> {
      for (const [id, slot] of self.slotOf) {
        const m = self.meta.get(id)!;
        yield {
          id,
          metadata: { path: m.path, startLine: m.startLine, endLine: m.endLine },
          vector: self.matrix.subarray(slot * self.dims, (slot + 1) * self.dims),
          norm: 1,
        };
      }
    }
    const buf = encodeVectraIndex(items());
    return writeFileAtomic(file, buf);
  }

  /** Reads a vectra Protobuf index of `dims`-long vectors; throws when it is not one. */
  static async load(file: string, dims: number): Promise<VectorStore> {
    const buf = await fs.promises.readFile(file);
    const store = new VectorStore(dims, Math.max(1, Math.floor(buf.length / (dims * 4 + 40))));
    decodeVectraIndex(buf, (item) => {
      if (!item.id || item.vector.length !== dims) throw new Error('vector file has an item of the wrong shape');
      const md = item.metadata;
      store.add(item.id, item.vector, { path: String(md.path ?? ''), startLine: Number(md.startLine ?? 0), endLine: Number(md.endLine ?? 0) });
    });
    return store;
  }
}
