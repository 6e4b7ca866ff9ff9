import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { applyInventory, createLatticeState } from '../../../src/wadm/engine/state.js';
import { openStateBucket, writeMirror } from '../../../src/wadm/engine/state-mirror.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';

describe('state mirror (wadm_state in Rust wadm layout)', () => {
  let nats: TestNats;
  let nc: NatsConnection;
  beforeAll(async () => {
    nats = await startTestNats();
    nc = await natsConnect(nats.url);
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.close();
  });

  function stateWith(components: number) {
    const state = createLatticeState();
    applyInventory(
      state,
      {
        host_id: 'NHOSTMIRROR',
        friendly_name: 'mirror-host',
        labels: {},
        version: '1.0.0',
        uptime_seconds: 1,
        uptime_human: '1s',
        issuer: '',
        components: Array.from({ length: components }, (_, i) => ({
          id: `app${i}-component`,
          name: `app${i}`,
          image_ref: `ghcr.io/example/component-${i}:1.0.0`,
          max_instances: 1,
          annotations: { 'wasmcloud.dev/appspec': `app${i}` },
          revision: 0,
        })),
        providers: [],
      },
      Date.now(),
    );
    return state;
  }

  it('documentOverPayloadLimit_isLeftOutAndNamed_othersStillWritten', async () => {
    const kv = await openStateBucket(nc);
    // 300 components make a component document of tens of KB; a 16 KB limit admits the host document only.
    const { skipped } = await writeMirror(kv, stateWith(300), 'big', 16 * 1024);
    expect(skipped.map((s) => s.key)).toEqual(['component_big']);
    expect(skipped[0]!.bytes).toBeGreaterThan(16 * 1024);
    const hosts = (await kv.get('host_big'))?.json<Record<string, { components: Record<string, number> }>>();
    expect(Object.keys(hosts?.NHOSTMIRROR?.components ?? {})).toHaveLength(300);
    expect(await kv.get('component_big')).toBeNull();
    expect((await kv.get('provider_big'))?.json()).toEqual({});
  });

  it('documentsWithinLimit_allWritten', async () => {
    const kv = await openStateBucket(nc);
    const { skipped } = await writeMirror(kv, stateWith(3), 'small', nc.info!.max_payload);
    expect(skipped).toEqual([]);
    const components = (await kv.get('component_small'))?.json<Record<string, { reference: string }>>();
    expect(components?.['app2-component']?.reference).toBe('ghcr.io/example/component-2:1.0.0');
  });
});
