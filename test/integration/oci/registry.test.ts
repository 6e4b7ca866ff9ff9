/**
 * The OCI client against real registries (Debian's docker-registry, distribution 2.x) on loopback: push/pull
 * round trips with anonymous, htpasswd (Basic) and token (Bearer) auth; the digest cache (one download per
 * digest, also for concurrent pulls; nothing cached from a corrupted blob); digest refs, image indexes and
 * mirrors; and each failure with its own kind and message.
 */
import diagnostics from 'node:diagnostics_channel';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  OCI_INDEX,
  OCI_MANIFEST,
  isOciError,
  pullComponent,
  pushComponent,
  type OciErrorKind,
} from '../../../src/oci/index.js';
import { sha256Digest } from '../../../src/oci/digest.js';
import { freePort } from '../../../src/up/nats-server.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { startTestRegistry, type TestRegistry } from '../../helpers/registry.js';
import { withCustomSection } from '../../helpers/wasm-variant.js';

const HELLO = new Uint8Array(readFileSync(fixturePath('http-hello-v1')));
const USERS = { alice: 'correct horse battery' };
const ALICE = { username: 'alice', password: USERS.alice };

let open: TestRegistry;
let basic: TestRegistry;
let token: TestRegistry;
let dir: string;
let n = 0;
const cacheDir = () => join(dir, `cache-${++n}`);
const variant = (tag: string) => withCustomSection(HELLO, 'wash-test', `${tag}-${Math.random()}`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wash-oci-it-'));
  [open, basic, token] = await Promise.all([
    startTestRegistry(),
    startTestRegistry({ auth: 'htpasswd', users: USERS }),
    startTestRegistry({ auth: 'token', users: USERS }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([open?.close(), basic?.close(), token?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Counts blob GETs made by this process (node:http's diagnostics channel sees every client request). */
let blobGets: string[] = [];
const onRequest = (msg: unknown) => {
  const req = (msg as { request: { method: string; path: string } }).request;
  if (req.method === 'GET' && req.path.includes('/blobs/sha256:')) blobGets.push(req.path);
};
beforeAll(() => {
  diagnostics.subscribe('http.client.request.start', onRequest);
});
afterAll(() => {
  diagnostics.unsubscribe('http.client.request.start', onRequest);
});
afterEach(() => {
  blobGets = [];
});
const realFetch = globalThis.fetch;

async function expectOciError(p: Promise<unknown>, kind: OciErrorKind, message: RegExp): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the call to fail').toBeDefined();
  expect(isOciError(err) ? err.kind : String(err)).toBe(kind);
  expect((err as Error).message).toMatch(message);
}

describe('push and pull against real registries', () => {
  for (const kind of ['open', 'basic', 'token'] as const) {
    it(`round trip (${kind} auth): manifest digest reported by push equals the pulled one; bytes identical`, async () => {
      const reg = { open, basic, token }[kind];
      const creds = kind === 'open' ? undefined : { [reg.host]: ALICE };
      const bytes = variant(kind);
      const pushed = await pushComponent({
        reference: `oci://${reg.host}/wash/hello:0.1.0`,
        bytes,
        insecure: true,
        credentials: creds,
      });
      expect(pushed.url).toBe(`${reg.host}/wash/hello:0.1.0`);
      expect(pushed.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
      const pulled = await pullComponent(`${reg.host}/wash/hello:0.1.0`, {
        allowedInsecure: [reg.host],
        credentials: creds,
        cacheDir: cacheDir(),
      });
      expect(pulled.digest).toBe(pushed.digest);
      expect(pulled.layerDigest).toBe(sha256Digest(bytes));
      expect(pulled.layerMediaType).toBe('application/wasm');
      expect(Buffer.from(pulled.bytes).equals(Buffer.from(bytes))).toBe(true);
      expect(pulled.cached).toBe(false);
    });
  }

  it('the manifest has the wasm artifact layout (config v0+json, one application/wasm layer)', async () => {
    const pushed = await pushComponent({ reference: `${open.host}/wash/layout:1.0.0`, bytes: HELLO, insecure: true });
    const res = await realFetch(`http://${open.host}/v2/wash/layout/manifests/1.0.0`, {
      headers: { accept: OCI_MANIFEST },
    });
    const text = await res.text();
    expect(sha256Digest(text)).toBe(pushed.digest);
    const m = JSON.parse(text);
    expect(m).toMatchObject({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.wasm.config.v0+json' },
    });
    expect(m.layers).toEqual([{ mediaType: 'application/wasm', digest: sha256Digest(HELLO), size: HELLO.byteLength }]);
  });

  it('cache: a second pull downloads no blob; concurrent pulls of one digest share one download', async () => {
    const bytes = variant('cache');
    await pushComponent({ reference: `${open.host}/wash/cache:1.0.0`, bytes, insecure: true });
    const cache = cacheDir();
    const opts = { allowedInsecure: [open.host], cacheDir: cache };
    const results = await Promise.all([1, 2, 3, 4].map(() => pullComponent(`${open.host}/wash/cache:1.0.0`, opts)));
    expect(results.every((r) => Buffer.from(r.bytes).equals(Buffer.from(bytes)))).toBe(true);
    expect(blobGets).toHaveLength(1);
    const again = await pullComponent(`${open.host}/wash/cache:1.0.0`, opts);
    expect(again.cached).toBe(true);
    expect(blobGets).toHaveLength(1);
    // Pinned by digest and cached: no request at all, even with the registry unreachable.
    const unreachable = `127.0.0.1:${await freePort()}`;
    const byDigest = await pullComponent(`ghcr.io/wash/cache@${again.digest}`, {
      ...opts,
      mirrors: { 'ghcr.io': unreachable },
      allowedInsecure: [unreachable],
    });
    expect(byDigest.layerDigest).toBe(sha256Digest(bytes));
  });

  it('digest references, image indexes and mirrors (with a path prefix) resolve to the same component', async () => {
    const bytes = variant('index');
    const pushed = await pushComponent({ reference: `${open.host}/mirror/wash/idx:1.0.0`, bytes, insecure: true });
    const manifestBytes = await (
      await realFetch(`http://${open.host}/v2/mirror/wash/idx/manifests/1.0.0`, { headers: { accept: OCI_MANIFEST } })
    ).arrayBuffer();
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: pushed.digest,
          size: manifestBytes.byteLength,
          platform: { architecture: 'wasm', os: 'wasip2' },
        },
      ],
    });
    const put = await realFetch(`http://${open.host}/v2/mirror/wash/idx/manifests/multi`, {
      method: 'PUT',
      headers: { 'content-type': OCI_INDEX },
      body: index,
    });
    expect(put.status).toBe(201);
    const opts = { allowedInsecure: [open.host], cacheDir: cacheDir(), mirrors: { 'ghcr.io': `${open.host}/mirror` } };
    const viaIndex = await pullComponent('ghcr.io/wash/idx:multi', opts);
    expect(viaIndex.digest).toBe(sha256Digest(index));
    expect(viaIndex.location.display).toBe(`ghcr.io/wash/idx:multi (via mirror ${open.host}/mirror/wash/idx)`);
    const byDigest = await pullComponent(`ghcr.io/wash/idx@${pushed.digest}`, opts);
    expect(byDigest.digest).toBe(pushed.digest);
    expect(Buffer.from(viaIndex.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(Buffer.from(byDigest.bytes).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('failures, each with its own kind and a message naming the location', () => {
  it('wrong password (Basic and Bearer) → unauthorized', async () => {
    const bytes = variant('auth');
    for (const reg of [basic, token]) {
      await pushComponent({
        reference: `${reg.host}/wash/auth:1.0.0`,
        bytes,
        insecure: true,
        credentials: { [reg.host]: ALICE },
      });
      const wrong = { [reg.host]: { username: 'alice', password: 'wrong' } };
      await expectOciError(
        pullComponent(`${reg.host}/wash/auth:1.0.0`, {
          allowedInsecure: [reg.host],
          credentials: wrong,
          cacheDir: cacheDir(),
        }),
        'unauthorized',
        new RegExp(`registry ${reg.host} refused user 'alice' for ${reg.host}/wash/auth:1\\.0\\.0`),
      );
      await expectOciError(
        pullComponent(`${reg.host}/wash/auth:1.0.0`, { allowedInsecure: [reg.host], cacheDir: cacheDir() }),
        'unauthorized',
        /refused anonymous access/,
      );
      await expectOciError(
        pushComponent({ reference: `${reg.host}/wash/auth:2.0.0`, bytes, insecure: true, credentials: wrong }),
        'unauthorized',
        /refused user 'alice'/,
      );
    }
  });

  it('missing tag and missing repository → not-found', async () => {
    await pushComponent({ reference: `${open.host}/wash/tags:1.0.0`, bytes: HELLO, insecure: true });
    await expectOciError(
      pullComponent(`${open.host}/wash/tags:9.9.9`, { allowedInsecure: [open.host], cacheDir: cacheDir() }),
      'not-found',
      new RegExp(`${open.host}/wash/tags:9\\.9\\.9 was not found \\(MANIFEST_UNKNOWN`),
    );
    await expectOciError(
      pullComponent(`${open.host}/wash/nothing-here:1.0.0`, { allowedInsecure: [open.host], cacheDir: cacheDir() }),
      'not-found',
      /was not found/,
    );
  });

  it('corrupted blob in the registry storage → digest-mismatch, and nothing enters the cache', async () => {
    const bytes = variant('corrupt');
    await pushComponent({ reference: `${open.host}/wash/corrupt:1.0.0`, bytes, insecure: true });
    const file = open.blobFile(sha256Digest(bytes));
    const data = readFileSync(file);
    data[data.length - 1] ^= 0xff;
    writeFileSync(file, data);
    const cache = cacheDir();
    await expectOciError(
      pullComponent(`${open.host}/wash/corrupt:1.0.0`, { allowedInsecure: [open.host], cacheDir: cache }),
      'digest-mismatch',
      new RegExp(
        `${open.host}/wash/corrupt:1\\.0\\.0: blob digest mismatch — expected ${sha256Digest(bytes)}, received sha256:`,
      ),
    );
    const blobDir = join(cache, 'blobs', 'sha256');
    const left = existsSync(blobDir) ? readdirSync(blobDir) : [];
    expect(left).not.toContain(sha256Digest(bytes).slice(7));
    expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a manifest without a wasm layer → media-type', async () => {
    const pushed = await pushComponent({ reference: `${open.host}/wash/image:1.0.0`, bytes: HELLO, insecure: true });
    const m = JSON.parse(
      await (
        await realFetch(`http://${open.host}/v2/wash/image/manifests/1.0.0`, { headers: { accept: OCI_MANIFEST } })
      ).text(),
    );
    m.layers[0].mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip';
    const put = await realFetch(`http://${open.host}/v2/wash/image/manifests/container`, {
      method: 'PUT',
      headers: { 'content-type': OCI_MANIFEST },
      body: JSON.stringify(m),
    });
    expect(put.status).toBe(201);
    expect(pushed.digest).not.toBe(put.headers.get('docker-content-digest'));
    await expectOciError(
      pullComponent(`${open.host}/wash/image:container`, { allowedInsecure: [open.host], cacheDir: cacheDir() }),
      'media-type',
      /is not a wasm component artifact: expected a layer of type application\/wasm or .*found application\/vnd\.oci\.image\.layer\.v1\.tar\+gzip/,
    );
  });

  it('a download cut off half-way → unreachable, and no partial file becomes a cache entry; the retry succeeds', async () => {
    // A registry front that serves the real manifest but breaks the first blob transfer after half the bytes.
    const bytes = variant('partial');
    const pushed = await pushComponent({ reference: `${open.host}/wash/partial:1.0.0`, bytes, insecure: true });
    let cut = true;
    const server = createServer((req, res) => {
      if (cut && req.url?.includes('/blobs/') && req.method === 'GET') {
        cut = false;
        res.writeHead(200, { 'content-length': bytes.byteLength, 'content-type': 'application/octet-stream' });
        res.write(Buffer.from(bytes.subarray(0, bytes.byteLength >> 1)), () => res.destroy());
        return;
      }
      const upstream = httpRequest(
        { host: '127.0.0.1', port: open.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const front = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const cache = cacheDir();
      const opts = { allowedInsecure: ['127.0.0.1'], cacheDir: cache, mirrors: { 'ghcr.io': front } };
      await expectOciError(
        pullComponent('ghcr.io/wash/partial:1.0.0', opts),
        'unreachable',
        /the download of blob sha256:[a-f0-9]{64} was interrupted/,
      );
      const blobDir = join(cache, 'blobs', 'sha256');
      expect(readdirSync(blobDir).filter((f) => f === sha256Digest(bytes).slice(7) || f.includes('.tmp-'))).toEqual([]);
      const again = await pullComponent('ghcr.io/wash/partial:1.0.0', opts);
      expect(again.digest).toBe(pushed.digest);
      expect(Buffer.from(again.bytes).equals(Buffer.from(bytes))).toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a layer larger than the limit is refused before downloading (too-large)', async () => {
    await pushComponent({ reference: `${open.host}/wash/big:1.0.0`, bytes: HELLO, insecure: true });
    await expectOciError(
      pullComponent(`${open.host}/wash/big:1.0.0`, {
        allowedInsecure: [open.host],
        cacheDir: cacheDir(),
        maxBytes: 100,
      }),
      'too-large',
      new RegExp(`its wasm layer is ${HELLO.byteLength} bytes, more than the limit of 100 bytes`),
    );
    expect(blobGets).toEqual([]);
  });

  it('unreachable registry, HTTPS to a plain-HTTP registry, latest refused, invalid reference', async () => {
    const port = await freePort();
    await expectOciError(
      pullComponent(`127.0.0.1:${port}/wash/x:1.0.0`, { allowedInsecure: [`127.0.0.1:${port}`], cacheDir: cacheDir() }),
      'unreachable',
      new RegExp(`registry 127\\.0\\.0\\.1:${port} is unreachable .*ECONNREFUSED`),
    );
    await expectOciError(
      pullComponent(`ghcr.io/wash/x:1.0.0`, {
        mirrors: { 'ghcr.io': `127.0.0.1:${port}` },
        allowedInsecure: [`127.0.0.1:${port}`],
        cacheDir: cacheDir(),
      }),
      'unreachable',
      new RegExp(`ghcr\\.io/wash/x:1\\.0\\.0 \\(via mirror 127\\.0\\.0\\.1:${port}/wash/x\\)`),
    );
    await expectOciError(
      pullComponent(`${open.host}/wash/tags:1.0.0`, { cacheDir: cacheDir() }),
      'unreachable',
      /answered plain HTTP to an HTTPS request/,
    );
    await expectOciError(
      pullComponent(`${open.host}/wash/tags`, { allowedInsecure: [open.host] }),
      'latest-refused',
      /uses the 'latest' tag \(no tag given\), which is refused/,
    );
    await expectOciError(
      pullComponent(`${open.host}/wash/tags:latest`, { allowedInsecure: [open.host] }),
      'latest-refused',
      /'latest' tag, which is refused/,
    );
    await expectOciError(
      pullComponent('ghcr.io/Wash/UPPER:1'),
      'invalid-reference',
      /repository 'Wash\/UPPER' must be lowercase/,
    );
  });
});
