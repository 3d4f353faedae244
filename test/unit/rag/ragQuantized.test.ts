// The vector store's two-pass search: the int8 WebAssembly scan (quantizedScan.ts) and the exact
// float re-rank, measured against the exact search on random Titan-sized vectors, plus the index
// file's size (the int8 copy lives in memory only) and the store's edge cases.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Int8Codes } from '../../../src/core/rag/quantizedScan';
import { VectorStore } from '../../../src/core/rag/vectorStore';
import { rng, unitVector } from '../../support/randomVectors';

const meta = (i: number) => ({ path: `f${i % 100}.md`, startLine: i, endLine: i + 10 });

describe('rag quantized vector search', function () {
  this.timeout(120_000); // 20,000 × 1024 random vectors on a shared, busy machine

  it('has WebAssembly SIMD here, and its integer dot products equal the plain ones', () => {
    const dims = 37; // not a multiple of 16: the padding must not count
    const codes = Int8Codes.create(dims, 4);
    assert.ok(codes, 'WebAssembly SIMD is available on Node 20');
    const rand = rng(3);
    const vectors = [0, 1, 2].map(() => unitVector(dims, rand));
    vectors.forEach((v, i) => codes.set(i, v));
    const query = unitVector(dims, rand);
    const { dots, scales } = codes.approximate(query, 3);
    vectors.forEach((v, i) => {
      const exact = v.reduce((sum, x, d) => sum + x * query[d], 0);
      const qmax = Math.max(...Array.from(query, Math.abs));
      const approx = (dots[i] * scales[i] * qmax) / 4095;
      assert.ok(Math.abs(approx - exact) < 0.02, `vector ${i}: ${approx} ≈ ${exact}`);
    });
  });

  it('finds the exact top 10 with recall ≥ 0.99 over 20,000 random 1024-dim vectors, and the same scores', () => {
    const rand = rng(11);
    const store = new VectorStore(1024, 20_000);
    for (let i = 0; i < 20_000; i++) store.add(`c${i}`, unitVector(1024, rand), meta(i));
    let found = 0;
    const queries = 30;
    for (let q = 0; q < queries; q++) {
      const query = unitVector(1024, rand);
      const exact = store.searchExact(query, 10);
      const fast = store.search(query, 10);
      assert.equal(fast.length, 10);
      const truth = new Set(exact.map((h) => h.id));
      found += fast.filter((h) => truth.has(h.id)).length;
      // Re-ranked by the float vectors: a hit's score is its exact score, best first.
      for (let i = 1; i < fast.length; i++) assert.ok(fast[i - 1].score >= fast[i].score);
      const exactScore = new Map(exact.map((h) => [h.id, h.score]));
      for (const h of fast) if (exactScore.has(h.id)) assert.ok(Math.abs(h.score - exactScore.get(h.id)!) < 1e-6);
    }
    const recall = found / (queries * 10);
    assert.ok(recall >= 0.99, `recall@10 ${recall}`);
  });

  it('keeps recall on clustered vectors (near-duplicates, like chunks of one document)', () => {
    const rand = rng(5);
    const centres = Array.from({ length: 50 }, () => unitVector(1024, rand));
    const store = new VectorStore(1024);
    for (let i = 0; i < 5_000; i++) {
      const c = centres[i % centres.length];
      const noise = unitVector(1024, rand);
      const v = new Float32Array(1024);
      let n = 0;
      for (let d = 0; d < 1024; d++) n += (v[d] = c[d] + 0.3 * noise[d]) ** 2;
      for (let d = 0; d < 1024; d++) v[d] /= Math.sqrt(n);
      store.add(`c${i}`, v, meta(i));
    }
    let found = 0;
    for (let q = 0; q < 20; q++) {
      const query = centres[q];
      const truth = new Set(store.searchExact(query, 10).map((h) => h.id));
      found += store.search(query, 10).filter((h) => truth.has(h.id)).length;
    }
    assert.ok(found / 200 >= 0.99, `recall@10 ${found / 200}`);
  });

  it('applies the filter, skips removed vectors and reuses their slots', () => {
    const rand = rng(9);
    const store = new VectorStore(64, 2);
    const vectors = Array.from({ length: 300 }, () => unitVector(64, rand));
    vectors.forEach((v, i) => store.add(`c${i}`, v, meta(i)));
    const query = vectors[7];
    assert.equal(store.search(query, 1)[0].id, 'c7');
    assert.ok(Math.abs(store.search(query, 1)[0].score - 1) < 1e-5);
    store.remove('c7');
    assert.ok(!store.search(query, 20).some((h) => h.id === 'c7'));
    store.add('again', query, meta(0)); // takes c7's freed slot
    assert.equal(store.search(query, 1)[0].id, 'again');
    const odd = store.search(query, 10, (id) => /[13579]$/.test(id));
    assert.equal(odd.length, 10);
    assert.ok(odd.every((h) => /[13579]$/.test(h.id)));
    assert.deepEqual(odd.map((h) => h.id), store.searchExact(query, 10, (id) => /[13579]$/.test(id)).map((h) => h.id));
    assert.deepEqual(store.search(query, 0), []);
    assert.equal(new VectorStore(64).search(query, 5).length, 0);
  });

  it('writes the same index file as before (vectra format, float32 only) and searches the same after a reload', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-rag-quant-'));
    try {
      const rand = rng(21);
      const store = new VectorStore(1024);
      for (let i = 0; i < 500; i++) store.add(`f${i}.md#0`, unitVector(1024, rand), meta(i));
      const file = path.join(dir, 'index.pb');
      const bytes = await store.save(file);
      assert.equal(fs.statSync(file).size, bytes);
      assert.deepEqual(fs.readdirSync(dir), ['index.pb'], 'no side file: the int8 copy is derived at load');
      // Packed float32 plus ids and metadata: no more than raw float32 × 1.05 at 1024 dims.
      assert.ok(bytes <= 500 * 1024 * 4 * 1.05, `${bytes} bytes`);
      const loaded = await VectorStore.load(file, 1024);
      const query = unitVector(1024, rand);
      assert.deepEqual(loaded.search(query, 10), store.search(query, 10));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
