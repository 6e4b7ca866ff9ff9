import { randomBytes } from 'node:crypto';

/**
 * ULIDs (48-bit millisecond time + 80 random bits) rendered as UUID strings, as wasmCloud hosts do for
 * CloudEvent ids. Monotonic within one process: ids made in the same millisecond increment the random
 * part, so they still sort in creation order.
 */
let lastTime = -1;
let lastRandom: Uint8Array = new Uint8Array(10);

function increment(bytes: Uint8Array): Uint8Array {
  const next = Uint8Array.from(bytes);
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] < 0xff) {
      next[i]++;
      return next;
    }
    next[i] = 0;
  }
  return next; // 2^80 ids in one millisecond: wrap, ordering no longer matters
}

/** 16 ULID bytes for time `now` (ms since the epoch). */
export function ulidBytes(now: number = Date.now()): Uint8Array {
  if (now === lastTime) {
    lastRandom = increment(lastRandom);
  } else {
    lastTime = now;
    lastRandom = new Uint8Array(randomBytes(10));
  }
  const out = new Uint8Array(16);
  let t = now;
  for (let i = 5; i >= 0; i--) {
    out[i] = t % 256;
    t = Math.floor(t / 256);
  }
  out.set(lastRandom, 6);
  return out;
}

/** A time-ordered ULID rendered as a lower-case UUID string (`8-4-4-4-12` hex). */
export function ulidUuid(now: number = Date.now()): string {
  const hex = Buffer.from(ulidBytes(now)).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The millisecond timestamp a ULID-as-UUID id was made at. */
export function ulidUuidTime(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A canonical ULID string: 26 upper-case Crockford base32 characters (10 for the time, 16 for the random
 * part), as wadm writes into `metadata.annotations.version` of manifests put without a version.
 * Shares the monotonic generator with `ulidUuid`.
 */
export function ulid(now: number = Date.now()): string {
  let value = 0n;
  for (const byte of ulidBytes(now)) value = (value << 8n) | BigInt(byte);
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

/** True for a canonical ULID string (26 Crockford base32 characters, first one 0-7). */
export function isUlid(value: string): boolean {
  return /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(value);
}
