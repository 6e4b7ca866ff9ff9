/**
 * LEB128, as the wasm binary format writes its integers. The byte-source form lets each reader keep its own
 * end-of-input error; the array form throws a RangeError.
 */

/** An unsigned LEB128 of at most 32 bits, read one byte at a time from `next`. */
export function decodeU32Leb(next: () => number): number {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    if (shift > 28) throw new RangeError('LEB128 u32 longer than 5 bytes');
    const byte = next();
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return value;
  }
}

/** A signed LEB128 of at most 33 bits (wasm's `s33`, e.g. block types and type indices). */
export function decodeS33Leb(next: () => number): number {
  let value = 0n;
  let shift = 0n;
  let byte: number;
  do {
    byte = next();
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
  } while (byte & 0x80);
  if (byte & 0x40) value -= 1n << shift;
  return Number(value);
}

/** Skips a LEB128 of any width and sign. */
export function skipLeb(next: () => number): void {
  while (next() & 0x80);
}

/** The unsigned LEB128 at `at` in `bytes`: its value and the offset after it. */
export function readU32Leb(bytes: Uint8Array, at: number): [value: number, next: number] {
  let pos = at;
  const value = decodeU32Leb(() => {
    const byte = bytes[pos++];
    if (byte === undefined) throw new RangeError(`truncated LEB128 at offset ${at}`);
    return byte;
  });
  return [value, pos];
}

/** `value` (a non-negative integer) as unsigned LEB128 bytes. */
export function encodeU32Leb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return out;
}
