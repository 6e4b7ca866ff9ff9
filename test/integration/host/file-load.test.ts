/**
 * `wash host --allow-file-load=<dir>` end to end (the real CLI and runtime): a component inside the directory
 * starts; `/dev/zero`, a FIFO, `/etc/shadow` and a missing file outside it all fail at once with one and the
 * same refusal (no existence or type oracle), and the host stays responsive.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { assertFreshBuild, EventLog, spawnHost, type ChildHost } from './helpers.js';

const lattice = 'fileload';
let nats: TestNats;
let nc: NatsConnection;
let events: EventLog;
let host: ChildHost;
let dir: string;

beforeAll(async () => {
  assertFreshBuild();
  dir = mkdtempSync(join(tmpdir(), 'wash-file-load-'));
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  events = await new EventLog(nc, lattice).start();
  host = await spawnHost(nats.url, lattice, [`--allow-file-load=${dirname(fixturePath('http-hello-v1'))}`]);
});
afterAll(async () => {
  await host?.signal('SIGKILL');
  events?.stop();
  await nc?.close();
  await nats?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('wash host --allow-file-load=<dir>', () => {
  it('loads from the directory only; outside paths are refused alike, devices and FIFOs never read', async () => {
    const fifo = join(dir, 'pipe.wasm');
    execFileSync('mkfifo', [fifo]);
    const client = new CtlClient(nc, { lattice, timeoutMs: 5000 });
    const refs: Record<string, string> = {
      inside: pathToFileURL(fixturePath('http-hello-v1')).href,
      zero: 'file:///dev/zero',
      fifo: pathToFileURL(fifo).href,
      shadow: 'file:///etc/shadow',
      missing: 'file:///etc/no-such-file.wasm',
    };
    for (const [id, ref] of Object.entries(refs)) {
      await client.scaleComponent({
        host_id: host.id,
        component_id: id,
        component_ref: ref,
        count: 1,
        config: [],
        allow_update: false,
      });
    }
    await events.waitFor(
      (e) => e.name === 'component_scaled' && (e.data as { component_id?: string }).component_id === 'inside',
      30_000,
      'inside started',
    );
    const failures: Record<string, string> = {};
    for (const id of ['zero', 'fifo', 'shadow', 'missing']) {
      const e = await events.waitFor(
        (x) => x.name === 'component_scale_failed' && (x.data as { component_id?: string }).component_id === id,
        15_000,
        `${id} refused`,
      );
      failures[id] = String((e.data as { error?: string }).error).replace(refs[id].replace('file://', ''), '<path>');
    }
    expect(new Set(Object.values(failures)).size).toBe(1);
    expect(failures.shadow).toBe(
      '<path> is not inside a directory this host may load files from (--allow-file-load=<dir,…>)',
    );
    expect((await client.pingHosts()).map((h) => h.id)).toContain(host.id);
  });
});
