/**
 * The offline embedder: smooth-inverse-frequency (SIF) averaged GloVe word vectors from
 * media/word-vectors.bin (built by scripts/build-word-vectors.js), no network, no account.
 * Frequent words weigh little (a / (a + p(w)), p from the word's frequency rank, Zipf), words
 * outside the table get a hashed pseudo-random vector so rare names still match themselves, the
 * table's common direction is removed and the result is unit length. Deterministic.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Embedder } from './types';
import { isStopword, words } from './tokenize';

export const OFFLINE_EMBEDDER_ID = 'offline:glove100-sif/1';

export interface WordVectorTable {
  dims: number;
  index: Map<string, number>;
  scales: Float32Array;
  vectors: Int8Array;
  principalComponent: Float32Array;
}

const tables = new Map<string, WordVectorTable>();

/** Reads (once per process) the table written by scripts/build-word-vectors.js. */
export function loadWordVectors(file: string): WordVectorTable {
  const cached = tables.get(file);
  if (cached) return cached;
  const buf = fs.readFileSync(file);
  const headerBytes = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + headerBytes).toString('utf8')) as {
    format: string; count: number; dims: number; principalComponent: number[]; wordsBytes: number;
  };
  if (header.format !== 'prompt-workbench.word-vectors/1') throw new Error(`${file}: not a word-vector table (${header.format}).`);
  const align = (n: number) => n + ((4 - (n % 4)) % 4);
  const wordsStart = align(4 + headerBytes);
  const list = buf.subarray(wordsStart, wordsStart + header.wordsBytes).toString('utf8').split('\n');
  const scalesStart = align(wordsStart + header.wordsBytes);
  const copy = new Uint8Array(buf.length - scalesStart);
  copy.set(buf.subarray(scalesStart));
  const scales = new Float32Array(copy.buffer, 0, header.count);
  const vectors = new Int8Array(copy.buffer, header.count * 4, header.count * header.dims);
  const index = new Map<string, number>();
  list.forEach((w, i) => index.set(w, i));
  const table = { dims: header.dims, index, scales, vectors, principalComponent: Float32Array.from(header.principalComponent) };
  tables.set(file, table);
  return table;
}

/** media/word-vectors.bin next to the bundle (dist/ → ../media) or the sources (out/src/core/rag → ../../../../media). */
export function defaultWordVectorsPath(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'media', 'word-vectors.bin');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('media/word-vectors.bin was not found next to the extension: the offline embedder cannot start. Reinstall the extension.');
}

const SIF_A = 1e-3;
/** Weight of a word missing from the table: rare, so nearly the full SIF weight, but its vector carries no meaning beyond itself. */
const OOV_WEIGHT = 0.6;

function fnv1a(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class OfflineEmbedder implements Embedder {
  readonly id = OFFLINE_EMBEDDER_ID;
  readonly dims: number;
  readonly maxBatch = 256;
  private readonly table: WordVectorTable;
  /** p(w) from Zipf's law: 1 / (rank × H(N)). */
  private readonly harmonic: number;
  private readonly cache = new Map<string, Float32Array>();

  constructor(wordVectorsPath?: string) {
    this.table = loadWordVectors(wordVectorsPath ?? defaultWordVectorsPath());
    this.dims = this.table.dims;
    this.harmonic = Math.log(this.table.index.size) + 0.5772;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): Float32Array {
    const dims = this.dims;
    const sum = new Float32Array(dims);
    const counts = new Map<string, number>();
    for (const w of words(text)) {
      if (w.length > 30 || isStopword(w)) continue;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    for (const [w, n] of counts) {
      // Repeats count, but sub-linearly: a chunk that says "index" ten times is not ten times more about it.
      const tf = 1 + Math.log(n);
      const v = this.wordVector(w);
      const rank = this.table.index.get(w);
      const weight = rank === undefined ? OOV_WEIGHT : SIF_A / (SIF_A + 1 / ((rank + 1) * this.harmonic));
      for (let d = 0; d < dims; d++) sum[d] += tf * weight * v[d];
    }
    // Remove the common direction every averaged vector shares, then unit length.
    const pc = this.table.principalComponent;
    let dot = 0;
    for (let d = 0; d < dims; d++) dot += sum[d] * pc[d];
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      sum[d] -= dot * pc[d];
      norm += sum[d] * sum[d];
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let d = 0; d < dims; d++) sum[d] /= norm;
    return sum;
  }

  /** The word's table vector (unit length), or a stable pseudo-random unit vector for words it lacks. */
  private wordVector(w: string): Float32Array {
    let v = this.cache.get(w);
    if (v) return v;
    const dims = this.dims;
    v = new Float32Array(dims);
    const i = this.table.index.get(w);
    if (i !== undefined) {
      const scale = this.table.scales[i];
      for (let d = 0; d < dims; d++) v[d] = this.table.vectors[i * dims + d] * scale;
    } else {
      let state = fnv1a(w, 0x9e3779b9) || 1;
      for (let d = 0; d < dims; d++) {
        // xorshift32: cheap, deterministic, roughly uniform in [-1, 1].
        state ^= state << 13; state >>>= 0;
        state ^= state >>> 17;
        state ^= state << 5; state >>>= 0;
        v[d] = state / 0x80000000 - 1;
      }
    }
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += v[d] * v[d];
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dims; d++) v[d] /= norm;
    if (this.cache.size > 200_000) this.cache.clear();
    this.cache.set(w, v);
    return v;
  }
}
