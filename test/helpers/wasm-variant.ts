/** A copy of a component with an extra custom section: same behaviour, different bytes (so a different digest). */
export function withCustomSection(bytes: Uint8Array, name: string, payload = ''): Uint8Array {
  const enc = new TextEncoder();
  const nameBytes = enc.encode(name);
  const body = [...leb(nameBytes.length), ...nameBytes, ...enc.encode(payload)];
  return new Uint8Array([...bytes, 0x00, ...leb(body.length), ...body]);
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
