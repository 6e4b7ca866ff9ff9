import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a component comes from: a file (`file://`, needs allow-file-load) or a registry (everything OCI-shaped). */
export type ComponentSource = { kind: 'file'; path: string } | { kind: 'oci'; ref: string };

/**
 * Classifies a component reference: `file://…` (only with allowFileLoad), `wasmcloud+builtin://…` (refused:
 * that is a provider), anything else is an OCI reference (`oci://`, `http(s)://`, bare `registry/repo:tag`),
 * parsed and validated later by the OCI client.
 */
export function componentSource(ref: string, allowFileLoad: boolean, cwd: string = process.cwd()): ComponentSource {
  const trimmed = ref.trim();
  if (trimmed === '') throw new Error('the component reference is empty');
  if (trimmed.startsWith('wasmcloud+builtin://'))
    throw new Error(`${trimmed} names a built-in provider, not a component`);
  if (!trimmed.startsWith('file://')) return { kind: 'oci', ref: trimmed };
  if (!allowFileLoad) {
    throw new Error(
      `loading components from files is disabled on this host (${trimmed}); start it with --allow-file-load or WASMCLOUD_ALLOW_FILE_LOAD=true`,
    );
  }
  try {
    return { kind: 'file', path: fileURLToPath(trimmed) };
  } catch {
    // `file://relative/path.wasm` is not a valid file URL, but people write it: resolve against the cwd.
    const rest = decodeURIComponent(trimmed.slice('file://'.length));
    return { kind: 'file', path: isAbsolute(rest) ? rest : resolve(cwd, rest) };
  }
}
