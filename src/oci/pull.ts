import { readFile } from 'node:fs/promises';
import { BlobCache, defaultOciCacheDir } from './blob-cache.js';
import { RegistryClient } from './client.js';
import { sha256Digest } from './digest.js';
import { OciError } from './errors.js';
import {
  DOCKER_MANIFEST_LIST,
  MANIFEST_ACCEPT,
  OCI_INDEX,
  PROVIDER_ARCHIVE_LAYER,
  WASM_LAYER_TYPES,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from './media-types.js';
import { formatReference, isLatest, manifestReference, parseReference } from './reference.js';
import { credentialFor, resolveLocation, type OciSettings, type ResolvedLocation } from './settings.js';

export interface PulledArtifact {
  /** The reference as given, normalised (`registry/repo:tag`). */
  reference: string;
  /** Digest of the image manifest (what `wash pull -o json` reports). */
  digest: string;
  /** Digest of the wasm layer (the cache key of its bytes). */
  layerDigest: string;
  layerMediaType: string;
  /** Cached file holding the layer bytes. */
  path: string;
  size: number;
  location: ResolvedLocation;
  /** True when the layer was already in the cache (no blob download). */
  cached: boolean;
}

export interface PullOptions extends OciSettings {
  /** Layer media types accepted (default: the wasm component types). */
  layerTypes?: readonly string[];
}

const caches = new Map<string, BlobCache>();
function cacheFor(dir: string): BlobCache {
  let c = caches.get(dir);
  if (!c) caches.set(dir, (c = new BlobCache(dir)));
  return c;
}

/**
 * Resolves a reference (mirror, latest policy), fetches its manifest (following an index to the wasm
 * platform entry), verifies digests and makes sure the wasm layer is in the digest cache.
 */
export async function pullArtifact(refText: string, opts: PullOptions = {}): Promise<PulledArtifact> {
  const ref = parseReference(refText);
  const location = resolveLocation(ref, opts);
  if (isLatest(ref) && !opts.allowLatest) {
    throw new OciError(
      'latest-refused',
      `${location.display} uses the 'latest' tag${ref.defaultTag ? ' (no tag given)' : ''}, which is refused`,
      {
        suggestion: 'pin a version tag or a digest, or allow it with --allow-latest (WASMCLOUD_OCI_ALLOW_LATEST=true)',
      },
    );
  }
  const cache = cacheFor(opts.cacheDir ?? defaultOciCacheDir());
  const client = new RegistryClient(
    {
      registry: location.registry,
      repository: location.repository,
      insecure: location.insecure,
      display: location.display,
      // Only the location's own login is sent (a mirror never receives the upstream registry's credentials).
      credential: credentialFor(opts.credentials, location.registry),
      caFile: opts.caFile,
    },
    opts.timeoutMs,
  );

  const { manifest, digest } = await fetchManifest(client, cache, manifestReference(ref), ref.digest, location.display);
  const layerTypes = opts.layerTypes ?? WASM_LAYER_TYPES;
  const layer = manifest.layers?.find((l) => layerTypes.includes(l.mediaType));
  if (!layer) {
    const found = (manifest.layers ?? []).map((l) => l.mediaType).join(', ') || 'no layers';
    const what = manifest.layers?.some((l) => l.mediaType === PROVIDER_ARCHIVE_LAYER)
      ? ' (a capability provider archive, not a component)'
      : '';
    throw new OciError(
      'media-type',
      `${location.display} is not a wasm component artifact${what}: expected a layer of type ${layerTypes.join(' or ')}, found ${found}`,
    );
  }
  if (opts.maxBytes !== undefined && layer.size > opts.maxBytes) {
    throw new OciError(
      'too-large',
      `${location.display}: its wasm layer is ${layer.size} bytes, more than the limit of ${opts.maxBytes} bytes (--max-component-size-bytes)`,
    );
  }
  const cached = await cache.has(layer.digest);
  const path = cached
    ? cache.pathOf(layer.digest)
    : await cache.ensure(
        layer.digest,
        layer.size,
        () =>
          client.request({
            path: `${location.repository}/blobs/${layer.digest}`,
            actions: 'pull',
            expect: [200],
          }),
        location.display,
      );
  if (!ref.digest && ref.tag) {
    const record = { digest, layerDigest: layer.digest, size: layer.size };
    await cache.rememberTag(location.registry, location.repository, ref.tag, record).catch(() => undefined);
  }
  return {
    reference: formatReference(ref),
    digest,
    layerDigest: layer.digest,
    layerMediaType: layer.mediaType,
    path,
    size: layer.size,
    location,
    cached,
  };
}

export interface CachedGuess {
  /** Manifest digest the tag named when last pulled. */
  digest: string;
  layerDigest: string;
  bytes: Uint8Array;
}

/**
 * Without network: the cached layer a tag ref named when last pulled, or undefined (digest refs, refused
 * `latest`, never pulled, evicted, over `maxBytes`). Only a hint: a tag can move, so the caller still pulls and
 * compares `layerDigest` before using what it did with these bytes.
 */
export async function guessFromCache(refText: string, opts: PullOptions = {}): Promise<CachedGuess | undefined> {
  try {
    const ref = parseReference(refText);
    if (ref.digest || !ref.tag || (isLatest(ref) && !opts.allowLatest)) return undefined;
    const location = resolveLocation(ref, opts);
    const cache = cacheFor(opts.cacheDir ?? defaultOciCacheDir());
    const record = await cache.recalledTag(location.registry, location.repository, ref.tag);
    if (!record || (opts.maxBytes !== undefined && record.size > opts.maxBytes)) return undefined;
    const bytes = await cache.read(record.layerDigest);
    return bytes?.byteLength === record.size
      ? { digest: record.digest, layerDigest: record.layerDigest, bytes }
      : undefined;
  } catch {
    return undefined;
  }
}

/** `pullArtifact` plus the layer bytes. */
export async function pullComponent(
  refText: string,
  opts: PullOptions = {},
): Promise<PulledArtifact & { bytes: Uint8Array }> {
  const pulled = await pullArtifact(refText, opts);
  const buf = await readFile(pulled.path);
  return { ...pulled, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
}

async function fetchManifest(
  client: RegistryClient,
  cache: BlobCache,
  reference: string,
  pinned: string | undefined,
  display: string,
  depth = 0,
): Promise<{ manifest: ImageManifest; digest: string }> {
  // A digest-pinned manifest already verified and cached needs no network.
  let bytes = pinned ? await cache.read(pinned) : undefined;
  if (!bytes) {
    const res = await client.request({
      path: `${client.target.repository}/manifests/${reference}`,
      actions: 'pull',
      expect: [200],
      headers: { accept: MANIFEST_ACCEPT },
    });
    bytes = await res.bytes();
    const actual = sha256Digest(bytes);
    const expected = pinned ?? res.header('docker-content-digest');
    if (expected?.startsWith('sha256:') && expected !== actual) {
      throw new OciError(
        'digest-mismatch',
        `${display}: manifest digest mismatch — expected ${expected}, received ${actual}`,
      );
    }
    // A tag re-checked on every start usually names a manifest already cached: no rewrite then.
    if (!(await cache.has(actual))) await cache.put(actual, bytes);
  }
  const digest = sha256Digest(bytes);
  let doc: ImageManifest & Partial<ImageIndex>;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as ImageManifest & Partial<ImageIndex>;
  } catch {
    throw new OciError('media-type', `${display}: the registry returned a manifest that is not JSON`);
  }
  if (Array.isArray(doc.manifests) || doc.mediaType === OCI_INDEX || doc.mediaType === DOCKER_MANIFEST_LIST) {
    if (depth > 0) throw new OciError('media-type', `${display}: nested image indexes are not supported`);
    const entry = pickIndexEntry(doc.manifests ?? []);
    if (!entry)
      throw new OciError(
        'media-type',
        `${display} is an image index without a wasm entry (platforms: ${(doc.manifests ?? []).map((m) => `${m.platform?.os ?? '?'}/${m.platform?.architecture ?? '?'}`).join(', ') || 'none'})`,
      );
    const inner = await fetchManifest(client, cache, entry.digest, entry.digest, display, depth + 1);
    // The index digest is what the tag names; report it, as registries and `docker pull` do.
    return { manifest: inner.manifest, digest };
  }
  if (!Array.isArray(doc.layers))
    throw new OciError(
      'media-type',
      `${display}: the manifest has no layers (media type ${doc.mediaType ?? 'unknown'})`,
    );
  return { manifest: doc, digest };
}

/** The wasm entry of an index: platform wasm/wasi*, else the only entry. */
function pickIndexEntry(entries: Descriptor[]): Descriptor | undefined {
  const wasm = entries.find((e) => e.platform?.architecture === 'wasm' || /^wasi/.test(e.platform?.os ?? ''));
  return wasm ?? (entries.length === 1 ? entries[0] : undefined);
}
