/**
 * What the capability tests share: providers started and announced, and a test component scaled on a host and
 * served by the built-in http-server on a free port, reached with plain `fetch`.
 */
import type { WashHost } from '../../../src/host/index.js';
import type { CtlClient } from '../../../src/lattice/ctl-client.js';
import { freePort } from '../../../src/up/nats-server.js';
import { type EventLog, waitUntil } from '../host/helpers.js';

export interface Reply {
  status: number;
  body: string;
}

/** `provider.start` on `host`, then waits for `provider_started`. */
export async function startProvider(
  client: CtlClient,
  events: EventLog,
  host: WashHost,
  id: string,
  ref: string,
): Promise<void> {
  await client.startProvider({ provider_id: id, provider_ref: ref, host_id: host.id, config: [] });
  await events.waitFor(
    (e) => e.name === 'provider_started' && e.data.provider_id === id,
    10_000,
    `provider_started ${id}`,
  );
}

export interface ServedApp {
  base: string;
  call(method: string, path: string, body?: string): Promise<Reply>;
}

/**
 * Scales `componentId` from `componentRef` to `count` instances, starts the built-in http-server (`http-server`)
 * with a link to it and waits until `readyPath` answers 404 (the app's "no such route").
 */
export async function serveApp(
  client: CtlClient,
  events: EventLog,
  host: WashHost,
  opts: { componentId: string; componentRef: string; count: number; readyPath: string; callTimeoutMs: number },
): Promise<ServedApp> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body?: string): Promise<Reply> => {
    const res = await fetch(`${base}${path}`, { method, body, signal: AbortSignal.timeout(opts.callTimeoutMs) });
    return { status: res.status, body: await res.text() };
  };
  const id = opts.componentId;
  await client.putConfig(`${id}-http`, { address: `127.0.0.1:${port}` });
  await client.scaleComponent({
    component_ref: opts.componentRef,
    component_id: id,
    count: opts.count,
    host_id: host.id,
    config: [],
    allow_update: false,
    annotations: {},
  });
  await events.waitFor(
    (e) => e.name === 'component_scaled' && e.data.component_id === id,
    120_000,
    `component_scaled ${id}`,
  );
  await startProvider(client, events, host, 'http-server', 'wasmcloud+builtin://http-server');
  const linked = await client.putLink({
    source_id: 'http-server',
    target: id,
    name: 'default',
    wit_namespace: 'wasi',
    wit_package: 'http',
    interfaces: ['incoming-handler'],
    source_config: [`${id}-http`],
    target_config: [],
  });
  if (linked.message !== 'successfully set link') throw new Error(`http link to ${id}: ${linked.message}`);
  await waitUntil(
    async () => ((await call('GET', opts.readyPath).catch(() => undefined))?.status === 404 ? true : undefined),
    30_000,
    `${id} served`,
  );
  return { base, call };
}
