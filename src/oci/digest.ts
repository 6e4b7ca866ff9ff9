import { createHash } from 'node:crypto';

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** `sha256:<hex>` → `<hex>`; the only algorithm we store by. */
export function digestHex(digest: string): string {
  const m = /^sha256:([a-f0-9]{64})$/.exec(digest);
  if (!m) throw new Error(`unsupported digest ${digest} (only sha256 is supported)`);
  return m[1];
}
