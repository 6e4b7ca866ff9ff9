import { readFile } from 'node:fs/promises';
import type { PullOptions } from '../oci/pull.js';
import type { RegistryCredential } from '../oci/settings.js';
import type { HostLogger } from './log.js';

/** The host's registry settings (`--allow-latest`, `--allowed-insecure`, `--registry-mirror`, `--oci-*`). */
export interface HostOciOptions {
  allowLatest?: boolean;
  /** Registries (host[:port]) reached over plain HTTP. */
  allowedInsecure?: string[];
  /** Registry → mirror (`ghcr.io` → `127.0.0.1:5000`), so manifests naming public registries pull from a proxy. */
  mirrors?: Record<string, string>;
  /** Registry host → login (from flags/env); `registry.put` adds to these at run time. */
  credentials?: Record<string, RegistryCredential>;
  /** PEM file of CA certificates trusted for HTTPS registries besides the public roots (absolute). */
  caFile?: string;
  /** Digest cache root (default `<wash cache>/oci`). */
  cacheDir?: string;
}

export interface FetchedComponent {
  bytes: Uint8Array;
  /** Manifest digest. */
  digest: string;
  /** Digest of the wasm layer (of `bytes`). */
  layerDigest: string;
  /** Where it came from, for logs (`ref (via mirror …)`). */
  location: string;
  cached: boolean;
}

/** Pulls components for the host: one download per digest (blob cache), credentials updatable by `registry.put`. */
export class OciFetcher {
  private readonly credentials: Map<string, RegistryCredential>;

  constructor(
    private readonly opts: HostOciOptions,
    private readonly log: HostLogger,
  ) {
    this.credentials = new Map(Object.entries(opts.credentials ?? {}));
  }

  /**
   * Loads the OCI client (and node:https) in the background once the host is up, so the first pull does not
   * pay for module loading (~20 ms idle, 100+ ms on a loaded machine).
   */
  prewarm(): void {
    setTimeout(() => {
      void import('../oci/pull.js').catch(() => undefined);
    }, 0).unref();
  }

  /** `registry.put`: later credentials for a registry replace earlier ones. */
  putCredentials(creds: Record<string, RegistryCredential>): void {
    for (const [registry, c] of Object.entries(creds)) {
      if (c && typeof c === 'object')
        this.credentials.set(registry, { username: c.username, password: c.password, token: c.token });
    }
  }

  private settings(maxBytes: number | undefined): PullOptions {
    return {
      allowLatest: this.opts.allowLatest,
      allowedInsecure: this.opts.allowedInsecure,
      mirrors: this.opts.mirrors,
      credentials: (registry) => this.credentials.get(registry) ?? this.credentials.get(registry.replace(/:\d+$/, '')),
      cacheDir: this.opts.cacheDir,
      caFile: this.opts.caFile,
      maxBytes,
    };
  }

  /**
   * The cached bytes a tag ref named when last pulled (no network), for a start that overlaps `fetch`; the
   * caller must still compare `layerDigest` with what `fetch` returns.
   */
  async guess(
    ref: string,
    maxBytes: number | undefined,
  ): Promise<{ bytes: Uint8Array; layerDigest: string } | undefined> {
    const { guessFromCache } = await import('../oci/pull.js');
    return guessFromCache(ref, this.settings(maxBytes));
  }

  /** Pulls `ref` (once per digest); `known` bytes are returned as they are when the pull names the same layer. */
  async fetch(
    ref: string,
    maxBytes: number | undefined,
    known?: { bytes: Uint8Array; layerDigest: string },
  ): Promise<FetchedComponent> {
    const started = Date.now();
    const [{ pullArtifact }, { isOciError }] = await Promise.all([
      import('../oci/pull.js'),
      import('../oci/errors.js'),
    ]);
    const pulled = await pullArtifact(ref, this.settings(maxBytes)).catch((err: unknown) => {
      // The kind leads the message so `component_scale_failed` says which failure it was.
      if (!isOciError(err)) throw err;
      throw new Error(`OCI pull failed (${err.kind}): ${err.message}${err.suggestion ? `; ${err.suggestion}` : ''}`);
    });
    this.log.info(`pulled ${pulled.location.display}`, {
      digest: pulled.digest,
      layer: pulled.layerDigest,
      bytes: pulled.size,
      cached: pulled.cached,
      ms: Date.now() - started,
    });
    const bytes = known?.layerDigest === pulled.layerDigest ? known.bytes : await readBytes(pulled.path);
    return {
      bytes,
      digest: pulled.digest,
      layerDigest: pulled.layerDigest,
      location: pulled.location.display,
      cached: pulled.cached,
    };
  }
}

async function readBytes(path: string): Promise<Uint8Array> {
  const buf = await readFile(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
