/**
 * A wadm whose JetStream buckets and streams vanish under it (`wash down --purge-jetstream` by someone else, an
 * operator deleting them) recreates them on the next request and keeps serving instead of timing out forever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsConnect } from '../../../src/lattice/connect.js';
import { startWadm, type Wadm } from '../../../src/wadm/index.js';
import { WadmClient } from '../../../src/wadm/client/index.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { manifestYaml } from './helpers.js';

let nats: TestNats | undefined;
let nc: NatsConnection | undefined;
let wadm: Wadm | undefined;
afterEach(async () => {
  await wadm?.close();
  await nc?.close();
  await nats?.close();
  wadm = nc = nats = undefined;
});

async function deleteEveryStream(conn: NatsConnection): Promise<string[]> {
  const jsm = await jetstreamManager(conn);
  const names: string[] = [];
  for await (const s of jsm.streams.names()) names.push(s);
  for (const s of names) await jsm.streams.delete(s);
  return names.sort();
}

describe('wadm after its buckets vanish', () => {
  it('recreates them and keeps answering every API call', async () => {
    nats = await startTestNats();
    nc = await natsConnect(nats.url);
    wadm = await startWadm(nc, { lattices: ['default'] });
    await wadm.ready;
    const client = new WadmClient(nc, 'default', { timeoutMs: 5000 });
    await client.put(manifestYaml('before', 'v1'));
    expect((await client.list()).map((m) => m.name)).toEqual(['before']);

    const deleted = await deleteEveryStream(nc);
    expect(deleted).toEqual(expect.arrayContaining(['KV_wadm_manifests', 'wadm_status']));

    expect(await client.list()).toEqual([]);
    await client.put(manifestYaml('after', 'v1'));
    expect((await client.list()).map((m) => m.name)).toEqual(['after']);
    await client.deploy('after');
    const status = await client.status('after');
    expect(status.status.type).toBeDefined();
    expect(await client.get('after')).toMatchObject({ metadata: { name: 'after' } });
    await client.undeploy('after');
    await client.delete('after');
    expect(await client.list()).toEqual([]);
  });
});
