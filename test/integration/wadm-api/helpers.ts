import type { NatsConnection } from '@nats-io/transport-node';

/** A valid manifest as YAML text (one component, one capability, a link), optionally without a version. */
export function manifestYaml(
  name: string,
  version?: string,
  opts: { description?: string; image?: string } = {},
): string {
  const annotations = [
    version ? `    version: ${version}` : '',
    opts.description ? `    description: ${JSON.stringify(opts.description)}` : '',
  ].filter(Boolean);
  return [
    'apiVersion: core.oam.dev/v1beta1',
    'kind: Application',
    'metadata:',
    `  name: ${name}`,
    annotations.length ? '  annotations:' : '  annotations: {}',
    ...annotations,
    'spec:',
    '  components:',
    '    - name: hello',
    '      type: component',
    '      properties:',
    `        image: ${opts.image ?? 'ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0'}`,
    '      traits:',
    '        - type: spreadscaler',
    '          properties:',
    '            instances: 1',
    '    - name: httpserver',
    '      type: capability',
    '      properties:',
    '        image: ghcr.io/wasmcloud/http-server:0.23.2',
    '      traits:',
    '        - type: link',
    '          properties:',
    '            namespace: wasi',
    '            package: http',
    '            interfaces: [incoming-handler]',
    '            target:',
    '              name: hello',
    '',
  ].join('\n');
}

export async function request<T = Record<string, unknown>>(
  nc: NatsConnection,
  subject: string,
  body?: string | object,
  headers?: Record<string, string>,
): Promise<T> {
  const { headers: mkHeaders } = await import('@nats-io/transport-node');
  const data =
    body === undefined
      ? new Uint8Array()
      : new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
  let h;
  if (headers) {
    h = mkHeaders();
    for (const [k, v] of Object.entries(headers)) h.set(k, v);
  }
  const msg = await nc.request(subject, data, { timeout: 5000, ...(h ? { headers: h } : {}) });
  return JSON.parse(new TextDecoder().decode(msg.data)) as T;
}

/** Collects CloudEvents published on a subject (wadm.evt.…). */
export function collectEvents(
  nc: NatsConnection,
  subject: string,
): { events: Array<Record<string, any>>; stop(): void } {
  const events: Array<Record<string, any>> = [];
  const sub = nc.subscribe(subject, {
    callback: (_e, m) => {
      events.push(JSON.parse(new TextDecoder().decode(m.data)));
    },
  });
  return { events, stop: () => sub.unsubscribe() };
}

export async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
