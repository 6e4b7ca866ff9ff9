/**
 * `wash down` touches only what `wash up` started: with nothing recorded it stops no host (someone else's
 * lattice on the same NATS keeps running), lists the hosts it sees with the commands that would stop them,
 * and refuses to purge JetStream on a server wash did not start unless told to with --force.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { startHost, type WashHost } from '../../../src/host/index.js';
import { silentLogger } from '../../../src/host/log.js';
import { natsConnect } from '../../../src/lattice/connect.js';
import { pingHosts } from '../../../src/up/lattice-probe.js';
import { connectionEnv } from '../../helpers/isolation.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { WashEnv, requireBuild, UP_TEST_TIMEOUT_MS } from './wash-env.js';

let nats: TestNats | undefined;
let host: WashHost | undefined;
let env: WashEnv | undefined;
beforeAll(() => requireBuild());
afterEach(async () => {
  await host?.stop().catch(() => undefined);
  host = undefined;
  await env?.cleanup();
  env = undefined;
  await nats?.close();
  nats = undefined;
});

async function foreignLattice(): Promise<{ url: string; hostId: string }> {
  nats = await startTestNats();
  const url = `nats://127.0.0.1:${nats.port}`;
  host = await startHost({ lattice: 'default', ctl: { url }, logger: silentLogger });
  // An empty data dir whose connection variables all name the test's server (as if it were the default one).
  env = await WashEnv.create(connectionEnv(nats.port));
  return { url, hostId: host.id };
}

async function hostsAnswering(url: string): Promise<string[]> {
  const nc = await natsConnect(url);
  try {
    return (await pingHosts(nc, { ctlPrefix: 'wasmbus.ctl', lattice: 'default', timeoutMs: 2000 })).map((h) => h.id);
  } finally {
    await nc.close();
  }
}

async function streamNames(url: string): Promise<string[]> {
  const nc = await natsConnect(url);
  try {
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const s of jsm.streams.names()) names.push(s);
    return names.sort();
  } finally {
    await nc.close();
  }
}

describe('wash down with nothing recorded', { timeout: UP_TEST_TIMEOUT_MS }, () => {
  it('stops nothing, exits 0, and names the host it sees with the commands that would stop it', async () => {
    const { url, hostId } = await foreignLattice();
    const json = await env!.run(['down', '-o', 'json']);
    expect(json.code, json.stderr).toBe(0);
    expect(json.json).toMatchObject({
      success: true,
      hosts_stopped: [],
      other_hosts: [hostId],
      hosts_remaining: [hostId],
      nats_stopped: false,
      wadm_stopped: false,
    });

    const text = await env!.run(['down']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`\`wash stop host ${hostId}\``);
    expect(text.stdout).toContain(`\`wash down --host-id ${hostId}\``);
    expect(text.stdout).toContain('`wash down --all`');
    expect(await hostsAnswering(url)).toEqual([hostId]);
  });

  it('refuses --purge-jetstream on a NATS server wash did not start unless --force is given', async () => {
    const { url, hostId } = await foreignLattice();
    const before = await streamNames(url);
    expect(before).toContain('KV_LATTICEDATA_default');

    const refused = await env!.run(['down', '-o', 'json', '--purge-jetstream', 'all']);
    expect(refused.code).toBe(1);
    expect(String(refused.errorJson?.error)).toMatch(/was not started by `wash up`/);
    expect(String(refused.errorJson?.suggestion)).toMatch(/--force/);
    expect(await streamNames(url)).toEqual(before);
    expect(await hostsAnswering(url)).toEqual([hostId]);

    // Forced, but a host still runs on the lattice: nothing is deleted under it.
    const busy = await env!.run(['down', '-o', 'json', '--purge-jetstream', 'wasmcloud', '--force']);
    expect(busy.code, busy.stderr).toBe(0);
    expect(busy.json).toMatchObject({ hosts_stopped: [], purged: [] });
    expect(String(busy.json!.warnings)).toMatch(/JetStream was not purged: hosts still run/);
    expect(await streamNames(url)).toEqual(before);

    // Explicit opt-ins: --all stops the foreign host, --force purges.
    const all = await env!.run(['down', '-o', 'json', '--all', '--purge-jetstream', 'wasmcloud', '--force']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.json).toMatchObject({ hosts_stopped: [hostId], hosts_remaining: [], other_hosts: [] });
    expect(all.json!.purged).toEqual(expect.arrayContaining(['KV_LATTICEDATA_default', 'KV_CONFIGDATA_default']));
    expect(await streamNames(url)).not.toContain('KV_LATTICEDATA_default');
  });

  it('with no NATS answering either, says so and exits 0', async () => {
    env = await WashEnv.create();
    const r = await env.run(['down', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ success: true, hosts_stopped: [], other_hosts: [] });
    const all = await env.run(['down', '-o', 'json', '--all']);
    expect(all.code).toBe(1);
    expect(String(all.errorJson?.error)).toMatch(/could not connect to NATS at 127.0.0.1:/);
  });
});
