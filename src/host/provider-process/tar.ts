/**
 * The regular files of a tar archive (ustar, GNU and v7 headers, as tar-rs/tokio-tar write them). Enough
 * for provider archives: names are short, entries are flat; directories, links and PAX/GNU long-name
 * records are skipped. Throws on a header whose checksum is wrong or an entry that runs past the end.
 */
const BLOCK = 512;

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

const decoder = new TextDecoder();

function text(bytes: Uint8Array, at: number, length: number): string {
  const field = bytes.subarray(at, at + length);
  const nul = field.indexOf(0);
  return decoder.decode(nul === -1 ? field : field.subarray(0, nul));
}

function octal(bytes: Uint8Array, at: number, length: number, what: string): number {
  // GNU base-256 for sizes ≥ 8 GiB: not something a provider archive holds.
  if ((bytes[at] ?? 0) & 0x80) throw new Error(`tar header has a base-256 ${what} (unsupported)`);
  const raw = text(bytes, at, length).trim();
  if (raw === '') return 0;
  if (!/^[0-7]+$/.test(raw)) throw new Error(`tar header has a malformed ${what} '${raw}'`);
  return Number.parseInt(raw, 8);
}

function checksumMatches(header: Uint8Array): boolean {
  const stored = octal(header, 148, 8, 'checksum');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum === stored;
}

export function readTar(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    if (!checksumMatches(header)) throw new Error(`tar header at offset ${at} has a bad checksum`);
    const size = octal(header, 124, 12, 'size');
    const type = String.fromCharCode(header[156] || 0x30);
    const ustar = text(header, 257, 6) === 'ustar';
    const prefix = ustar ? text(header, 345, 155) : '';
    const name = prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100);
    const start = at + BLOCK;
    if (start + size > bytes.length) throw new Error(`tar entry '${name}' is cut off (archive truncated)`);
    if (type === '0' || type === '7') entries.push({ name, data: bytes.subarray(start, start + size) });
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}
