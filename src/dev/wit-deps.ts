/**
 * `[[registry.pull.sources]]`: WIT packages resolved into `wit/deps` before a build. Resolvers are keyed by URL
 * scheme; `file://` is built in, others (e.g. `oci://` from src/oci) register themselves with
 * `registerWitSourceResolver`. A source whose scheme has no resolver fails at once, naming it.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { ProjectConfig } from './project-config.js';

export interface WitSource {
  /** `ns:pkg` the source provides. */
  target: string;
  /** The `source` string as written (`file://…`, `oci://…`). */
  url: string;
  /** Directory relative `file://` paths resolve against (the wasmcloud.toml's). */
  baseDir: string;
}

/** Puts the package's WIT into `destDir` (created, empty) or throws a UserError. */
export type WitSourceResolver = (source: WitSource, destDir: string) => Promise<void>;

const resolvers = new Map<string, WitSourceResolver>();

/** Resolvers loaded on first use, so their (possibly heavy) modules are only imported by projects that need them. */
const lazyResolvers: Record<string, () => Promise<WitSourceResolver>> = {
  oci: async () => (await import('../oci/wit-source.js')).resolveOciWitSource,
};

export function registerWitSourceResolver(scheme: string, resolver: WitSourceResolver): void {
  resolvers.set(scheme.replace(/:\/*$/, ''), resolver);
}

export function witSourceScheme(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
}

export const fileResolver: WitSourceResolver = async (source, destDir) => {
  const rest = decodeURIComponent(source.url.slice('file://'.length));
  const path = isAbsolute(rest) ? rest : resolve(source.baseDir, rest);
  if (!existsSync(path)) {
    throw new UserError(
      `[[registry.pull.sources]] ${source.target}: ${source.url} does not exist (looked at ${path})`,
      { suggestion: 'fix the path (relative paths start at the directory of wasmcloud.toml)' },
    );
  }
  if (statSync(path).isDirectory()) cpSync(path, destDir, { recursive: true });
  else cpSync(path, join(destDir, basename(path)));
};

registerWitSourceResolver('file', fileResolver);

function treeFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (!existsSync(dir)) return files;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) files.set(relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name)));
  }
  return files;
}

function sameTree(a: string, b: string): boolean {
  const fa = treeFiles(a);
  const fb = treeFiles(b);
  return fa.size === fb.size && [...fa].every(([k, v]) => fb.get(k)?.equals(v) === true);
}

/** Folder under wit/deps for `ns:pkg`. */
export function depDirName(target: string): string {
  return target.replace(/[:/@]/g, '-');
}

/**
 * Moves a resolved package from `staging` to its one entry in `deps`, in one of the two forms wit-parser (jco,
 * componentize-js, wasm-tools, wit-bindgen) reads there: a binary WIT package (staging holds a single `.wasm`,
 * as `oci://` sources and `file://` sources naming a `.wasm` give) becomes `deps/<name>.wasm`; WIT text becomes
 * the directory `deps/<name>/`. wit-parser ignores a `.wasm` inside a deps subdirectory, hence the two forms.
 * The other form is removed, and an unchanged package is left alone, so a re-resolve does not look like a WIT
 * edit to `wash dev`'s watcher. Returns the entry's path.
 */
export function placePackage(staging: string, deps: string, name: string): string {
  const entries = readdirSync(staging, { withFileTypes: true });
  const binary = entries.length === 1 && entries[0].isFile() && entries[0].name.endsWith('.wasm');
  const dir = join(deps, name);
  const file = `${dir}.wasm`;
  if (binary) {
    const bytes = readFileSync(join(staging, entries[0].name));
    rmSync(dir, { recursive: true, force: true });
    if (!existsSync(file) || !readFileSync(file).equals(bytes)) cpSync(join(staging, entries[0].name), file);
    return file;
  }
  rmSync(file, { force: true });
  if (!sameTree(staging, dir)) {
    rmSync(dir, { recursive: true, force: true });
    cpSync(staging, dir, { recursive: true });
  }
  return dir;
}

/** Resolves every pull source of the project into `<wit>/deps` (see `placePackage`). Returns the entries written. */
export async function resolveWitDeps(cfg: ProjectConfig): Promise<string[]> {
  const sources = cfg.registry?.pull?.sources ?? [];
  const written: string[] = [];
  for (const s of sources) {
    if (s.source === 'builtin') continue;
    const scheme = witSourceScheme(s.source);
    let resolver = scheme ? resolvers.get(scheme) : undefined;
    if (!resolver && scheme && lazyResolvers[scheme]) {
      resolver = await lazyResolvers[scheme]();
      resolvers.set(scheme, resolver);
    }
    if (!/^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$/.test(s.target)) {
      throw new UserError(
        `${cfg.file}: [[registry.pull.sources]] target '${s.target}' is not of the form namespace:package`,
      );
    }
    if (!resolver) {
      throw new UserError(
        `${cfg.file}: [[registry.pull.sources]] ${s.target}: no resolver for '${scheme ?? s.source}' sources in this wash`,
        {
          suggestion: `use a file:// source (a local copy of the WIT), or vendor the package into ${join(cfg.witDir, 'deps')}`,
        },
      );
    }
    const deps = join(cfg.witDir, 'deps');
    const staging = `${join(deps, depDirName(s.target))}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    let dest: string;
    try {
      await resolver({ target: s.target, url: s.source, baseDir: dirname(cfg.file) }, staging);
      dest = placePackage(staging, deps, depDirName(s.target));
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    written.push(dest);
  }
  return written;
}
