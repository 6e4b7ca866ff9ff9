/**
 * What a `file://` provider reference points at: an executable, run as it is, or a provider archive, whose
 * executable for this machine is extracted once into the host's provider cache (named by its SHA-256, written
 * to a temporary file with mode 0755 and renamed into place, so concurrent starts never run a half-written file).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  archiveBinary,
  hostTarget,
  looksLikeArchive,
  readProviderArchive,
  sha256Hex,
  type ProviderClaims,
} from './archive.js';

export interface ProviderExecutable {
  path: string;
  /** From the archive's claims.jwt; absent for a plain executable. */
  claims?: ProviderClaims;
}

/** The file's first bytes; none when it cannot be read (spawning it then reports why, as for any executable). */
async function head(path: string, length: number): Promise<Uint8Array> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'r');
  } catch {
    return new Uint8Array();
  }
  try {
    const buf = new Uint8Array(length);
    const { bytesRead } = await file.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

async function cached(path: string, size: number): Promise<boolean> {
  try {
    const s = await stat(path);
    return s.isFile() && s.size === size && (s.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

export async function resolveProviderFile(
  path: string,
  cacheDir: string,
  target: string = hostTarget(),
): Promise<ProviderExecutable> {
  if (!looksLikeArchive(await head(path, 512))) return { path };
  const archive = readProviderArchive(await readFile(path), path);
  const binary = archiveBinary(archive, target, path);
  const dest = join(cacheDir, `${sha256Hex(binary).toLowerCase()}-${target}`);
  if (!(await cached(dest, binary.length))) {
    await mkdir(cacheDir, { recursive: true });
    const tmp = `${dest}.${randomUUID()}.tmp`;
    try {
      await writeFile(tmp, binary, { mode: 0o755 });
      await rename(tmp, dest);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new Error(`cannot extract the ${target} executable of ${path} into ${cacheDir}: ${(err as Error).message}`);
    }
  }
  return { path: dest, claims: archive.claims };
}
