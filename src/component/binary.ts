/**
 * Reading the WebAssembly binary header and top-level sections without any wasm tooling, so that wash can
 * say precisely what a file is before handing it to jco.
 */

import { readU32Leb } from './leb128.js';

export type WasmKind = 'component' | 'core-module' | 'pre-release-component' | 'unknown-wasm' | 'not-wasm';

export interface WasmClassification {
  kind: WasmKind;
  /** The 32-bit word after the magic (`version | layer << 16`), e.g. 0x1 core, 0x1000d component. */
  encoding?: number;
  version?: number;
  layer?: number;
  /** What the bytes are, for messages: "a WebAssembly component", "WebAssembly text (WAT)", … */
  description: string;
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
export const COMPONENT_VERSION = 0x0d;
export const COMPONENT_LAYER = 1;

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function startsWithMagic(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

/** A guess at what a non-wasm file is, so the error can name it. */
function describeNonWasm(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'an empty file';
  if (startsWithMagic(bytes)) return 'a truncated WebAssembly binary (shorter than its 8-byte header)';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 256)).replace(/^\uFEFF/, '');
  const text = head.replace(/^(\s|;;[^\n]*\n|\(;[\s\S]*?;\))*/, '');
  if (/^\((module|component)\b/.test(text)) return 'WebAssembly text (WAT), not a binary';
  if (/^(package|world|interface)\s/m.test(head)) return 'a WIT file, not a WebAssembly binary';
  if (bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46)
    return 'a native ELF executable';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'a gzip archive (an OCI layer or a provider archive?)';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'a zip archive';
  if (!/[\x00-\x08\x0e-\x1f\ufffd]/.test(head)) return 'a text file';
  return 'not a WebAssembly binary (no \\0asm header)';
}

/**
 * Classifies bytes by their 8-byte header: core module = version 1 layer 0, component = version 0x0d
 * layer 1, any other layer-1 version = a pre-1.0 (or newer) component encoding.
 */
export function classifyWasm(bytes: Uint8Array): WasmClassification {
  if (bytes.length < 8 || !startsWithMagic(bytes)) return { kind: 'not-wasm', description: describeNonWasm(bytes) };
  const version = bytes[4] | (bytes[5] << 8);
  const layer = bytes[6] | (bytes[7] << 8);
  const encoding = (version | (layer << 16)) >>> 0;
  const base = { encoding, version, layer };
  if (layer === 0 && version === 1) return { kind: 'core-module', ...base, description: 'a WebAssembly core module' };
  if (layer === COMPONENT_LAYER && version === COMPONENT_VERSION) {
    return { kind: 'component', ...base, description: 'a WebAssembly component' };
  }
  if (layer === COMPONENT_LAYER) {
    const when = version < COMPONENT_VERSION ? 'pre-release (pre-1.0)' : 'newer, unsupported';
    return {
      kind: 'pre-release-component',
      ...base,
      description: `a component in a ${when} encoding (${hex(encoding)})`,
    };
  }
  return {
    kind: 'unknown-wasm',
    ...base,
    description: `a WebAssembly binary with an unknown encoding (${hex(encoding)})`,
  };
}

export interface CustomSection {
  name: string;
  data: Uint8Array;
}

/**
 * Custom sections at the top level of a module or component (nested modules are not entered). Stops
 * quietly at the first malformed section: this is for metadata, the real decoder validates.
 */
export function customSections(bytes: Uint8Array): CustomSection[] {
  const sections: CustomSection[] = [];
  if (bytes.length < 8 || !startsWithMagic(bytes)) return sections;
  let pos = 8;
  try {
    while (pos < bytes.length) {
      const id = bytes[pos];
      const [size, payloadStart] = readU32Leb(bytes, pos + 1);
      const end = payloadStart + size;
      if (end > bytes.length) break;
      if (id === 0) {
        const [nameLength, nameStart] = readU32Leb(bytes, payloadStart);
        if (nameStart + nameLength > end) break;
        const name = new TextDecoder().decode(bytes.subarray(nameStart, nameStart + nameLength));
        sections.push({ name, data: bytes.subarray(nameStart + nameLength, end) });
      }
      pos = end;
    }
  } catch {
    // malformed: keep what was read
  }
  return sections;
}
