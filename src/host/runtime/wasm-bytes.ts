/**
 * Byte-level reading and writing of core wasm modules, for the rewriters in this folder (state-exports.ts,
 * write-tracking.ts):
 * LEB128 at a cursor without closures (they walk megabytes of code), sections, and a growable output buffer.
 */

export class WasmFormatError extends Error {
  override name = 'WasmFormatError';
}

export class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new WasmFormatError('unexpected end of wasm module');
    return this.bytes[this.pos++];
  }

  u32(): number {
    const b = this.bytes;
    let value = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= b.length) throw new WasmFormatError('unexpected end of wasm module');
      const byte = b[this.pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
      shift += 7;
      if (shift > 28) throw new WasmFormatError('LEB128 u32 longer than 5 bytes');
    }
  }

  /** Skips a LEB128 of any width and sign. */
  skipLeb(): void {
    const b = this.bytes;
    while (this.pos < b.length && b[this.pos++] & 0x80);
  }

  /** A value type; reference types with a heap-type index (0x63/0x64) carry a signed LEB. */
  valType(): number {
    const t = this.byte();
    if (t === 0x63 || t === 0x64) this.skipLeb();
    return t;
  }

  name(): string {
    const len = this.u32();
    const text = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.pos, len).toString('utf8');
    this.pos += len;
    return text;
  }

  skipName(): void {
    const len = this.u32();
    this.pos += len;
  }

  /** Table or memory limits. */
  skipLimits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 0x01) this.u32();
  }

  /** A constant expression, up to and including its `end`. */
  skipConstExpr(): void {
    for (;;) {
      const op = this.byte();
      switch (op) {
        case 0x0b:
          return;
        case 0x41: // i32.const
        case 0x42: // i64.const
        case 0xd0: // ref.null ht
          this.skipLeb();
          break;
        case 0x43: // f32.const
          this.pos += 4;
          break;
        case 0x44: // f64.const
          this.pos += 8;
          break;
        case 0x23: // global.get
        case 0xd2: // ref.func
          this.u32();
          break;
        case 0x6a:
        case 0x6b:
        case 0x6c:
        case 0x7c:
        case 0x7d:
        case 0x7e: // extended-const arithmetic
          break;
        case 0xfd: // v128.const
          this.u32();
          this.pos += 16;
          break;
        default:
          throw new WasmFormatError(`unsupported opcode 0x${op.toString(16)} in a constant expression`);
      }
    }
  }
}

export interface Section {
  id: number;
  /** Offset of the section id byte. */
  start: number;
  contentStart: number;
  end: number;
}

export function readSections(module: Uint8Array): Section[] {
  if (module.length < 8 || module[0] !== 0 || module[1] !== 0x61 || module[2] !== 0x73 || module[3] !== 0x6d)
    throw new WasmFormatError('not a core wasm module');
  const sections: Section[] = [];
  const r = new ByteReader(module, 8);
  while (r.pos < module.length) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    sections.push({ id, start, contentStart: r.pos, end: r.pos + size });
    r.pos += size;
  }
  if (r.pos !== module.length) throw new WasmFormatError('a section runs past the end of the module');
  return sections;
}

/** An append-only byte buffer. */
export class ByteWriter {
  #buf: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.#buf = new Uint8Array(Math.max(16, capacity));
  }

  #room(n: number): void {
    if (this.length + n > this.#buf.length) this.#grow(n);
  }

  #grow(n: number): void {
    let size = this.#buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.length));
    this.#buf = next;
  }

  byte(b: number): void {
    if (this.length === this.#buf.length) this.#grow(1);
    this.#buf[this.length++] = b;
  }

  /** Empties the buffer, keeping its capacity. */
  reset(): void {
    this.length = 0;
  }

  u32(value: number): void {
    this.#room(5);
    let v = value >>> 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.#buf[this.length++] = b;
    } while (v !== 0);
  }

  /** A signed LEB128 of a 32-bit integer (`i32.const`). */
  s32(value: number): void {
    this.#room(5);
    let v = value | 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.#buf[this.length++] = b;
        return;
      }
      this.#buf[this.length++] = b | 0x80;
    }
  }

  bytes(data: ArrayLike<number>): void {
    this.#room(data.length);
    this.#buf.set(data, this.length);
    this.length += data.length;
  }

  /** `u32(content.length)` then the content. */
  sized(content: ByteWriter): void {
    this.u32(content.length);
    this.bytes(content.view());
  }

  view(): Uint8Array {
    return this.#buf.subarray(0, this.length);
  }
}

/** One export-section entry. */
export function exportEntry(out: ByteWriter, name: string, kind: number, index: number): void {
  const utf8 = Buffer.from(name, 'utf8');
  out.u32(utf8.length);
  out.bytes(utf8);
  out.byte(kind);
  out.u32(index);
}

/** Names of a core module's exports. */
export function coreExportNames(module: Uint8Array): string[] {
  const section = readSections(module).find((s) => s.id === 7);
  if (!section) return [];
  const r = new ByteReader(module, section.contentStart);
  const names: string[] = [];
  for (let count = r.u32(); count > 0; count--) {
    names.push(r.name());
    r.byte();
    r.u32();
  }
  return names;
}
