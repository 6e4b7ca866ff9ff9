import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WashHost } from '../../../src/host/index.js';
import type { CtlClient } from '../../../src/lattice/ctl-client.js';
import type { WrpcTransport } from '../../../src/wrpc/transport.js';
import type { FunctionType } from '../../../src/wrpc/types.js';
import type { TestNats } from '../../helpers/nats.js';
import { type EventLog, testHost, waitUntil } from '../host/helpers.js';
import { startTestLattice, type TestLattice } from './lattice.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const lattice = 'provproc';
const GREET = 'example:greeter/greet@0.1.0';
const greetSig: FunctionType = { params: [{ name: 'name', type: 'string' }], results: ['string'] };
const listSig: FunctionType = { params: [], results: [{ list: 'string' }] };

let lat: TestLattice;
let nats: TestNats;
let events: EventLog;
let client: CtlClient;
let host: WashHost;
let t: WrpcTransport;
const dir = mkdtempSync(join(tmpdir(), 'wash-provider-it-'));

/** An executable for a file:// ref (the host clears the environment, so absolute paths only). */
function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return `file://${path}`;
}
const node = process.execPath;
const greeterRef = script('greeter', `exec "${node}" "${join(ROOT, 'test', 'fixtures', 'providers', 'greeter.mjs')}"`);
const crasherRef = script('crasher', 'exit 3');
const stubbornRef = script('stubborn', `exec "${node}" -e "process.on('SIGTERM',()=>{}); setInterval(()=>{},1000)"`);

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function greet(name: string, headers: Record<string, string> = { 'source-id': 'tester' }) {
  return t.invoke(`${lattice}.greeter`, GREET, 'greet', greetSig, [name], { headers, timeoutMs: 5000 });
}

beforeAll(async () => {
  lat = await startTestLattice(lattice, [
    {
      providerRestartBackoff: { initialMs: 200, maxMs: 800, resetAfterMs: 60_000 },
      providerStopGraceMs: 1_000,
    },
  ]);
  ({ nats, events, client, transport: t } = lat);
  host = lat.hosts[0];
});

afterAll(async () => {
  await lat?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('provider processes started by the wash host', () => {
  it('a TypeScript provider (SDK) from file:// serves its interface, gets links and config, calls components back, and is restarted after a crash', async () => {
    await client.putConfig('greeter-config', { greeting: 'Hi' });
    await client.putConfig('style-config', { style: 'loud' });
    await client.startProvider({
      provider_id: 'greeter',
      provider_ref: greeterRef,
      host_id: host.id,
      config: ['greeter-config'],
    });
    await events.waitFor(
      (e) => e.name === 'provider_started' && e.data.provider_id === 'greeter',
      10_000,
      'provider_started',
    );
    await events.waitFor(
      (e) => e.name === 'health_check_passed' && e.data.provider_id === 'greeter',
      20_000,
      'health_check_passed',
    );
    expect(await greet('wasm')).toEqual(['Hi, wasm!']);

    // Launch contract: the environment is cleared (nothing from the test runner leaks in).
    const [envKeys] = await t.invoke(`${lattice}.greeter`, GREET, 'env-keys', listSig, [], {
      headers: { 'source-id': 'x' },
    });
    expect((envKeys as string[]).filter((k) => !['PWD', 'SHLVL', '_'].includes(k))).toEqual([]);

    // A link put after start is pushed (linkdefs.put) with its configs resolved.
    await client.putLink({
      source_id: 'comp-a',
      target: 'greeter',
      name: 'default',
      wit_namespace: 'example',
      wit_package: 'greeter',
      interfaces: ['greet'],
      source_config: [],
      target_config: ['style-config'],
    });
    await waitUntil(
      async () => {
        const [links] = await t.invoke(`${lattice}.greeter`, GREET, 'links', listSig, [], {
          headers: { 'source-id': 'x' },
        });
        return (links as string[]).includes('comp-a->greeter:default') ? true : undefined;
      },
      10_000,
      'the link to reach the provider',
    );
    const whoami: FunctionType = { params: [], results: [{ tuple: ['string', 'string', { option: 'string' }] }] };
    expect(
      await t.invoke(`${lattice}.greeter`, GREET, 'whoami', whoami, [], {
        headers: { 'source-id': 'comp-a', 'link-name': 'default' },
      }),
    ).toEqual([['comp-a', 'default', 'loud']]);

    // Config changes are pushed (config.update).
    await client.putConfig('greeter-config', { greeting: 'Hey' });
    await waitUntil(
      async () => ((await greet('wasm'))[0] === 'Hey, wasm!' ? true : undefined),
      10_000,
      'the new greeting',
    );

    // The provider calls the calling component back (here a component stand-in serving over wRPC).
    const shout = t.serve(`${lattice}.comp-a`, 'example:greeter/callback@0.1.0', 'shout', greetSig, ([n]) => [
      `${String(n).toUpperCase()}!`,
    ]);
    await lat.nc.flush();
    const relay: FunctionType = {
      params: [{ name: 'name', type: 'string' }],
      results: [{ result: { ok: 'string', err: 'string' } }],
    };
    expect(
      await t.invoke(`${lattice}.greeter`, GREET, 'relay', relay, ['wasm'], { headers: { 'source-id': 'comp-a' } }),
    ).toEqual([{ tag: 'ok', val: 'WASM!' }]);
    shout.stop();

    // kill -9: restarted with refreshed HostData (current config and links), counted in the inventory, one event.
    const before = (host as unknown as { inventory(): { providers: Array<Record<string, unknown>> } })
      .inventory()
      .providers.find((p) => p.id === 'greeter');
    expect(before).toMatchObject({ id: 'greeter', restart_count: 0 });
    const pid = await providerPid('greeter');
    process.kill(pid, 'SIGKILL');
    const restarted = await events.waitFor(
      (e) => e.name === 'provider_restarted' && e.data.provider_id === 'greeter',
      10_000,
      'provider_restarted',
    );
    expect(restarted.data).toMatchObject({ restart_count: 1, reason: 'killed by SIGKILL', backoff_ms: 200 });
    await waitUntil(
      async () => ((await greet('again').catch(() => ['']))[0] === 'Hey, again!' ? true : undefined),
      15_000,
      'the restarted provider',
    );
    const [linksAfter] = await t.invoke(`${lattice}.greeter`, GREET, 'links', listSig, [], {
      headers: { 'source-id': 'x' },
    });
    expect(linksAfter).toContain('comp-a->greeter:default');
    const inv = await client.getInventory(host.id);
    expect(inv.providers.find((p) => p.id === 'greeter')).toMatchObject({
      restart_count: 1,
      last_exit_reason: 'killed by SIGKILL',
    });
    const newPid = await providerPid('greeter');
    expect(newPid).not.toBe(pid);

    // A stop request: the provider is asked to shut down, exits, and is never restarted.
    const mark = events.mark();
    await client.stopProvider({ provider_id: 'greeter', host_id: host.id });
    await events.waitFor(
      (e) => e.name === 'provider_stopped' && e.data.provider_id === 'greeter',
      10_000,
      'provider_stopped',
    );
    await waitUntil(async () => (alive(newPid) ? undefined : true), 10_000, 'the provider process to exit');
    await new Promise((r) => setTimeout(r, 1_000)); // > 4× the restart delay: a restart would have happened by now
    expect(events.since(mark).filter((e) => e.name === 'provider_restarted')).toEqual([]);
    expect((await client.getInventory(host.id)).providers.find((p) => p.id === 'greeter')).toBeUndefined();
  });

  it('a crash loop backs off exponentially up to the cap and never hot-loops; stop ends it', async () => {
    const mark = events.mark();
    await client.startProvider({ provider_id: 'crasher', provider_ref: crasherRef, host_id: host.id, config: [] });
    await waitUntil(
      async () => {
        const n = events
          .since(mark)
          .filter((e) => e.name === 'provider_restarted' && e.data.provider_id === 'crasher').length;
        return n >= 5 ? true : undefined;
      },
      20_000,
      '5 restarts of the crashing provider',
    );
    const restarts = events
      .since(mark)
      .filter((e) => e.name === 'provider_restarted' && e.data.provider_id === 'crasher');
    expect(restarts.slice(0, 5).map((e) => (e.data as { backoff_ms: number }).backoff_ms)).toEqual([
      200, 400, 800, 800, 800,
    ]);
    expect(restarts.slice(0, 5).map((e) => (e.data as { restart_count: number }).restart_count)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect((restarts[0].data as { reason: string }).reason).toBe('exited with code 3');
    // Gaps between restarts are at least the backoff (lower bounds only: load can only make them longer).
    const times = restarts.map((e) => Date.parse(e.time!));
    for (let i = 1; i < 5; i++)
      expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(
        (restarts[i].data as { backoff_ms: number }).backoff_ms - 5,
      );
    const inv = await client.getInventory(host.id);
    expect(inv.providers.find((p) => p.id === 'crasher')).toMatchObject({ last_exit_reason: 'exited with code 3' });

    await client.stopProvider({ provider_id: 'crasher', host_id: host.id });
    const stoppedAt = events.mark();
    await new Promise((r) => setTimeout(r, 2_000)); // > 2× the capped delay
    expect(events.since(stoppedAt).filter((e) => e.name === 'provider_restarted')).toEqual([]);
  });

  it('host stop leaves no provider process, killing one that ignores the shutdown request after the grace period', async () => {
    const other = await testHost(nats.url, lattice, { providerStopGraceMs: 500 });
    await client.startProvider({ provider_id: 'stubborn', provider_ref: stubbornRef, host_id: other.id, config: [] });
    await client.startProvider({ provider_id: 'greeter2', provider_ref: greeterRef, host_id: other.id, config: [] });
    await events.waitFor(
      (e) => e.name === 'health_check_passed' && e.data.provider_id === 'greeter2',
      20_000,
      'greeter2 healthy',
    );
    const pids = await Promise.all(['stubborn', 'greeter2'].map((id) => providerPid(id, other)));
    expect(pids.every(alive)).toBe(true);
    await other.stop();
    expect(pids.filter(alive)).toEqual([]);
  });

  it('start failures are reported as provider_start_failed naming the file', async () => {
    await client.startProvider({
      provider_id: 'ghost',
      provider_ref: `file://${join(dir, 'missing')}`,
      host_id: host.id,
      config: [],
    });
    const failed = await events.waitFor(
      (e) => e.name === 'provider_start_failed' && e.data.provider_id === 'ghost',
      10_000,
      'provider_start_failed',
    );
    expect((failed.data as { error: string }).error).toMatch(/cannot run .*missing.*ENOENT/);
  });
});

/** The provider's pid, from the host object (tests only). */
async function providerPid(id: string, h: WashHost = host): Promise<number> {
  const pm = (h as unknown as { providerPid?: (id: string) => number | undefined }).providerPid;
  if (!pm) throw new Error('host does not expose providerPid');
  return waitUntil(async () => pm(id), 5_000, `pid of ${id}`);
}
