/**
 * The module hash wascap signs into a component's claims (`wascap.hash`), computed exactly as upstream's
 * `wascap::wasm::extract_claims` / `embed_claims` do: the binary is re-encoded without its claims sections
 * (custom sections named `jwt` or `wasmcloud_jwt`, at every nesting depth), every section written back as
 * `id, size as minimal LEB128, content` (nested core modules and components re-encoded the same way, with
 * their recomputed sizes; headers rewritten as the canonical module or component header), and the SHA-256 of
 * the result is given as upper-case hex.
 */
import { createHash } from 'node:crypto';
import { encodeU32Leb, readU32Leb } from './leb128.js';

const MODULE_HEADER = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
const COMPONENT_HEADER = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00);
const CUSTOM_SECTION = 0;
/** Component-level section ids that hold a whole nested binary. */
const CORE_MODULE_SECTION = 1;
const COMPONENT_SECTION = 4;
const CLAIMS_SECTIONS = new Set(['jwt', 'wasmcloud_jwt']);

interface Encoded {
  parts: Uint8Array[];
  length: number;
  component: boolean;
}

function push(out: Encoded, part: Uint8Array): void {
  out.parts.push(part);
  out.length += part.length;
}

/** The custom section whose content starts at `contentStart` holds claims (its name says so). */
function isClaimsSection(bytes: Uint8Array, contentStart: number): boolean {
  const [nameLength, nameStart] = readU32Leb(bytes, contentStart);
  return CLAIMS_SECTIONS.has(new TextDecoder().decode(bytes.subarray(nameStart, nameStart + nameLength)));
}

function headerKind(bytes: Uint8Array, start: number): boolean {
  const header = bytes.subarray(start, start + 8);
  if (header.length === 8 && header.every((b, i) => b === MODULE_HEADER[i])) return false;
  if (header.length === 8 && header.every((b, i) => b === COMPONENT_HEADER[i])) return true;
  throw new RangeError(
    `${start === 0 ? 'the binary' : `the binary nested at offset ${start}`} is neither a core module (version 1) nor a 1.0 component`,
  );
}

function strip(bytes: Uint8Array, start: number, end: number): Encoded {
  const component = headerKind(bytes, start);
  const out: Encoded = { parts: [], length: 0, component };
  push(out, component ? COMPONENT_HEADER : MODULE_HEADER);
  let pos = start + 8;
  while (pos < end) {
    const id = bytes[pos];
    const [size, contentStart] = readU32Leb(bytes, pos + 1);
    const contentEnd = contentStart + size;
    if (contentEnd > end) throw new RangeError(`section ${id} at offset ${pos} runs past the end of its binary`);
    pos = contentEnd;
    if (id === CUSTOM_SECTION && isClaimsSection(bytes, contentStart)) continue;
    if (component && (id === CORE_MODULE_SECTION || id === COMPONENT_SECTION)) {
      const nested = strip(bytes, contentStart, contentEnd);
      push(
        out,
        Uint8Array.of(nested.component ? COMPONENT_SECTION : CORE_MODULE_SECTION, ...encodeU32Leb(nested.length)),
      );
      for (const part of nested.parts) push(out, part);
      continue;
    }
    push(out, Uint8Array.of(id, ...encodeU32Leb(size)));
    push(out, bytes.subarray(contentStart, contentEnd));
  }
  return out;
}

/** The binary as wascap hashes it: without its claims sections, sections re-encoded (see the file comment). */
export function withoutClaimsSections(bytes: Uint8Array): Uint8Array {
  const { parts, length } = strip(bytes, 0, bytes.length);
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** wascap's module hash of a core module or component: upper-case hex SHA-256 of the claims-less binary. */
export function wascapModuleHash(bytes: Uint8Array): string {
  const hash = createHash('sha256');
  for (const part of strip(bytes, 0, bytes.length).parts) hash.update(part);
  return hash.digest('hex').toUpperCase();
}

/**
 * The hash wascap signed before its internal revision 3 (e.g. 0.9-era actors): the SHA-256 of the original
 * bytes with only the top-level claims sections cut out (sizes kept as written). Upstream no longer checks
 * such hashes; wash reports whether they match.
 */
export function legacyModuleHash(bytes: Uint8Array): string {
  if (bytes.length < 8) throw new RangeError('the binary is shorter than its 8-byte header');
  const hash = createHash('sha256');
  hash.update(bytes.subarray(0, 8));
  let pos = 8;
  while (pos < bytes.length) {
    const sectionStart = pos;
    const [size, contentStart] = readU32Leb(bytes, pos + 1);
    pos = contentStart + size;
    if (pos > bytes.length) throw new RangeError(`section at offset ${sectionStart} runs past the end of the binary`);
    if (bytes[sectionStart] === CUSTOM_SECTION && isClaimsSection(bytes, contentStart)) continue;
    hash.update(bytes.subarray(sectionStart, pos));
  }
  return hash.digest('hex').toUpperCase();
}
