import { resolveAllowedPath } from '../fs/allowed-dirs.js';
import { BoundedReadError, readBoundedFile } from '../fs/read-bounded.js';

/**
 * The bytes of a `file://` component: only from the allowed directories (undefined = anywhere), only a regular
 * file, never more than `maxBytes` (`--max-component-size-bytes`) read.
 */
export async function readComponentFile(
  path: string,
  allowedDirs: readonly string[] | undefined,
  maxBytes: number,
): Promise<Uint8Array> {
  const real = await resolveAllowedPath(path, allowedDirs);
  try {
    const bytes = await readBoundedFile(real, maxBytes);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (err) {
    if (err instanceof BoundedReadError && err.reason === 'too-large') {
      throw new Error(`${err.message} (--max-component-size-bytes)`);
    }
    throw err;
  }
}
