/** WIT helpers over jco's wasm-tools: world metadata (imports/exports) straight from a `wit/` directory. */
import { UserError } from '../../errors.js';
import type { WitInterface } from '../manifest-gen.js';

/**
 * jco's wasm-tools and componentize-js read WIT through preview2-shim's filesystem, which starts with no
 * preopens. Open `/` for the duration of `fn` and close it again if nothing was open before.
 */
export async function withRootPreopen<T>(fn: () => Promise<T>): Promise<T> {
  const fs = (await import('@bytecodealliance/preview2-shim/filesystem')) as unknown as {
    preopens: { getDirectories(): unknown[] };
    _setPreopens(p: Record<string, string>): void;
  };
  const hadNone = fs.preopens.getDirectories().length === 0;
  fs._setPreopens({ '/': '/' });
  try {
    return await fn();
  } finally {
    if (hadNone) fs._setPreopens({});
  }
}

interface SemverVersion {
  major: bigint | number;
  minor: bigint | number;
  patch: bigint | number;
  pre?: string;
}

function versionText(v?: SemverVersion): string | undefined {
  if (!v) return undefined;
  return `${v.major}.${v.minor}.${v.patch}${v.pre ? `-${v.pre}` : ''}`;
}

export interface WorldMetadata {
  imports: WitInterface[];
  exports: WitInterface[];
}

/** Imports and exports (interfaces) of `world` in the WIT package at `witDir`. */
export async function worldMetadata(witDir: string, world: string | undefined): Promise<WorldMetadata> {
  const { componentWitMetadataForWorld } = await import('@bytecodealliance/jco-transpile/wasm-tools');
  let meta;
  try {
    meta = await withRootPreopen(() => componentWitMetadataForWorld({ tag: 'path', val: witDir }, world));
  } catch (err) {
    const detail = err instanceof Error ? err.message : String((err as { payload?: unknown })?.payload ?? err);
    throw new UserError(`cannot read the WIT world${world ? ` '${world}'` : ''} in ${witDir}: ${detail}`, {
      suggestion: 'check [component] wit_world in wasmcloud.toml and that wit/deps holds every package the world uses',
    });
  }
  const map = (list: { namespace: string; package: string; interface: string; version?: SemverVersion }[]) =>
    list.map((i) => ({
      namespace: i.namespace,
      package: i.package,
      interface: i.interface,
      version: versionText(i.version),
    }));
  return { imports: map(meta.imports), exports: map(meta.exports) };
}
