/**
 * vectra 0.15's Protobuf index format (`index.pb`, schema vectra/lib/codecs/schemas/index.proto),
 * written and read here directly: the same bytes vectra's ProtobufCodec reads and writes
 * (unit-tested both ways), without loading vectra (≈115 MB RSS, 1–2 s) or protobufjs, and
 * straight from/into Float32Arrays (vectra's codec goes through number[] and took 7–16 s to
 * save 20k × 1024 vectors here).
 *
 *   IndexData { uint32 version = 1; MetadataConfig metadata_config = 2; repeated IndexItem items = 3; }
 *   IndexItem { string id = 1; map<string, MetadataValue> metadata = 2; repeated float vector = 3 [packed];
 *               double norm = 4; optional string metadata_file = 5; }
 *   MetadataValue { oneof value { string string_value = 1; double number_value = 2; bool bool_value = 3; } }
 */

export type MetadataValue = string | number | boolean;

export interface VectraItem {
  id: string;
  metadata: Record<string, MetadataValue>;
  vector: Float32Array;
  norm: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

class Writer {
  private buf = Buffer.allocUnsafe(1 << 16);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
  varint(v: number): void {
    this.ensure(10);
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }
  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  bytes(field: number, data: Buffer): void {
    this.tag(field, LEN);
    this.varint(data.length);
    this.ensure(data.length);
    data.copy(this.buf, this.pos);
    this.pos += data.length;
  }
  double(field: number, v: number): void {
    this.tag(field, I64);
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }
  floats(field: number, v: Float32Array): void {
    this.tag(field, LEN);
    this.varint(v.length * 4);
    this.ensure(v.length * 4);
    if (LITTLE_ENDIAN) {
      // A byte copy of the floats: protobuf's packed floats are little-endian IEEE 754, as in memory here.
      this.buf.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), this.pos);
      this.pos += v.byteLength;
    } else {
      for (let i = 0; i < v.length; i++) this.pos = this.buf.writeFloatLE(v[i], this.pos);
    }
  }
  /** Appends another writer's bytes as a length-delimited field. */
  message(field: number, inner: Writer): void {
    const data = inner.finish();
    this.tag(field, LEN);
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }
  reset(): void {
    this.pos = 0;
  }
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

function encodeValue(v: MetadataValue): Buffer {
  const w = new Writer();
  if (typeof v === 'string') w.bytes(1, Buffer.from(v, 'utf8'));
  else if (typeof v === 'number') w.double(2, v);
  else {
    w.tag(3, VARINT);
    w.varint(v ? 1 : 0);
  }
  return w.finish();
}

/** One reusable writer per item: most of a save is the vectors, copied once into it and once into the file. */
const itemWriter = new Writer();
const entryWriter = new Writer();

function writeItem(out: Writer, item: VectraItem): void {
  const w = itemWriter;
  w.reset();
  w.bytes(1, Buffer.from(item.id, 'utf8'));
  for (const [key, value] of Object.entries(item.metadata)) {
    entryWriter.reset();
    entryWriter.bytes(1, Buffer.from(key, 'utf8'));
    entryWriter.bytes(2, encodeValue(value));
    w.message(2, entryWriter);
  }
  w.floats(3, item.vector);
  w.double(4, item.norm);
  out.message(3, w);
}

export function encodeVectraIndex(items: Iterable<VectraItem>, version = 1): Buffer {
  const w = new Writer();
  w.tag(1, VARINT);
  w.varint(version);
  w.bytes(2, Buffer.alloc(0));
  for (const item of items) writeItem(w, item);
  return Buffer.from(w.finish());
}

class Reader {
  pos: number;
  constructor(readonly buf: Buffer, start = 0, readonly end = buf.length) {
    this.pos = start;
  }
  get done(): boolean {
    return this.pos >= this.end;
  }
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new Error('varint too long');
  }
  /** [start, end) of a length-delimited field. */
  span(): [number, number] {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw new Error('truncated field');
    this.pos += len;
    return [start, start + len];
  }
  double(): number {
    if (this.pos + 8 > this.end) throw new Error('truncated double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }
  skip(wire: number): void {
    if (wire === VARINT) this.varint();
    else if (wire === I64) this.pos += 8;
    else if (wire === LEN) this.span();
    else if (wire === I32) this.pos += 4;
    else throw new Error(`unknown wire type ${wire}`);
    if (this.pos > this.end) throw new Error('truncated field');
  }
}

function decodeValue(r: Reader): MetadataValue {
  let value: MetadataValue = '';
  while (!r.done) {
    const tag = r.varint();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === LEN) {
      const [s, e] = r.span();
      value = r.buf.toString('utf8', s, e);
    } else if (field === 2 && (tag & 7) === I64) value = r.double();
    else if (field === 3 && (tag & 7) === VARINT) value = r.varint() !== 0;
    else r.skip(tag & 7);
  }
  return value;
}

function decodeItem(r: Reader): VectraItem {
  let id = '';
  const metadata: Record<string, MetadataValue> = {};
  const floats: number[] = [];
  let packed: Float32Array | undefined;
  let norm = 0;
  while (!r.done) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === LEN) {
      const [s, e] = r.span();
      id = r.buf.toString('utf8', s, e);
    } else if (field === 2 && wire === LEN) {
      const [s, e] = r.span();
      const entry = new Reader(r.buf, s, e);
      let key = '';
      let value: MetadataValue = '';
      while (!entry.done) {
        const t = entry.varint();
        if (t >>> 3 === 1 && (t & 7) === LEN) {
          const [ks, ke] = entry.span();
          key = entry.buf.toString('utf8', ks, ke);
        } else if (t >>> 3 === 2 && (t & 7) === LEN) {
          const [vs, ve] = entry.span();
          value = decodeValue(new Reader(entry.buf, vs, ve));
        } else entry.skip(t & 7);
      }
      metadata[key] = value;
    } else if (field === 3 && wire === LEN) {
      const [s, e] = r.span();
      if ((e - s) % 4 !== 0) throw new Error('vector bytes are not whole floats');
      if (LITTLE_ENDIAN) {
        // Copy the bytes out (the file buffer need not be 4-byte aligned), then view them as floats.
        packed = new Float32Array(new Uint8Array(r.buf.subarray(s, e)).buffer);
      } else {
        packed = new Float32Array((e - s) / 4);
        for (let i = 0; i < packed.length; i++) packed[i] = r.buf.readFloatLE(s + i * 4);
      }
    } else if (field === 3 && wire === I32) {
      if (r.pos + 4 > r.end) throw new Error('truncated float');
      floats.push(r.buf.readFloatLE(r.pos));
      r.pos += 4;
    } else if (field === 4 && wire === I64) norm = r.double();
    else r.skip(wire);
  }
  return { id, metadata, vector: packed ?? Float32Array.from(floats), norm };
}

/** Calls `onItem` for each item; throws on malformed bytes. Returns the format version. */
export function decodeVectraIndex(buf: Buffer, onItem: (item: VectraItem) => void): number {
  const r = new Reader(buf);
  let version = 0;
  while (!r.done) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === VARINT) version = r.varint();
    else if (field === 3 && wire === LEN) {
      const [s, e] = r.span();
      onItem(decodeItem(new Reader(buf, s, e)));
    } else r.skip(wire);
  }
  return version;
}
