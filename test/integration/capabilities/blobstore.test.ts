/**
 * Built-in blobstore end to end: a real componentize-js component (js-blobstore) on an in-process host with
 * the real jco runtime, reached through the built-in http-server over real HTTP, writing to a temp-dir root
 * (blobstore-fs, upstream ref and ROOT key) and to a real nats-server's JetStream object stores (blobstore-nats).
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WashHost } from '../../../src/host/index.js';
import { defaultRuntimeFactory } from '../../../src/host/runtime-factory.js';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import type { Link } from '../../../src/lattice/types.js';
import { ensureJsFixtures } from '../../helpers/fixtures.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { EventLog, testHost } from '../host/helpers.js';
import { type ServedApp, serveApp, startProvider as startProvider_ } from './served-app.js';

const lattice = 'blobs';
const SLOW_TIMEOUT_MS = 1500;

let nats: TestNats;
let stalled: TestNats;
let nc: NatsConnection;
let client: CtlClient;
let events: EventLog;
let host: WashHost;
let call: ServedApp['call'];
let dir: string;
let root: string;
let outside: string;

function blobLink(name: string, target: string, config: string[]): Link {
  return {
    source_id: 'blobapp',
    target,
    name,
    wit_namespace: 'wasi',
    wit_package: 'blobstore',
    interfaces: ['blobstore'],
    source_config: [],
    target_config: config,
  };
}

const startProvider = (id: string, ref: string) => startProvider_(client, events, host, id, ref);

async function objectStores() {
  const { jetstream } = await import('@nats-io/jetstream');
  const { Objm } = await import('@nats-io/obj');
  return new Objm(jetstream(nc));
}

async function natsObject(bucket: string, name: string): Promise<string | undefined> {
  const store = await (await objectStores()).open(bucket);
  const data = await store.getBlob(name);
  return data === null ? undefined : new TextDecoder().decode(data);
}

async function bucketExists(bucket: string): Promise<boolean> {
  for await (const status of (await objectStores()).list()) if (status.bucket === bucket) return true;
  return false;
}

beforeAll(async () => {
  const fixtures = await ensureJsFixtures();
  dir = mkdtempSync(join(tmpdir(), 'wash-blob-'));
  root = join(dir, 'root');
  outside = join(dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'not for guests');
  copyFileSync(fixtures['js-blobstore'], join(dir, 'blob.wasm'));

  [nats, stalled] = await Promise.all([startTestNats(), startTestNats()]);
  nc = await natsConnect(nats.url);
  events = await new EventLog(nc, lattice).start();
  client = new CtlClient(nc, { lattice, timeoutMs: 5000, collectMs: 300 });
  host = await testHost(nats.url, lattice, {
    runtime: defaultRuntimeFactory,
    rpcTimeoutMs: 5000,
    maxExecutionTimeMs: 20_000,
  });

  await client.putConfig('files-config', { ROOT: root });
  await client.putConfig('stalled-config', { cluster_uri: stalled.url, timeout_ms: String(SLOW_TIMEOUT_MS) });

  ({ call } = await serveApp(client, events, host, {
    componentId: 'blobapp',
    componentRef: pathToFileURL(join(dir, 'blob.wasm')).href,
    count: 4,
    readyPath: '/',
    callTimeoutMs: 30_000,
  }));
  await startProvider('blob-fs', 'ghcr.io/wasmcloud/blobstore-fs:0.10.1');
  await startProvider('blob-nats', 'wasmcloud+builtin://blobstore-nats');
  for (const link of [
    blobLink('default', 'blob-nats', []),
    blobLink('files', 'blob-fs', ['files-config']),
    blobLink('stalled', 'blob-nats', ['stalled-config']),
  ]) {
    expect(await client.putLink(link)).toEqual({ message: 'successfully set link' });
  }
}, 600_000);

afterAll(async () => {
  await host?.stop();
  events?.stop();
  await nc?.close();
  await Promise.all([nats?.close(), stalled?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('built-in blobstore-fs: a directory root from link config', () => {
  it('create-container / write-data / get-data / list-objects / object-info / delete-object land on disk under ROOT', async () => {
    expect(await call('POST', '/containers/files')).toEqual({ status: 200, body: 'created files\n' });
    expect(await call('GET', '/containers/files')).toEqual({ status: 200, body: 'true' });
    expect(await call('PUT', '/blob/files/docs/readme.txt', 'hello blobstore')).toEqual({ status: 200, body: 'ok\n' });
    expect(readFileSync(join(root, 'files', 'docs', 'readme.txt'), 'utf8')).toBe('hello blobstore');
    expect(await call('PUT', '/blob/files/late.txt?late=1', 'body after write-data')).toEqual({
      status: 200,
      body: 'ok\n',
    });
    expect(readFileSync(join(root, 'files', 'late.txt'), 'utf8')).toBe('body after write-data');

    expect(await call('GET', '/blob/files/docs/readme.txt')).toEqual({ status: 200, body: 'hello blobstore' });
    expect(await call('GET', '/blob/files/docs/readme.txt?start=6&end=9')).toEqual({ status: 200, body: 'blob' });
    expect(await call('GET', '/blob/files/docs/readme.txt?stream=1')).toEqual({ status: 200, body: 'hello blobstore' });
    expect(await call('GET', '/list/files')).toEqual({
      status: 200,
      body: JSON.stringify(['docs/readme.txt', 'late.txt']),
    });
    expect(await call('GET', '/list/files?skip=1')).toEqual({ status: 200, body: JSON.stringify(['late.txt']) });
    const meta = JSON.parse((await call('GET', '/meta/files/docs/readme.txt')).body);
    expect(meta).toMatchObject({ name: 'docs/readme.txt', container: 'files', size: 15 });
    expect(Math.abs(meta.createdAt - Date.now() / 1000)).toBeLessThan(600);

    expect(await call('DELETE', '/blob/files/late.txt')).toEqual({ status: 200, body: 'deleted\n' });
    expect(existsSync(join(root, 'files', 'late.txt'))).toBe(false);
    expect(await call('GET', '/has/files/late.txt')).toEqual({ status: 200, body: 'false' });
    expect(await call('GET', '/blob/files/late.txt')).toEqual({
      status: 502,
      body: "object 'late.txt' does not exist in container 'files'",
    });
  });

  it('names that would leave the root are refused with the error string; nothing outside is read or written', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(root, 'files', 'link.txt'));
    symlinkSync(outside, join(root, 'files', 'linkdir'));
    for (const name of ['..%2F..%2Foutside%2Fsecret.txt', '..%2Fescape.txt', '%2Fetc%2Fpasswd', 'a%2F..%2F..%2Fx']) {
      const read = await call('GET', `/blob/files/${name}`);
      expect(read.status, name).toBe(502);
      expect(read.body, name).toMatch(/^object name '.*' (has a '\.\.' path segment|is absolute)/);
      const write = await call('PUT', `/blob/files/${name}`, 'escaped');
      expect(write.status, name).toBe(502);
    }
    expect(await call('GET', '/blob/files/link.txt')).toEqual({
      status: 502,
      body: "object name 'link.txt' is a symlink",
    });
    expect(await call('PUT', '/blob/files/link.txt', 'overwrite')).toEqual({
      status: 502,
      body: "object name 'link.txt' is a symlink",
    });
    const viaDir = await call('PUT', '/blob/files/linkdir/planted.txt', 'planted');
    expect(viaDir).toEqual({
      status: 502,
      body: "object name 'linkdir/planted.txt' resolves outside the blobstore root (symlink)",
    });
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('not for guests');
    expect(existsSync(join(outside, 'planted.txt'))).toBe(false);
    expect(existsSync(join(dir, 'escape.txt'))).toBe(false);
    expect(existsSync(join(root, 'escape.txt'))).toBe(false);
  });
});

describe('built-in blobstore-nats: one JetStream object store per container', () => {
  it('containers are buckets; objects round-trip through the component and are visible to other NATS clients', async () => {
    expect(await call('POST', '/containers/photos')).toEqual({ status: 200, body: 'created photos\n' });
    expect(await bucketExists('photos')).toBe(true);
    expect(await call('PUT', '/blob/photos/cat.txt', 'meow')).toEqual({ status: 200, body: 'ok\n' });
    expect(await call('PUT', '/blob/photos/dog.txt', 'woof')).toEqual({ status: 200, body: 'ok\n' });
    expect(await call('PUT', '/blob/photos/bird.txt?late=1', 'tweet')).toEqual({ status: 200, body: 'ok\n' });
    expect(await natsObject('photos', 'cat.txt')).toBe('meow');
    expect(await natsObject('photos', 'bird.txt')).toBe('tweet');
    expect(await call('GET', '/blob/photos/dog.txt?start=1')).toEqual({ status: 200, body: 'oof' });
    expect(await call('GET', '/list/photos')).toEqual({
      status: 200,
      body: JSON.stringify(['bird.txt', 'cat.txt', 'dog.txt']),
    });
    expect(JSON.parse((await call('GET', '/meta/photos/cat.txt')).body)).toMatchObject({
      name: 'cat.txt',
      container: 'photos',
      size: 4,
    });
    // nothing of it went to the filesystem link
    expect(existsSync(join(root, 'photos'))).toBe(false);

    expect(await call('POST', '/delete-many/photos?names=dog.txt,bird.txt')).toEqual({
      status: 200,
      body: 'deleted\n',
    });
    expect(await call('GET', '/list/photos')).toEqual({ status: 200, body: JSON.stringify(['cat.txt']) });
    expect(await natsObject('photos', 'dog.txt')).toBeUndefined();
  });

  it('copy-object and move-object work across links (NATS → filesystem)', async () => {
    expect(await call('POST', '/copy?src=photos/cat.txt&dest=files/cat-copy.txt')).toEqual({
      status: 200,
      body: 'copy ok\n',
    });
    expect(readFileSync(join(root, 'files', 'cat-copy.txt'), 'utf8')).toBe('meow');
    expect(await call('POST', '/move?src=photos/cat.txt&dest=files/cat-moved.txt')).toEqual({
      status: 200,
      body: 'move ok\n',
    });
    expect(readFileSync(join(root, 'files', 'cat-moved.txt'), 'utf8')).toBe('meow');
    expect(await natsObject('photos', 'cat.txt')).toBeUndefined();
    expect(await call('POST', '/copy?src=photos/nope&dest=files/x')).toEqual({
      status: 502,
      body: "object 'nope' does not exist in container 'photos'",
    });
  });

  it('delete-container removes the bucket; later calls answer the interface error', async () => {
    expect(await call('DELETE', '/containers/photos')).toEqual({ status: 200, body: 'deleted\n' });
    expect(await bucketExists('photos')).toBe(false);
    expect(await call('GET', '/containers/photos')).toEqual({ status: 200, body: 'false' });
    expect(await call('GET', '/blob/photos/cat.txt')).toEqual({
      status: 502,
      body: "container 'photos' does not exist",
    });
    expect(await call('POST', '/containers/bad.name')).toEqual({
      status: 502,
      body: "container name 'bad.name' is not a valid NATS object store bucket name (letters, digits, '-' and '_' only)",
    });
  });

  it('a NATS server that stops answering is bounded by the link timeout_ms; the host keeps serving', async () => {
    expect(await call('POST', '/containers/stalled')).toEqual({ status: 200, body: 'created stalled\n' });
    process.kill(stalled.pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const slow = call('PUT', '/blob/stalled/x', 'x');
      expect(await call('GET', '/blob/files/docs/readme.txt')).toEqual({ status: 200, body: 'hello blobstore' });
      const res = await slow;
      expect(res.status).toBe(502);
      expect(res.body).toMatch(
        /^blobstore link 'stalled' to blob-nats \(blobstore-nats\) \((get-container|write-data)\) did not answer within 1500 ms$/,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_TIMEOUT_MS - 100);
    } finally {
      process.kill(stalled.pid, 'SIGCONT');
    }
  });
});
