import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { washDirs } from '../config/dirs.js';
import { digestHex } from './digest.js';
import { OciError } from './errors.js';
import type { HttpResponse } from './http.js';

export function defaultOciCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(washDirs(env).cache, 'oci');
}

/** The manifest and wasm layer a tag named when it was last pulled. */
export interface TagRecord {
  digest: string;
  layerDigest: string;
  size: number;
}

/**
 * Content-addressed store: `<dir>/blobs/sha256/<hex>`. Entries appear only by rename of a fully written and
 * verified temp file, so a partial or corrupt download never becomes an entry (safe across processes too).
 * Downloads of one digest in this process share one transfer.
 */
export class BlobCache {
  private readonly inFlight = new Map<string, Promise<string>>();
  /** Tag records as last read or written here, so an unchanged record is not rewritten on every start. */
  private readonly tagRecords = new Map<string, string>();

  constructor(readonly dir: string) {}

  pathOf(digest: string): string {
    return join(this.dir, 'blobs', 'sha256', digestHex(digest));
  }

  async has(digest: string): Promise<boolean> {
    return stat(this.pathOf(digest)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async read(digest: string): Promise<Uint8Array | undefined> {
    const buf = await readFile(this.pathOf(digest)).catch(() => undefined);
    return buf && new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private tagPath(registry: string, repository: string, tag: string): string {
    return join(
      this.dir,
      'tags',
      encodeURIComponent(registry),
      ...repository.split('/').map(encodeURIComponent),
      encodeURIComponent(tag),
    );
  }

  /** Records what a tag resolved to last (a hint for the next start, never trusted without asking the registry). */
  async rememberTag(registry: string, repository: string, tag: string, record: TagRecord): Promise<void> {
    const path = this.tagPath(registry, repository, tag);
    const text = JSON.stringify({ digest: record.digest, layerDigest: record.layerDigest, size: record.size });
    if (this.tagRecords.get(path) === text) return;
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await writeFile(tmp, text);
    await rename(tmp, path);
    this.tagRecords.set(path, text);
  }

  async recalledTag(registry: string, repository: string, tag: string): Promise<TagRecord | undefined> {
    const path = this.tagPath(registry, repository, tag);
    try {
      const text = await readFile(path, 'utf8');
      const r = JSON.parse(text) as Partial<TagRecord>;
      const digestLike = (d: unknown) => typeof d === 'string' && /^sha256:[a-f0-9]{64}$/.test(d);
      if (!digestLike(r.digest) || !digestLike(r.layerDigest) || typeof r.size !== 'number') return undefined;
      this.tagRecords.set(path, text);
      return r as TagRecord;
    } catch {
      return undefined;
    }
  }

  /** Stores small verified bytes (manifests). */
  async put(digest: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(digest);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  }

  /**
   * Returns the path of the blob, downloading it with `open` when missing. The bytes are hashed while they
   * are written; a digest or size mismatch deletes the temp file and throws `digest-mismatch`.
   */
  ensure(
    digest: string,
    expectedSize: number | undefined,
    open: () => Promise<HttpResponse>,
    what: string,
  ): Promise<string> {
    const existing = this.inFlight.get(digest);
    if (existing) return existing;
    const p = this.download(digest, expectedSize, open, what).finally(() => this.inFlight.delete(digest));
    this.inFlight.set(digest, p);
    return p;
  }

  private async download(
    digest: string,
    expectedSize: number | undefined,
    open: () => Promise<HttpResponse>,
    what: string,
  ): Promise<string> {
    const path = this.pathOf(digest);
    if (await this.has(digest)) return path;
    await mkdir(dirname(path), { recursive: true });
    const res = await open();
    const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const hash = createHash('sha256');
    let size = 0;
    try {
      const source = res.body;
      source.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
        if (expectedSize !== undefined && size > expectedSize)
          source.destroy(
            new OciError(
              'digest-mismatch',
              `${what}: blob ${digest} is larger than the ${expectedSize} bytes its manifest declares`,
            ),
          );
      });
      await pipeline(source, createWriteStream(tmp));
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== digest) {
        throw new OciError(
          'digest-mismatch',
          `${what}: blob digest mismatch — expected ${digest}, received ${actual} (${size} bytes)`,
          {
            suggestion: 'the registry holds corrupted data or something altered the download; push the artifact again',
          },
        );
      }
      if (expectedSize !== undefined && size !== expectedSize) {
        throw new OciError(
          'digest-mismatch',
          `${what}: blob ${digest} has ${size} bytes, its manifest declares ${expectedSize}`,
        );
      }
      await rename(tmp, path);
      return path;
    } catch (err) {
      await rm(tmp, { force: true });
      if (err instanceof OciError) throw err;
      throw new OciError(
        'unreachable',
        `${what}: the download of blob ${digest} was interrupted: ${(err as Error).message}`,
      );
    }
  }
}
