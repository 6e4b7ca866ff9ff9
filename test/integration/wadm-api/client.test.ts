import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsConnect } from '../../../src/lattice/connect.js';
import { startApiServer, type ApiServer } from '../../../src/wadm/api/index.js';
import { armAppWait, NO_WADM_MESSAGE, WadmApiError, WadmClient } from '../../../src/wadm/client/index.js';
import type { Status } from '../../../src/wadm/types.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { manifestYaml } from './helpers.js';

let nats: TestNats;
let nc: NatsConnection;
let server: ApiServer;
let client: WadmClient;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  server = await startApiServer(nc, { lattices: ['default'] });
  client = new WadmClient(nc, 'default', { timeoutMs: 3000 });
});
afterAll(async () => {
  await server?.close();
  await nc?.close();
  await nats?.close();
});

const status = (type: Status['status']['type'], scalers: Status['scalers'] = [], message?: string): Status => ({
  status: message ? { type, message } : { type },
  scalers,
  version: '',
  components: [],
});
async function publishStatus(name: string, s: Status) {
  const { jetstream } = await import('@nats-io/jetstream');
  await jetstream(nc).publish(`wadm.status.default.${name}`, JSON.stringify(s));
}

describe('WadmClient', () => {
  it('covers put/get/list/versions/deploy/undeploy/delete', async () => {
    expect((await client.put(manifestYaml('cl', 'v1'))).result).toBe('created');
    const asJson = JSON.parse(JSON.stringify((await client.get('cl'))!));
    asJson.metadata.annotations.version = 'v2';
    expect(await client.put(asJson)).toMatchObject({ result: 'newversion', current_version: 'v2' });
    expect((await client.get('cl', 'v1'))!.metadata.annotations!.version).toBe('v1');
    expect(await client.get('cl', 'v7')).toBeNull();
    expect((await client.list()).map((m) => m.name)).toEqual(['cl']);
    expect((await client.deploy('cl', 'v1')).version).toBe('v1');
    expect((await client.versions('cl')).versions).toEqual([
      { version: 'v1', deployed: true },
      { version: 'v2', deployed: false },
    ]);
    expect((await client.undeploy('cl', { orphan: true })).result).toBe('acknowledged');
    expect((await client.delete('cl', 'v1')).result).toBe('deleted');
    expect((await client.delete('cl')).result).toBe('deleted');
    expect(await client.get('cl')).toBeNull();
    await expect(client.history('cl')).rejects.toThrow(/not currently supported/);
  });

  it('turns error replies into WadmApiError with every validation error', async () => {
    const broken = manifestYaml('broken', 'v1').replace('    - name: httpserver', '    - name: hello');
    const err = await client.put(broken).catch((e) => e);
    expect(err).toBeInstanceOf(WadmApiError);
    expect(err.message).toBe('Duplicate component name in manifest: hello');
    expect(err.errors.length).toBeGreaterThan(0);
  });

  it('says wadm is not running when nobody answers', async () => {
    const lonely = new WadmClient(nc, 'no-such-lattice', { timeoutMs: 1000 });
    const err = await lonely.list().catch((e) => e);
    expect(err.message).toBe(NO_WADM_MESSAGE);
    expect(err.suggestion).toMatch(/wash up/);
  });

  it('watchStatus yields pushed statuses', async () => {
    const watch = client.watchStatus('watched');
    const got: Status[] = [];
    const done = (async () => {
      for await (const s of watch) {
        got.push(s);
        if (got.length === 2) break;
      }
    })();
    await nc.flush();
    await publishStatus('watched', status('reconciling'));
    await publishStatus('watched', status('compensating' as never));
    await done;
    watch.stop();
    expect(got.map((s) => s.status.type)).toEqual(['reconciling', 'reconciling']);
  });

  it('armAppWait resolves on the target, reports progress, fails with the scaler message, times out', async () => {
    await publishStatus('waited', status('deployed')); // stale status of the previous version
    const progress: string[] = [];
    const w = await armAppWait(client, 'waited', 'deployed', {
      timeoutMs: 5000,
      onProgress: (t) => progress.push(t),
      graceMs: 60_000,
      pollMs: 50,
    });
    setTimeout(
      () =>
        void publishStatus(
          'waited',
          status(
            'reconciling',
            [{ id: '1', kind: 'SpreadScaler', name: 'c', status: { type: 'reconciling' } }],
            'Scaling',
          ),
        ),
      100,
    );
    setTimeout(
      () =>
        void publishStatus(
          'waited',
          status('deployed', [{ id: '1', kind: 'SpreadScaler', name: 'c', status: { type: 'deployed' } }]),
        ),
      300,
    );
    const final = await w.wait();
    expect(final.scalers?.[0].status.type).toBe('deployed');
    expect(progress[0]).toBe('reconciling (0/1 scalers ready): Scaling');

    const f = await armAppWait(client, 'waited', 'deployed', { timeoutMs: 5000, pollMs: 50, graceMs: 60_000 });
    setTimeout(
      () =>
        void publishStatus(
          'waited',
          status('failed', [
            { id: '2', kind: 'LinkScaler', name: 'l', status: { type: 'failed', message: 'target missing' } },
          ]),
        ),
      100,
    );
    await expect(f.wait()).rejects.toThrow('application waited failed: LinkScaler l: target missing');

    const t = await armAppWait(client, 'waited', 'undeployed', { timeoutMs: 300, pollMs: 50 });
    // the unchanged (stale) status is not reported as the outcome
    await expect(t.wait()).rejects.toThrow(/^timed out after 300 ms waiting for application waited to be undeployed$/);
  });
});
