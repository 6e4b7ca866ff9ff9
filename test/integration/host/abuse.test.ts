/**
 * Abuse that used to go wrong (issue 13, defect 5): oversized input must get a short answer instead of a
 * dropped reply (ctl and wadm API), nothing unbounded is echoed, and `__proto__` is an ordinary label key.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WashHost } from '../../../src/host/index.js';
import { createHostLogger } from '../../../src/host/log.js';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import { ctlSubject } from '../../../src/lattice/subjects.js';
import { startApiServer, type ApiServer } from '../../../src/wadm/api/server.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { testHost } from './helpers.js';

const lattice = 'abuse';
let nats: TestNats;
let nc: NatsConnection;
let host: WashHost;
let api: ApiServer;
const logLines: string[] = [];

beforeAll(async () => {
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  host = await testHost(nats.url, lattice, {
    logger: createHostLogger({ level: 'trace', write: (l) => logLines.push(l) }),
  });
  api = await startApiServer(nc, { lattices: [lattice] });
});
afterAll(async () => {
  await api?.close();
  await host?.stop();
  await nc?.close();
  await nats?.close();
});

async function raw(subject: string, payload: string): Promise<{ bytes: number; body: Record<string, unknown> }> {
  const msg = await nc.request(subject, new TextEncoder().encode(payload), { timeout: 5000 });
  return { bytes: msg.data.length, body: JSON.parse(new TextDecoder().decode(msg.data)) as Record<string, unknown> };
}

const huge = 'x'.repeat(1_000_000);

describe('oversized and hostile input', () => {
  it('ctl: a 1 MB component id gets a short error reply, not a timeout; logs stay bounded', async () => {
    const subject = ctlSubject('wasmbus.ctl', lattice, 'component', 'update', host.id);
    const r = await raw(
      subject,
      JSON.stringify({ component_id: huge, new_component_ref: `file:///${huge.slice(0, 40_000)}`, host_id: host.id }),
    );
    expect(r.body.success).toBe(false);
    expect(r.bytes).toBeLessThan(4096);
    expect(String(r.body.message)).toMatch(/more characters\)/);
    expect(Math.max(...logLines.map((l) => l.length))).toBeLessThan(16_384);
  });

  it('ctl: label.put with key __proto__ is stored and shown like any other key', async () => {
    const client = new CtlClient(nc, { lattice, timeoutMs: 5000 });
    const r = await raw(
      ctlSubject('wasmbus.ctl', lattice, 'label', 'put', host.id),
      JSON.stringify({ key: '__proto__', value: 'polluted' }),
    );
    expect(r.body).toMatchObject({ success: true });
    const labels = (await client.getInventory(host.id)).labels;
    expect(Object.hasOwn(labels, '__proto__')).toBe(true);
    // biome-ignore lint/suspicious/noProto: the label named __proto__ must be an ordinary key
    expect(labels['__proto__' as keyof typeof labels]).toBe('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const del = await raw(
      ctlSubject('wasmbus.ctl', lattice, 'label', 'del', host.id),
      JSON.stringify({ key: '__proto__' }),
    );
    expect(del.body).toMatchObject({ success: true, message: 'successfully deleted label' });
  });

  it('wadm API: a 1 MB junk model.put is answered with a short error', async () => {
    for (const junk of [
      `name: ${huge}\n: : [\n`,
      JSON.stringify({
        apiVersion: 'core.oam.dev/v1beta1',
        kind: 'Application',
        metadata: { name: `${huge.slice(0, 900_000)}!`, annotations: {} },
        spec: { components: [] },
      }),
    ]) {
      const r = await raw(`wadm.api.${lattice}.model.put`, junk);
      expect(r.body.result).toBe('error');
      expect(r.bytes).toBeLessThan(64 * 1024);
    }
  });
});
