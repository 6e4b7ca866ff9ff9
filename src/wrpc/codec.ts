/**
 * wRPC value encoding (Component Model value definition encoding, as wasm-tokio / wrpc-transport write it):
 * LEB128 integers (signed ones are SLEB128, not zigzag), raw u8/s8, little-endian floats, length-prefixed
 * UTF-8 strings and lists, fields concatenated, ULEB128 discriminants, ceil(n/8)-byte flags.
 * Values are JS values in jco's shapes (see `types.ts`).
 */
import { isPrimitive, lowerCamel, typeName, type FunctionType, type WrpcType } from './types.js';

/** The bytes ran out before the value was complete (more may arrive on the wire). */
export class Incomplete extends Error {
  override name = 'Incomplete';
}

/** Bytes or a JS value that cannot be a value of the type. */
export class WrpcCodecError extends Error {
  override name = 'WrpcCodecError';
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

// ---------------------------------------------------------------------------------------------------------
// Encoding

export class ByteWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  uleb(v: number | bigint): void {
    if (typeof v === 'number' && v <= 0xffffffff) {
      do {
        let b = v & 0x7f;
        v = Math.floor(v / 128);
        if (v !== 0) b |= 0x80;
        this.byte(b);
      } while (v !== 0);
      return;
    }
    let n = BigInt(v);
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n !== 0n) b |= 0x80;
      this.byte(b);
    } while (n !== 0n);
  }

  sleb(v: number | bigint): void {
    let n = BigInt(v);
    for (;;) {
      const b = Number(n & 0x7fn);
      n >>= 7n;
      const done = (n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return;
    }
  }

  f32(v: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }

  f64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function bad(t: WrpcType, value: unknown, why = 'is not a valid value'): never {
  let shown: string;
  try {
    shown = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    shown = String(value);
  }
  throw new WrpcCodecError(`${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown} ${why} for ${typeName(t)}`);
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  u8: [0n, 0xffn],
  u16: [0n, 0xffffn],
  u32: [0n, 0xffffffffn],
  u64: [0n, 0xffffffffffffffffn],
  s8: [-0x80n, 0x7fn],
  s16: [-0x8000n, 0x7fffn],
  s32: [-0x80000000n, 0x7fffffffn],
  s64: [-0x8000000000000000n, 0x7fffffffffffffffn],
};

function intValue(t: WrpcType, v: unknown): bigint {
  let n: bigint;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
  else return bad(t, v, 'is not an integer');
  const [lo, hi] = INT_RANGES[t as string];
  if (n < lo || n > hi) bad(t, v, 'is out of range');
  return n;
}

function asObject(t: WrpcType, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null) bad(t, v, 'is not an object');
  return v as Record<string, unknown>;
}

function tagged(t: WrpcType, v: unknown): { tag: string; val?: unknown } {
  const o = asObject(t, v);
  if (typeof o.tag !== 'string') bad(t, v, 'has no string `tag`');
  return o as { tag: string; val?: unknown };
}

export function encodeValue(w: ByteWriter, t: WrpcType, v: unknown): void {
  if (isPrimitive(t)) {
    switch (t) {
      case 'bool':
        if (typeof v !== 'boolean') bad(t, v);
        w.byte(v ? 1 : 0);
        return;
      case 'u8':
      case 's8':
        w.byte(Number(intValue(t, v)) & 0xff);
        return;
      case 'u16':
      case 'u32':
      case 'u64': {
        const n = intValue(t, v);
        w.uleb(t === 'u64' ? n : Number(n));
        return;
      }
      case 's16':
      case 's32':
      case 's64':
        w.sleb(intValue(t, v));
        return;
      case 'f32':
        if (typeof v !== 'number') bad(t, v);
        w.f32(v);
        return;
      case 'f64':
        if (typeof v !== 'number') bad(t, v);
        w.f64(v);
        return;
      case 'char': {
        if (typeof v !== 'string') bad(t, v);
        const cp = v.codePointAt(0);
        if (cp === undefined || String.fromCodePoint(cp) !== v || (cp >= 0xd800 && cp <= 0xdfff))
          bad(t, v, 'is not one Unicode scalar value');
        w.bytes(utf8.encode(v));
        return;
      }
      case 'string': {
        if (typeof v !== 'string') bad(t, v);
        const b = utf8.encode(v);
        w.uleb(b.length);
        w.bytes(b);
        return;
      }
    }
  }
  if ('list' in t) {
    encodeList(w, t, t.list, v);
    return;
  }
  if ('tuple' in t) {
    if (!Array.isArray(v) || v.length !== t.tuple.length) bad(t, v, `is not an array of ${t.tuple.length}`);
    t.tuple.forEach((et, i) => encodeValue(w, et, v[i]));
    return;
  }
  if ('record' in t) {
    const o = asObject(t, v);
    for (const f of t.record) encodeValue(w, f.type, o[lowerCamel(f.name)]);
    return;
  }
  if ('variant' in t) {
    const { tag, val } = tagged(t, v);
    const index = t.variant.findIndex((c) => c.name === tag);
    if (index < 0) bad(t, v, `has unknown case '${tag}'`);
    w.uleb(index);
    const payload = t.variant[index].type;
    if (payload) encodeValue(w, payload, val);
    return;
  }
  if ('enum' in t) {
    const index = typeof v === 'string' ? t.enum.indexOf(v) : -1;
    if (index < 0) bad(t, v, 'is not a case');
    w.uleb(index);
    return;
  }
  if ('option' in t) {
    const nested = typeof t.option === 'object' && 'option' in t.option;
    if (nested) {
      const { tag, val } = tagged(t, v);
      if (tag === 'none') w.byte(0);
      else if (tag === 'some') {
        w.byte(1);
        encodeValue(w, t.option, val);
      } else bad(t, v, 'is neither some nor none');
      return;
    }
    if (v === undefined || v === null) {
      w.byte(0);
      return;
    }
    w.byte(1);
    encodeValue(w, t.option, v);
    return;
  }
  if ('result' in t) {
    const { tag, val } = tagged(t, v);
    if (tag !== 'ok' && tag !== 'err') bad(t, v, 'is neither ok nor err');
    w.byte(tag === 'ok' ? 0 : 1);
    const payload = tag === 'ok' ? t.result.ok : t.result.err;
    if (payload) encodeValue(w, payload, val);
    return;
  }
  if ('flags' in t) {
    const o = asObject(t, v);
    const bytes = new Uint8Array(Math.ceil(t.flags.length / 8));
    t.flags.forEach((name, i) => {
      if (o[lowerCamel(name)]) bytes[i >> 3] |= 1 << (i & 7);
    });
    w.bytes(bytes);
    return;
  }
  if ('own' in t || 'borrow' in t) {
    if (!(v instanceof Uint8Array)) bad(t, v, 'is not a handle (Uint8Array)');
    w.uleb(v.length);
    w.bytes(v);
    return;
  }
  if ('future' in t) {
    // Only the ready form: the value inline. Pending futures need nested subjects (unused by custom interfaces).
    w.byte(1);
    if (t.future) encodeValue(w, t.future, v);
    return;
  }
  // stream: the whole stream inline; an empty inline list would mean "pending", which needs nested subjects.
  if (!t.stream) bad(t, v, 'cannot be sent (stream without element type)');
  const items = t.stream === 'u8' && v instanceof Uint8Array ? v : Array.isArray(v) ? v : bad(t, v, 'is not a list');
  if (items.length === 0)
    bad(t, v, 'cannot be sent inline (an empty stream needs nested subjects, which are not supported)');
  encodeList(w, t, t.stream, items);
}

function encodeList(w: ByteWriter, t: WrpcType, elem: WrpcType, v: unknown): void {
  if (elem === 'u8' && v instanceof Uint8Array) {
    w.uleb(v.length);
    w.bytes(v);
    return;
  }
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) bad(t, v, 'is not a list');
  const items = v as ArrayLike<unknown>;
  w.uleb(items.length);
  for (let i = 0; i < items.length; i++) encodeValue(w, elem, items[i]);
}

/** Encodes a tuple of values (params or results) back to back. */
export function encodeTuple(types: readonly WrpcType[], values: readonly unknown[]): Uint8Array {
  const w = new ByteWriter();
  if (values.length !== types.length) throw new WrpcCodecError(`expected ${types.length} values, got ${values.length}`);
  types.forEach((t, i) => encodeValue(w, t, values[i]));
  return w.finish();
}

export function encode(t: WrpcType, v: unknown): Uint8Array {
  return encodeTuple([t], [v]);
}

// ---------------------------------------------------------------------------------------------------------
// Decoding

export class ByteReader {
  pos = 0;
  private readonly view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw new Incomplete('value incomplete');
    return this.buf[this.pos++];
  }

  take(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new Incomplete('value incomplete');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Unsigned LEB128 of at most `bits` bits; overlong or overflowing encodings fail. */
  uleb(bits: number): bigint {
    let result = 0n;
    let shift = 0n;
    const maxBytes = Math.ceil(bits / 7);
    for (let i = 0; i < maxBytes; i++) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) {
        if (result >> BigInt(bits) !== 0n) throw new WrpcCodecError(`LEB128 value overflows u${bits}`);
        return result;
      }
    }
    throw new WrpcCodecError(`LEB128 value longer than ${maxBytes} bytes for u${bits}`);
  }

  /** uleb(32) as a number, fast path for lengths and discriminants. */
  u32(): number {
    const b = this.byte();
    if (b < 0x80) return b;
    this.pos--;
    return Number(this.uleb(32));
  }

  sleb(bits: number): bigint {
    let result = 0n;
    let shift = 0n;
    const maxBytes = Math.ceil(bits / 7);
    for (let i = 0; i < maxBytes; i++) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) {
        if ((b & 0x40) !== 0) result -= 1n << shift;
        const lo = -(1n << BigInt(bits - 1));
        if (result < lo || result >= -lo) throw new WrpcCodecError(`signed LEB128 value overflows s${bits}`);
        return result;
      }
    }
    throw new WrpcCodecError(`signed LEB128 value longer than ${maxBytes} bytes for s${bits}`);
  }

  f32(): number {
    if (this.remaining < 4) throw new Incomplete('value incomplete');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(): number {
    if (this.remaining < 8) throw new Incomplete('value incomplete');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
}

function utf8Length(first: number): number {
  if (first < 0x80) return 1;
  if (first >= 0xc2 && first <= 0xdf) return 2;
  if (first >= 0xe0 && first <= 0xef) return 3;
  if (first >= 0xf0 && first <= 0xf4) return 4;
  throw new WrpcCodecError(`invalid UTF-8 lead byte 0x${first.toString(16)} in char`);
}

function text(bytes: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new WrpcCodecError(`invalid UTF-8 in ${what}`);
  }
}

export function decodeValue(r: ByteReader, t: WrpcType): unknown {
  if (isPrimitive(t)) {
    switch (t) {
      case 'bool': {
        const b = r.byte();
        if (b > 1) throw new WrpcCodecError(`invalid bool byte 0x${b.toString(16)}`);
        return b === 1;
      }
      case 'u8':
        return r.byte();
      case 's8':
        return (r.byte() << 24) >> 24;
      case 'u16':
        return Number(r.uleb(16));
      case 'u32':
        return r.u32();
      case 'u64':
        return r.uleb(64);
      case 's16':
        return Number(r.sleb(16));
      case 's32':
        return Number(r.sleb(32));
      case 's64':
        return r.sleb(64);
      case 'f32':
        return r.f32();
      case 'f64':
        return r.f64();
      case 'char': {
        const first = r.byte();
        r.pos--;
        const s = text(r.take(utf8Length(first)), 'char');
        return s;
      }
      case 'string':
        return text(r.take(r.u32()), 'string');
    }
  }
  if ('list' in t) return decodeList(r, t.list);
  if ('tuple' in t) return t.tuple.map((et) => decodeValue(r, et));
  if ('record' in t) {
    const o: Record<string, unknown> = {};
    for (const f of t.record) o[lowerCamel(f.name)] = decodeValue(r, f.type);
    return o;
  }
  if ('variant' in t) {
    const index = r.u32();
    const c = t.variant[index];
    if (!c) throw new WrpcCodecError(`variant case ${index} does not exist in ${typeName(t)}`);
    return c.type ? { tag: c.name, val: decodeValue(r, c.type) } : { tag: c.name };
  }
  if ('enum' in t) {
    const index = r.u32();
    const name = t.enum[index];
    if (name === undefined) throw new WrpcCodecError(`enum case ${index} does not exist in ${typeName(t)}`);
    return name;
  }
  if ('option' in t) {
    const b = r.byte();
    if (b > 1) throw new WrpcCodecError(`invalid option byte 0x${b.toString(16)}`);
    const nested = typeof t.option === 'object' && 'option' in t.option;
    if (b === 0) return nested ? { tag: 'none' } : undefined;
    const val = decodeValue(r, t.option);
    return nested ? { tag: 'some', val } : val;
  }
  if ('result' in t) {
    const b = r.byte();
    if (b > 1) throw new WrpcCodecError(`invalid result byte 0x${b.toString(16)}`);
    const payload = b === 0 ? t.result.ok : t.result.err;
    const tag = b === 0 ? 'ok' : 'err';
    return payload ? { tag, val: decodeValue(r, payload) } : { tag, val: undefined };
  }
  if ('flags' in t) {
    const bytes = r.take(Math.ceil(t.flags.length / 8));
    const o: Record<string, boolean> = {};
    t.flags.forEach((name, i) => {
      o[lowerCamel(name)] = (bytes[i >> 3] & (1 << (i & 7))) !== 0;
    });
    return o;
  }
  if ('own' in t || 'borrow' in t) return r.take(r.u32()).slice();
  if ('future' in t) {
    const b = r.byte();
    if (b === 0) throw new WrpcCodecError('pending future received: async values on nested subjects are not supported');
    if (b !== 1) throw new WrpcCodecError(`invalid future byte 0x${b.toString(16)}`);
    return t.future ? decodeValue(r, t.future) : undefined;
  }
  if (!t.stream) throw new WrpcCodecError('stream without element type cannot be received');
  const items = decodeList(r, t.stream) as ArrayLike<unknown>;
  if (items.length === 0)
    throw new WrpcCodecError('pending stream received: async values on nested subjects are not supported');
  return items;
}

function decodeList(r: ByteReader, elem: WrpcType): unknown {
  const n = r.u32();
  if (elem === 'u8') return r.take(n).slice();
  // Each element takes at least one byte except zero-sized ones (empty tuples/records), so bound the count.
  if (n > r.remaining && !isZeroSized(elem)) throw new Incomplete('list incomplete');
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = decodeValue(r, elem);
  return out;
}

function isZeroSized(t: WrpcType): boolean {
  if (typeof t === 'string') return false;
  if ('tuple' in t) return t.tuple.every(isZeroSized);
  if ('record' in t) return t.record.every((f) => isZeroSized(f.type));
  if ('flags' in t) return t.flags.length === 0;
  return false;
}

/**
 * Decodes a tuple of values from the start of `bytes`. Throws `Incomplete` when more bytes are needed.
 * Returns the values and how many bytes they took.
 */
export function decodeTuple(types: readonly WrpcType[], bytes: Uint8Array): { values: unknown[]; used: number } {
  const r = new ByteReader(bytes);
  const values = types.map((t) => decodeValue(r, t));
  return { values, used: r.pos };
}

/** Decodes exactly one value; trailing bytes are an error. */
export function decode(t: WrpcType, bytes: Uint8Array): unknown {
  const { values, used } = decodeTuple([t], bytes);
  if (used !== bytes.length) throw new WrpcCodecError(`${bytes.length - used} trailing bytes after ${typeName(t)}`);
  return values[0];
}

export function paramTypes(f: FunctionType): WrpcType[] {
  return f.params.map((p) => p.type);
}
