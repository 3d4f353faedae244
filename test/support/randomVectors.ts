// Deterministic random data for the vector tests and bench/rag.js (which loads the compiled copy).

/** mulberry32: a small, fast, seeded PRNG; numbers in [0, 1). */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random unit vector (uniform components, then normalized): the hardest case for a quantized search. */
export function unitVector(dims: number, rand: () => number): Float32Array {
  const v = new Float32Array(dims);
  let n = 0;
  for (let d = 0; d < dims; d++) n += (v[d] = rand() - 0.5) ** 2;
  n = Math.sqrt(n);
  for (let d = 0; d < dims; d++) v[d] /= n;
  return v;
}
