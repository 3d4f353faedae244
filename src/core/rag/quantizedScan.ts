/**
 * An int8 copy of the index's vectors, scanned with WebAssembly SIMD: the first, approximate pass
 * of VectorStore.search (the exact float re-rank of the best candidates is VectorStore's).
 *
 * Each vector is stored as round(v / s) with s = max|v| / 127 (one scale per vector), the query as
 * int16 values of the same kind, and the scan computes every stored vector's integer dot product
 * with the query, 16 dimensions per step (i32x4.dot_i16x8_s). At 20,000 × 1024 that reads 20 MB
 * instead of 80 and takes about 1–2 ms where the Float32Array loop takes 30–40 (bench/rag.js).
 *
 * The copy lives only in memory (derived from the float vectors as they are added, also at load),
 * so the index file stays exactly vectra's format and size. Where WebAssembly SIMD is missing,
 * `Int8Codes.create` returns undefined and VectorStore scans the floats.
 *
 * Memory layout (one WebAssembly.Memory per store):
 *   [query: stride int16][codes: capacity × stride int8][dots: capacity int32]
 * stride = dims rounded up to 16; the padding bytes stay 0.
 */

/** The scan, in WebAssembly text form; `dotsModule()` assembles exactly this.
 *
 * (func (export "dots") (param $codes i32) (param $query i32) (param $out i32) (param $count i32) (param $stride i32)
 *   (local $j i32) (local $acc v128) (local $x v128)
 *   (block $done (br_if $done (i32.eqz (local.get $count)))
 *     (loop $vector
 *       (local.set $acc (v128.const i32x4 0 0 0 0))
 *       (local.set $j (i32.const 0))
 *       (loop $step                                   ;; 16 dimensions
 *         (local.set $x (v128.load (i32.add (local.get $codes) (local.get $j))))
 *         (local.set $acc (i32x4.add
 *           (i32x4.add (local.get $acc)
 *             (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x))
 *                                (v128.load offset=0 (i32.add (local.get $query) (i32.shl (local.get $j) (i32.const 1))))))
 *           (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x))
 *                              (v128.load offset=16 (i32.add (local.get $query) (i32.shl (local.get $j) (i32.const 1)))))))
 *         (br_if $step (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $stride))))
 *       (i32.store (local.get $out) (sum of the four lanes of $acc))
 *       (local.set $out (i32.add (local.get $out) (i32.const 4)))
 *       (local.set $codes (i32.add (local.get $codes) (local.get $stride)))
 *       (br_if $vector (local.tee $count (i32.sub (local.get $count) (i32.const 1)))))))
 *   (memory (export "memory") 1)
 *
 * No overflow: codes are at most 127 in size and the query's values at most 4095 (QUERY_MAX: the
 * query keeps 12 bits, so nearly all of the error is the stored side's); each i32 lane sums dims / 4
 * products, and 127 × 4095 × dims / 4 < 2^31 up to 16,500 dimensions (MAX_DIMS).
 */
function dotsModule(): Uint8Array {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return out;
  };
  const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
  const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const [CODES, QUERY, OUT, COUNT, STRIDE, J, ACC, X] = [0, 1, 2, 3, 4, 5, 6, 7];
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32 = (n: number) => [0x41, ...uleb(n)]; // small non-negative constants only (sleb = uleb below 64)
  const add = 0x6a, sub = 0x6b, shl = 0x74, ltU = 0x49, eqz = 0x45, brIf = 0x0d, end = 0x0b;
  const v128Load = (offset: number) => [...simd(0x00), 4, ...uleb(offset)];
  const extendLow = 0x87, extendHigh = 0x88, dot = 0xba, i32x4Add = 0xae, lane = 0x1b;
  const half = (extend: number, offset: number) => [
    ...get(X), ...simd(extend), ...get(QUERY), ...get(J), ...i32(1), shl, add, ...v128Load(offset), ...simd(dot), ...simd(i32x4Add),
  ];
  const body = [
    0x02, 0x40, ...get(COUNT), eqz, brIf, 0,
    0x03, 0x40,
    ...simd(0x0c), ...new Array<number>(16).fill(0), ...set(ACC),
    ...i32(0), ...set(J),
    0x03, 0x40,
    ...get(CODES), ...get(J), add, ...v128Load(0), ...set(X),
    ...get(ACC), ...half(extendLow, 0), ...half(extendHigh, 16), ...set(ACC),
    ...get(J), ...i32(16), add, ...tee(J), ...get(STRIDE), ltU, brIf, 0,
    end,
    ...get(OUT),
    ...get(ACC), ...simd(lane), 0, ...get(ACC), ...simd(lane), 1, add, ...get(ACC), ...simd(lane), 2, add, ...get(ACC), ...simd(lane), 3, add,
    0x36, 2, 0,
    ...get(OUT), ...i32(4), add, ...set(OUT),
    ...get(CODES), ...get(STRIDE), add, ...set(CODES),
    ...get(COUNT), ...i32(1), sub, ...tee(COUNT), brIf, 0,
    end,
    end,
    end,
  ];
  const func = [2, 1, 0x7f, 2, 0x7b, ...body]; // locals: 1 × i32, 2 × v128
  const i32Type = 0x7f;
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 5, i32Type, i32Type, i32Type, i32Type, i32Type, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, 1]),
    ...section(7, [2, ...name('dots'), 0, 0, ...name('memory'), 2, 0]),
    ...section(10, [1, ...uleb(func.length), ...func]),
  ]);
}

/** The WebAssembly API used here (the project's lib is ES2022 without the DOM, where TypeScript declares it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule) => { exports: object };
};

let compiled: WasmModule | null | undefined;

/** The compiled scan, or null where WebAssembly SIMD is unavailable (compiled once per process). */
function scanModule(): WasmModule | null {
  if (compiled === undefined) {
    try {
      const bytes = dotsModule();
      compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const PAGE = 65536;
const QUERY_MAX = 4095;
const MAX_DIMS = 16_000;

export class Int8Codes {
  readonly stride: number;
  private capacity = 0;
  private scales = new Float32Array(0);
  private codesView = new Int8Array(0);
  private queryView = new Int16Array(0);
  private dotsView = new Int32Array(0);

  private constructor(readonly dims: number, private readonly memory: WasmMemory, private readonly dots: (codes: number, query: number, out: number, count: number, stride: number) => void) {
    this.stride = Math.ceil(dims / 16) * 16;
  }

  /** undefined where WebAssembly SIMD is unavailable (the caller scans floats instead). */
  static create(dims: number, capacity: number): Int8Codes | undefined {
    const mod = dims > 0 && dims <= MAX_DIMS ? scanModule() : null;
    if (!mod) return undefined;
    const instance = new WebAssembly.Instance(mod);
    const exports = instance.exports as { memory: WasmMemory; dots: Int8Codes['dots'] };
    const codes = new Int8Codes(dims, exports.memory, exports.dots);
    codes.ensure(capacity);
    return codes;
  }

  private get codesOffset(): number {
    return this.stride * 2;
  }

  /** Room for `slots` vectors: grows the memory (codes stay in place; the dots area moves, it is scratch). */
  ensure(slots: number): void {
    if (slots <= this.capacity) return;
    const capacity = Math.max(slots, this.capacity * 2, 64);
    const bytes = this.codesOffset + capacity * this.stride + capacity * 4;
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
    const scales = new Float32Array(capacity);
    scales.set(this.scales);
    this.scales = scales;
    this.capacity = capacity;
    const buf = this.memory.buffer;
    this.queryView = new Int16Array(buf, 0, this.stride);
    this.codesView = new Int8Array(buf, this.codesOffset, capacity * this.stride);
    this.dotsView = new Int32Array(buf, this.codesOffset + capacity * this.stride, capacity);
  }

  /** Stores `vector` (length dims) at `slot`, quantized. */
  set(slot: number, vector: ArrayLike<number>): void {
    this.ensure(slot + 1);
    let max = 0;
    for (let d = 0; d < this.dims; d++) {
      const a = Math.abs(vector[d]);
      if (a > max) max = a;
    }
    const base = slot * this.stride;
    const codes = this.codesView;
    if (!(max > 0) || !Number.isFinite(max)) {
      codes.fill(0, base, base + this.stride);
      this.scales[slot] = 0;
      return;
    }
    const inv = 127 / max;
    for (let d = 0; d < this.dims; d++) codes[base + d] = Math.round(vector[d] * inv);
    this.scales[slot] = max / 127;
  }

  clear(slot: number): void {
    if (slot >= this.capacity) return;
    this.codesView.fill(0, slot * this.stride, (slot + 1) * this.stride);
    this.scales[slot] = 0;
  }

  /**
   * Approximate dot products of the query with the first `slots` stored vectors (up to the query's
   * own scale, which is the same for all and so does not change the order). The returned array is
   * a view that the next call overwrites.
   */
  approximate(query: ArrayLike<number>, slots: number): { dots: Int32Array; scales: Float32Array } {
    let max = 0;
    for (let d = 0; d < this.dims; d++) {
      const a = Math.abs(query[d]);
      if (a > max) max = a;
    }
    const q = this.queryView;
    q.fill(0);
    if (max > 0 && Number.isFinite(max)) for (let d = 0; d < this.dims; d++) q[d] = Math.round((query[d] * QUERY_MAX) / max);
    const count = Math.min(slots, this.capacity);
    this.dots(this.codesOffset, 0, this.codesOffset + this.capacity * this.stride, count, this.stride);
    return { dots: this.dotsView, scales: this.scales };
  }
}
