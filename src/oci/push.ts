import { RegistryClient } from './client.js';
import { sha256Digest } from './digest.js';
import { OciError } from './errors.js';
import { OCI_MANIFEST, WASM_CONFIG, WASM_LAYER, type ImageManifest } from './media-types.js';
import { formatReference, parseReference } from './reference.js';
import { credentialFor, isInsecureAllowed, type CredentialSource } from './settings.js';

export interface PushOptions {
  /** `registry/repo:tag` (`oci://` allowed); a digest-only ref is refused (a push needs a tag). */
  reference: string;
  /** The component (already read and checked by the caller, see `readComponentForPush`). */
  bytes: Uint8Array;
  /** Plain HTTP (true), or registries allowed plain HTTP. */
  insecure?: boolean | readonly string[];
  credentials?: CredentialSource;
  /** Extra manifest annotations. */
  annotations?: Record<string, string>;
  /** Allow pushing to `latest` (explicit or implied). */
  allowLatest?: boolean;
  timeoutMs?: number;
  /** PEM file of CA certificates to trust besides the public roots (`--oci-tls-ca-file`). */
  caFile?: string;
}

export interface PushResult {
  /** The reference pushed (`registry/repo:tag`). */
  url: string;
  /** Digest of the manifest written. */
  digest: string;
}

/**
 * Pushes a component as a wasm OCI artifact (CNCF wasm artifact layout, as wash/`oci-wasm` push it): config
 * `application/vnd.wasm.config.v0+json`, one `application/wasm` layer, an OCI image manifest under the tag.
 */
export async function pushComponent(opts: PushOptions): Promise<PushResult> {
  const ref = parseReference(opts.reference);
  if (ref.digest)
    throw new OciError('invalid-reference', `${opts.reference}: a push needs a tag, not a digest`, {
      suggestion: 'e.g. registry/repo:0.1.0',
    });
  if (ref.defaultTag && !opts.allowLatest) {
    throw new OciError('latest-refused', `${opts.reference} has no tag; wash does not push to 'latest' implicitly`, {
      suggestion: `add a version tag, e.g. ${formatReference({ ...ref, tag: '0.1.0' })}`,
    });
  }
  const insecure = typeof opts.insecure === 'boolean' ? opts.insecure : isInsecureAllowed(ref.registry, opts.insecure);
  const url = formatReference(ref);
  const client = new RegistryClient(
    {
      registry: ref.registry,
      repository: ref.repository,
      insecure,
      display: url,
      credential: credentialFor(opts.credentials, ref.registry),
      caFile: opts.caFile,
    },
    opts.timeoutMs,
  );

  const layerDigest = sha256Digest(opts.bytes);
  const created = new Date().toISOString();
  const config = new TextEncoder().encode(
    JSON.stringify({ created, architecture: 'wasm', os: 'wasip2', layerDigests: [layerDigest] }),
  );
  const configDigest = sha256Digest(config);
  await uploadBlob(client, config, configDigest);
  await uploadBlob(client, opts.bytes, layerDigest);

  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: WASM_CONFIG, digest: configDigest, size: config.byteLength },
    layers: [{ mediaType: WASM_LAYER, digest: layerDigest, size: opts.bytes.byteLength }],
    annotations: { 'org.opencontainers.image.created': created, ...opts.annotations },
  };
  const body = JSON.stringify(manifest);
  const digest = sha256Digest(body);
  await client
    .request({
      method: 'PUT',
      path: `${ref.repository}/manifests/${ref.tag}`,
      actions: 'pull,push',
      expect: [201, 200],
      headers: { 'content-type': OCI_MANIFEST },
      body,
    })
    .then((r) => r.discard());
  return { url, digest };
}

/** Monolithic upload (POST, then PUT with the digest); skipped when the registry already has the blob. */
async function uploadBlob(client: RegistryClient, bytes: Uint8Array, digest: string): Promise<void> {
  const repo = client.target.repository;
  const head = await client.request({
    method: 'HEAD',
    path: `${repo}/blobs/${digest}`,
    actions: 'pull,push',
    expect: [200, 404],
  });
  head.discard();
  if (head.status === 200) return;
  const start = await client.request({
    method: 'POST',
    path: `${repo}/blobs/uploads/`,
    actions: 'pull,push',
    expect: [202],
  });
  start.discard();
  const location = start.header('location');
  if (!location)
    throw new OciError(
      'registry',
      `registry ${client.target.registry} started an upload without a Location header for ${client.target.display}`,
    );
  const uploadUrl = new URL(location, client.baseUrl);
  uploadUrl.searchParams.set('digest', digest);
  const done = await client.request({
    method: 'PUT',
    path: uploadUrl.href,
    actions: 'pull,push',
    expect: [201, 204],
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  done.discard();
}
