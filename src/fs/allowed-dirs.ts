/**
 * A directory allow-list for files named by remote requests (a host's `file://` component refs). A path is
 * refused before anything touches the file system unless it lies lexically inside an allowed directory, and
 * refused again if its real path (symlinks resolved) leaves them, so the answer for a disallowed path is the
 * same whether it exists or not: no existence or type oracle.
 */
import { realpath as realpathCallback } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';

const realpath = promisify(realpathCallback);

export class PathNotAllowedError extends Error {
  override name = 'PathNotAllowedError';
}

/** `dir` contains `path` (both absolute, normalised); a directory contains itself. */
export function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Comma-separated directories → absolute paths (relative ones from `cwd`); empty entries dropped. */
export function parseDirList(text: string, cwd: string = process.cwd()): string[] {
  return text
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '')
    .map((d) => resolve(cwd, d));
}

/**
 * Resolves `path` against the allow-list: the real path to open when allowed, `PathNotAllowedError` otherwise.
 * `dirs` undefined means every path is allowed (the bare `--allow-file-load`).
 */
export async function resolveAllowedPath(
  path: string,
  dirs: readonly string[] | undefined,
  describe: string = path,
): Promise<string> {
  const abs = resolve(path);
  if (dirs === undefined) return abs;
  const refuse = () =>
    new PathNotAllowedError(
      `${describe} is not inside a directory this host may load files from (--allow-file-load=<dir,…>)`,
    );
  if (!dirs.some((d) => isInside(resolve(d), abs))) throw refuse();
  // Inside lexically; symlinks must not lead out. A path that cannot be resolved is opened as given and fails there.
  const real = await realpath(abs).catch(() => undefined);
  if (real === undefined) return abs;
  const realDirs = await Promise.all(dirs.map((d) => realpath(resolve(d)).catch(() => resolve(d))));
  if (!realDirs.some((d) => isInside(d, real))) throw refuse();
  return real;
}
