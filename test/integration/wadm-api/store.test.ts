import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsConnect } from '../../../src/lattice/connect.js';
import { isUlid } from '../../../src/lattice/ulid.js';
import { openManifestStore, type ManifestStore, type StoreChange } from '../../../src/wadm/store/index.js';
import { manifestStoreOn, openManifestBucket } from '../../../src/wadm/store/manifest-store.js';
import type { WadmManifest } from '../../../src/wadm/types.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';

const manifest = (name: string, version?: string, components: Array<Record<string, unknown>> = []): WadmManifest => ({
  apiVersion: 'core.oam.dev/v1beta1',
  kind: 'Application',
  metadata: { name, annotations: version ? { version } : {} },
  spec: { components },
});

let nats: TestNats;
let nc: NatsConnection;
let store: ManifestStore;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  store = await openManifestStore(nc, { lattice: 'storetest' });
});
afterAll(async () => {
  await nc?.close();
  await nats?.close();
});

describe('manifest store', () => {
  it('appends versions in insertion order, assigns a ULID when missing, refuses duplicates and latest', async () => {
    const a = await store.put(manifest('ordered', '2'));
    expect(a).toMatchObject({ ok: true, created: true, totalVersions: 1, previousVersion: '' });
    expect(await store.put(manifest('ordered', '1'))).toMatchObject({
      ok: true,
      created: false,
      totalVersions: 2,
      previousVersion: '2',
    });
    const u = await store.put(manifest('ordered'));
    expect(u.ok && isUlid(u.version)).toBe(true);
    expect(await store.put(manifest('ordered', '1'))).toEqual({
      ok: false,
      message: 'Manifest version 1 already exists',
    });
    expect((await store.put(manifest('ordered', 'latest'))).ok).toBe(false);
    const app = await store.get('ordered');
    expect(app!.versions.map((v) => v.version)).toEqual(['2', '1', u.ok ? u.version : '']);
    expect(app!.versions[2].manifest.metadata.annotations?.version).toBe(u.ok ? u.version : '');
    expect((await store.list()).map((x) => x.name)).toContain('ordered');
  });

  it('deploys latest or a version, records deploy history, undeploys, and deletes with index upkeep', async () => {
    await store.put(manifest('dep', 'v1'));
    await store.put(manifest('dep', 'v2'));
    expect(await store.deploy('dep')).toMatchObject({ kind: 'deployed', version: 'v2' });
    expect(await store.deploy('dep', 'v1')).toMatchObject({ kind: 'deployed', version: 'v1' });
    expect(await store.deploy('dep', 'nope')).toEqual({ kind: 'noversion', name: 'dep', version: 'nope' });
    expect(await store.deploy('ghost')).toEqual({ kind: 'notfound', name: 'ghost' });
    const app = await store.get('dep');
    expect(app!.deployed_version).toBe('v1');
    expect(app!.deploy_history.map((h) => h.version)).toEqual(['v2', 'v1']);
    expect(await store.undeploy('dep')).toEqual({ kind: 'undeployed', name: 'dep' });
    expect(await store.undeploy('dep')).toEqual({ kind: 'already', name: 'dep' });
    await store.deploy('dep', 'v2');
    expect(await store.delete('dep', 'v2')).toMatchObject({ kind: 'deleted', whole: false, undeploy: true });
    expect((await store.get('dep'))!.deployed_version).toBeNull();
    expect(await store.delete('dep', 'v9')).toMatchObject({ kind: 'noop', whole: false });
    expect(await store.delete('dep', 'v1')).toMatchObject({ kind: 'deleted', whole: true, undeploy: true });
    expect(await store.get('dep')).toBeNull();
    expect((await store.list()).map((x) => x.name)).not.toContain('dep');
    expect(await store.delete('dep')).toMatchObject({ kind: 'noop', whole: true });
    // re-create after delete works (create over a purge tombstone)
    expect(await store.put(manifest('dep', 'v1'))).toMatchObject({ ok: true, created: true });
  });

  it('guards: explicit id collisions and unresolved shared references', async () => {
    await store.put(
      manifest('owner', 'v1', [{ name: 'http', type: 'capability', properties: { image: 'x', id: 'shared-id' } }]),
    );
    await store.deploy('owner');
    await store.put(
      manifest('thief', 'v1', [{ name: 'h2', type: 'capability', properties: { image: 'y', id: 'shared-id' } }]),
    );
    expect(await store.deploy('thief')).toMatchObject({
      kind: 'rejected',
      message: "Component identifier 'shared-id' is already deployed in a different application 'owner'.",
    });
    const consumer = manifest('consumer', 'v1', [
      {
        name: 'web',
        type: 'capability',
        properties: { application: { name: 'provider-app', component: 'httpserver' } },
      },
    ]);
    const put = await store.put(consumer);
    expect(put).toMatchObject({ ok: true, missingShared: ['web'] });
    expect(await store.deploy('consumer')).toMatchObject({
      kind: 'rejected',
      message: 'Application contains shared components that are not deployed in other applications: ["web"]',
    });
    const provider = manifest('provider-app', 'v1', [
      { name: 'httpserver', type: 'capability', properties: { image: 'z' } },
    ]);
    provider.metadata.annotations!['experimental.wasmcloud.dev/shared'] = 'true';
    await store.put(provider);
    expect((await store.deploy('consumer')).kind).toBe('rejected'); // provider not deployed yet
    await store.deploy('provider-app');
    expect((await store.deploy('consumer')).kind).toBe('deployed');
  });

  it('watch reports changes of this lattice only', async () => {
    const other = await openManifestStore(nc, { lattice: 'otherlattice' });
    const seen: StoreChange[] = [];
    const w = await store.watch((c) => seen.push(c), { updatesOnly: true });
    await other.put(manifest('elsewhere', 'v1'));
    await store.put(manifest('watched', 'v1'));
    await store.delete('watched');
    const deadline = Date.now() + 3000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    w.stop();
    expect(seen.map((c) => [c.name, c.app === null])).toEqual([
      ['watched', false],
      ['watched', true],
    ]);
  });
});

describe('listing many apps', () => {
  it('one pass over the bucket gives what a get per app gives (deleted, redeployed and other lattices alike)', async () => {
    const many = await openManifestStore(nc, { lattice: 'bulk' });
    const names = Array.from({ length: 40 }, (_, i) => `app${String(i).padStart(2, '0')}`);
    for (const n of names) expect(await many.put(manifest(n, 'v1'))).toMatchObject({ ok: true });
    await many.put(manifest('app03', 'v2'));
    await many.deploy('app03', 'v1');
    await many.deploy('app07');
    await many.delete('app11');
    // Another lattice's app whose key starts like ours; ours has no `x-y`.
    const other = await openManifestStore(nc, { lattice: 'bulk-x' });
    expect(await other.put(manifest('y', 'w1'))).toMatchObject({ ok: true });

    const perApp = manifestStoreOn(await openManifestBucket(nc), { lattice: 'bulk' });
    const bulk = await many.list();
    expect(bulk.map((a) => a.name)).toEqual(names.filter((n) => n !== 'app11'));
    expect(bulk).toEqual(await perApp.list());
    expect(bulk.find((a) => a.name === 'app03')).toMatchObject({ deployed_version: 'v1' });
    expect(bulk.find((a) => a.name === 'app07')?.deploy_history).toHaveLength(1);
  });
});

describe('apps of different lattices under one KV key ({lattice}-{name})', () => {
  it('refuses the second writer, keeps the first app whole, and delete/deploy touch only their own', async () => {
    const rel8 = await openManifestStore(nc, { lattice: 'rel8' });
    const rel8x = await openManifestStore(nc, { lattice: 'rel8-x' });
    expect(await rel8.put(manifest('x-y', 'v1'))).toMatchObject({ ok: true });
    const refused = await rel8x.put(manifest('y', 'w1'));
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.message).toBe(
      "app name 'y' cannot be stored in lattice 'rel8-x': its storage key 'rel8-x-y' already holds app 'x-y' of lattice 'rel8' (wadm keys are {lattice}-{name}); choose another app name",
    );
    expect(await rel8x.get('y')).toBeNull();
    expect(await rel8x.list()).toEqual([]);
    expect(await rel8x.deploy('y')).toEqual({ kind: 'notfound', name: 'y' });
    expect(await rel8x.undeploy('y')).toEqual({ kind: 'notfound', name: 'y' });
    expect(await rel8x.delete('y')).toMatchObject({ kind: 'noop', whole: true });
    const kept = await rel8.get('x-y');
    expect(kept!.versions.map((v) => v.version)).toEqual(['v1']);
    expect(kept!.owner).toEqual({ lattice: 'rel8', name: 'x-y' });
    expect((await rel8.list()).map((a) => a.name)).toEqual(['x-y']);
    expect(await rel8.delete('x-y')).toMatchObject({ kind: 'deleted', whole: true });
    // Once the key is free, the other lattice may use it.
    expect(await rel8x.put(manifest('y', 'w1'))).toMatchObject({ ok: true, created: true });
    expect(await rel8.get('x-y')).toBeNull();
    expect(await rel8.put(manifest('x-y', 'v2'))).toMatchObject({ ok: false });
    expect((await rel8x.get('y'))!.versions.map((v) => v.version)).toEqual(['w1']);
  });

  it('tells whose a record Rust wadm wrote (no owner) is from the lattice indexes', async () => {
    const kv = await openManifestBucket(nc);
    const legacy = JSON.stringify({ manifests: { v1: manifest('b-c', 'v1') }, deployed_version: null });
    await kv.put('leg-b-c', legacy);
    await kv.put('leg', JSON.stringify(['b-c']));
    const legB = await openManifestStore(nc, { lattice: 'leg-b' });
    expect(await legB.get('c')).toBeNull();
    expect(await legB.put(manifest('c', 'v9'))).toMatchObject({ ok: false });
    expect(await legB.delete('c')).toMatchObject({ kind: 'noop' });
    const leg = await openManifestStore(nc, { lattice: 'leg' });
    expect((await leg.get('b-c'))!.versions.map((v) => v.version)).toEqual(['v1']);
    expect(await leg.put(manifest('b-c', 'v2'))).toMatchObject({ ok: true, totalVersions: 2 });
    expect((await leg.get('b-c'))!.owner).toEqual({ lattice: 'leg', name: 'b-c' });
  });
});
