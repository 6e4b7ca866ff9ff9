/**
 * What the wRPC integration tests share: a private nats-server, a client connection with its event log and
 * ctl client, one or more test hosts, a wRPC transport on the client connection, and the calc links.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import type { WashHost } from '../../../src/host/index.js';
import type { HostOptions } from '../../../src/host/options.js';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import type { Link } from '../../../src/lattice/types.js';
import { WrpcTransport } from '../../../src/wrpc/transport.js';
import type { FunctionType } from '../../../src/wrpc/types.js';
import { freePort } from '../../../src/up/nats-server.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { EventLog, testHost } from '../host/helpers.js';

export interface TestLattice {
  nats: TestNats;
  nc: NatsConnection;
  client: CtlClient;
  events: EventLog;
  hosts: WashHost[];
  transport: WrpcTransport;
  /** `provider.start` on `hostId`, then waits until the provider's first health check passes. */
  startHealthyProvider(id: string, ref: string, hostId: string, config?: string[]): Promise<void>;
  /**
   * Starts the built-in http-server `providerId` on `hostId` with a link to `componentId` on a free port;
   * returns the URL (the component may not answer yet).
   */
  serveHttp(hostId: string, providerId: string, componentId: string): Promise<string>;
  /** `component.scale` on `hostId`, then waits for the matching `component_scaled`. */
  scale(hostId: string, id: string, ref: string, count: number): Promise<void>;
  /** Stops everything above, in reverse order. */
  close(): Promise<void>;
}

/** One host per entry of `hosts` (its options on top of testHost's). */
export async function startTestLattice(lattice: string, hosts: HostOptions[] = [{}]): Promise<TestLattice> {
  const nats = await startTestNats();
  const nc = await natsConnect(nats.url);
  const client = new CtlClient(nc, { lattice, timeoutMs: 5000, collectMs: 300 });
  const events = await new EventLog(nc, lattice).start();
  const started = await Promise.all(hosts.map((options) => testHost(nats.url, lattice, options)));
  const transport = await WrpcTransport.open(nc);
  return {
    nats,
    nc,
    client,
    events,
    hosts: started,
    transport,
    async startHealthyProvider(id, ref, hostId, config = []) {
      await client.startProvider({ provider_id: id, provider_ref: ref, host_id: hostId, config });
      await events.waitFor(
        (e) => e.name === 'health_check_passed' && e.data.provider_id === id,
        20_000,
        `${id} healthy`,
      );
    },
    async serveHttp(hostId, providerId, componentId) {
      const port = await freePort();
      await client.putConfig(`${componentId}-http`, { address: `127.0.0.1:${port}` });
      await client.startProvider({
        provider_id: providerId,
        provider_ref: 'wasmcloud+builtin://http-server',
        host_id: hostId,
        config: [],
      });
      await client.putLink({
        source_id: providerId,
        target: componentId,
        name: 'default',
        wit_namespace: 'wasi',
        wit_package: 'http',
        interfaces: ['incoming-handler'],
        source_config: [`${componentId}-http`],
        target_config: [],
      });
      return `http://127.0.0.1:${port}/`;
    },
    async scale(hostId, id, ref, count) {
      await client.scaleComponent({
        host_id: hostId,
        component_id: id,
        component_ref: ref,
        count,
        config: [],
        allow_update: false,
      });
      await events.waitFor(
        (e) => e.name === 'component_scaled' && e.data.component_id === id && e.data.max_instances === count,
        30_000,
        `${id} scaled to ${count}`,
      );
    },
    async close() {
      transport.close();
      await Promise.all(started.map((h) => h.stop()));
      events.stop();
      await nc.close();
      await nats.close();
    },
  };
}

/** `example:calc/calc.add(a: s32, b: s32) -> s32`. */
export const calcAddSig: FunctionType = {
  params: [
    { name: 'a', type: 's32' },
    { name: 'b', type: 's32' },
  ],
  results: ['s32'],
};

/** A `default` link on `example:calc/{iface}` from `source` to `target`. */
export const calcLink = (source: string, target: string, iface: string): Link => ({
  source_id: source,
  target,
  name: 'default',
  wit_namespace: 'example',
  wit_package: 'calc',
  interfaces: [iface],
  source_config: [],
  target_config: [],
});

const FIXTURE_PROVIDERS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'providers');

/**
 * An executable in `dir` that runs the provider fixture `fixture` (e.g. `greeter.mjs`) with this Node; the
 * host clears the environment, hence absolute paths. Returns the launcher's text and path.
 */
export function providerLauncher(dir: string, fixture: string): { path: string; text: string } {
  const path = join(dir, fixture.replace(/\.mjs$/, ''));
  const text = `#!/bin/sh\nexec "${process.execPath}" "${join(FIXTURE_PROVIDERS, fixture)}"\n`;
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return { path, text };
}
