import { describe, expect, it } from 'vitest';
import { RestartBackoff } from '../../../src/host/provider-process/backoff.js';
import {
  buildHostData,
  encodeHostData,
  providerEnvironment,
  providerLinks,
  resolveLink,
} from '../../../src/host/provider-process/host-data.js';
import { exitReason } from '../../../src/host/provider-process/supervised-provider.js';
import type { Link } from '../../../src/lattice/types.js';

describe('restart backoff', () => {
  it('doubles from 1 s to the 60 s cap for short runs', () => {
    const b = new RestartBackoff();
    expect(Array.from({ length: 9 }, () => b.next(10))).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000,
    ]);
  });
  it('starts over after a run of at least a minute', () => {
    const b = new RestartBackoff();
    b.next(0);
    b.next(0);
    b.next(0);
    expect(b.next(60_000)).toBe(1000);
    expect(b.next(59_999)).toBe(2000);
  });
  it('never overflows for very long crash loops', () => {
    const b = new RestartBackoff({ initialMs: 1, maxMs: 5, resetAfterMs: 100 });
    for (let i = 0; i < 2000; i++) b.next(0);
    expect(b.next(0)).toBe(5);
  });
});

const link = (source_id: string, target: string, extra: Partial<Link> = {}): Link => ({
  source_id,
  target,
  name: 'default',
  wit_namespace: 'example',
  wit_package: 'greeter',
  interfaces: ['greet'],
  source_config: [],
  target_config: [],
  ...extra,
});

describe('HostData (v1 launch contract)', () => {
  it('is base64 JSON with CRLF, carrying links with resolved config', () => {
    const links = providerLinks(
      [link('c1', 'p1', { target_config: ['a', 'b'] }), link('p1', 'c2'), link('c3', 'other')],
      'p1',
    );
    expect(links.map((l) => `${l.source_id}->${l.target}`)).toEqual(['c1->p1', 'p1->c2']);
    const configs: Record<string, Record<string, string>> = { a: { x: '1', y: '1' }, b: { y: '2' } };
    const resolved = links.map((l) => resolveLink(l, (names) => Object.assign({}, ...names.map((n) => configs[n]))));
    expect(resolved[0].target_config).toEqual({ x: '1', y: '2' });
    const data = buildHostData({
      hostId: 'NHOST',
      lattice: 'lat',
      providerId: 'p1',
      rpcUrl: 'nats://127.0.0.1:1',
      links: resolved,
      config: { k: 'v' },
      rpcTimeoutMs: 2000,
    });
    const text = encodeHostData(data);
    expect(text.endsWith('\r\n')).toBe(true);
    const back = JSON.parse(Buffer.from(text.trim(), 'base64').toString('utf8'));
    expect(back).toMatchObject({
      host_id: 'NHOST',
      lattice_rpc_prefix: 'lat',
      provider_key: 'p1',
      link_name: 'default',
      config: { k: 'v' },
      lattice_rpc_url: 'nats://127.0.0.1:1',
    });
    expect(back.link_definitions).toHaveLength(2);
    expect(back.instance_id).toMatch(/^[0-9a-f-]{36}$/);
  });
  it('passes only RUST_LOG, OTEL_* and SYSTEMROOT from the host environment', () => {
    expect(
      providerEnvironment({ PATH: '/bin', HOME: '/h', RUST_LOG: 'debug', OTEL_X: '1', SECRET: 's', SYSTEMROOT: 'C:' }),
    ).toEqual({ RUST_LOG: 'debug', OTEL_X: '1', SYSTEMROOT: 'C:' });
  });
  it('names exits', () => {
    expect(exitReason(3, null)).toBe('exited with code 3');
    expect(exitReason(null, 'SIGKILL')).toBe('killed by SIGKILL');
  });
});
