import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OCI_NOT_SUPPORTED = 'OCI references are not supported yet by the wash host; use file://';

/**
 * Where to read a component from. Only `file://` works (and only with allow-file-load); OCI-style refs
 * (`oci://`, `http(s)://`, bare `registry/repo:tag`) get an error that says so.
 */
export function componentFilePath(ref: string, allowFileLoad: boolean, cwd: string = process.cwd()): string {
  const trimmed = ref.trim();
  if (trimmed === '') throw new Error('the component reference is empty');
  if (trimmed.startsWith('wasmcloud+builtin://')) throw new Error(`${trimmed} names a built-in provider, not a component`);
  if (!trimmed.startsWith('file://')) throw new Error(`${OCI_NOT_SUPPORTED} (got ${trimmed})`);
  if (!allowFileLoad) {
    throw new Error(`loading components from files is disabled on this host (${trimmed}); start it with --allow-file-load or WASMCLOUD_ALLOW_FILE_LOAD=true`);
  }
  try {
    return fileURLToPath(trimmed);
  } catch {
    // `file://relative/path.wasm` is not a valid file URL, but people write it: resolve against the cwd.
    const rest = decodeURIComponent(trimmed.slice('file://'.length));
    return isAbsolute(rest) ? rest : resolve(cwd, rest);
  }
}
