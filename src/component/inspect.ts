import { UserError } from '../errors.js';
import { readUserFile } from '../fs/read-user-file.js';
import { classifyWasm, hex, type WasmClassification } from './binary.js';
import { claimsProblems, claimsSummary, readClaims, type EmbeddedClaims } from './claims.js';
import { parseWorldItems, type WorldItem } from './wit.js';

export interface InspectResult {
  /** Versioned interface names (`wasi:http/types@0.2.10`) or plain names for functions/inline interfaces. */
  imports: string[];
  exports: string[];
  /** The same items with their kind. */
  importItems: WorldItem[];
  exportItems: WorldItem[];
  /** The component's root world as WIT text (`wasm-tools component wit`). */
  wit: string;
  /** Embedded wasmCloud claims (validated: see `validation`, `moduleHashCheck`), when the component is signed. */
  claims?: EmbeddedClaims;
  /** Why the embedded claims could not be decoded, when a claims section exists but is malformed. */
  claimsError?: string;
  size: number;
}

export interface InspectOptions {
  /** How to name the input in messages when bytes are passed (paths name themselves). */
  label?: string;
}

/** Components larger than this are refused by `wash inspect` (the host's default limit is 50 MiB). */
export const INSPECT_MAX_BYTES = 256 * 1024 * 1024;

/** Reads a file for inspection, turning the usual failures into UserErrors that name the path. */
export async function readWasmFile(path: string): Promise<Uint8Array> {
  const bytes = await readUserFile(path, {
    what: 'file',
    maxBytes: INSPECT_MAX_BYTES,
    notFoundSuggestion: 'Pass the path of a .wasm component, or an OCI reference such as ghcr.io/org/component:0.1.0',
  });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function claimsNote(bytes: Uint8Array): string {
  try {
    const claims = readClaims(bytes);
    if (!claims) return '';
    const problems = claimsProblems(claims);
    const status = problems.length === 0 ? 'valid' : `not valid: ${problems.join('; ')}`;
    return `; it carries embedded wasmCloud claims (${status}) for ${claimsSummary(claims)}`;
  } catch (err) {
    return `; its embedded wasmCloud claims are not usable (${(err as Error).message})`;
  }
}

/** Throws a UserError naming `label` unless the bytes are a 1.0-encoding component. */
export function assertComponent(bytes: Uint8Array, label: string): WasmClassification {
  const info = classifyWasm(bytes);
  switch (info.kind) {
    case 'component':
      return info;
    case 'core-module':
      throw new UserError(`${label} is a WebAssembly core module, not a component${claimsNote(bytes)}`, {
        suggestion:
          'Core modules (such as pre-1.0 wasmCloud actors) cannot be inspected or run as components; rebuild for wasm32-wasip2 or adapt it with `wasm-tools component new`',
      });
    case 'pre-release-component':
      throw new UserError(
        `${label} uses an unsupported (pre-release) component encoding: binary version ${hex(info.encoding ?? 0)}, expected ${hex(0x1000d)}`,
        {
          suggestion:
            'Rebuild it with a current toolchain (cargo-component, wasm-tools / wit-component, componentize-js)',
        },
      );
    case 'unknown-wasm':
      throw new UserError(`${label} is ${info.description}, not a component wash understands`);
    case 'not-wasm':
      throw new UserError(`${label} is not a WebAssembly component: it is ${info.description}`, {
        suggestion: info.description.startsWith('WebAssembly text')
          ? 'Convert it to a binary first (`wasm-tools parse`)'
          : 'Pass a built .wasm component',
      });
  }
}

async function decodeWit(bytes: Uint8Array, label: string): Promise<string> {
  const { componentWit } = await import('@bytecodealliance/jco-transpile/wasm-tools');
  try {
    return await componentWit(bytes);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new UserError(`${label} could not be decoded as a component: ${message.split('\n').join('; ')}`, {
      cause: err,
    });
  }
}

/**
 * Imports, exports, WIT world and embedded claims of a component, from its bytes or a file path.
 * Core modules, pre-release encodings and non-wasm input are refused with a UserError.
 */
export async function inspectComponent(
  input: Uint8Array | string,
  options: InspectOptions = {},
): Promise<InspectResult> {
  const bytes = typeof input === 'string' ? await readWasmFile(input) : input;
  const label = typeof input === 'string' ? input : (options.label ?? 'the input');
  assertComponent(bytes, label);
  const wit = await decodeWit(bytes, label);
  const { imports, exports } = parseWorldItems(wit);
  const result: InspectResult = {
    imports: imports.map((i) => i.name),
    exports: exports.map((i) => i.name),
    importItems: imports,
    exportItems: exports,
    wit,
    size: bytes.length,
  };
  try {
    const claims = readClaims(bytes);
    if (claims) result.claims = claims;
  } catch (err) {
    result.claimsError = err instanceof Error ? err.message : String(err);
  }
  return result;
}
