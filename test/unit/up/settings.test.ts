import { describe, expect, it } from 'vitest';
import { upOptionsFromFlags, type UpFlagValues } from '../../../src/up/settings.js';

const base: UpFlagValues = {
  'nats-connect-only': false,
  hosts: 1,
  'allow-file-load': false,
  'multi-local': false,
  'log-level': 'info',
  'enable-structured-logging': false,
  'disable-wadm': false,
  detached: false,
  'host-ready-timeout-ms': 30_000,
};

describe('upOptionsFromFlags', () => {
  it('flags win over the context, the context over defaults', () => {
    const o = upOptionsFromFlags(
      { ...base, 'nats-port': 4333 },
      { lattice: 'ctx-lattice', ctl_host: '10.0.0.1', ctl_port: 4999, js_domain: 'd' },
      {},
    );
    expect(o).toMatchObject({
      lattice: 'ctx-lattice',
      natsHost: '10.0.0.1',
      natsPort: 4333,
      hostJsDomain: 'd',
      ctlTopicPrefix: 'wasmbus.ctl',
    });
    expect(upOptionsFromFlags(base, {}, {})).toMatchObject({
      lattice: 'default',
      natsHost: '127.0.0.1',
      natsPort: 4222,
      labels: {},
    });
  });

  it('parses labels, honours WASMCLOUD_CTL_TOPIC_PREFIX and validates', () => {
    const o = upOptionsFromFlags(
      { ...base, label: ['zone=eu', 'tier=a=b'], 'host-seed': '' },
      {},
      { WASMCLOUD_CTL_TOPIC_PREFIX: 'x.ctl' },
    );
    expect(o.labels).toEqual({ zone: 'eu', tier: 'a=b' });
    expect(o.hostSeed).toBeUndefined();
    expect(o.ctlTopicPrefix).toBe('x.ctl');
    expect(() => upOptionsFromFlags({ ...base, hosts: 0 }, {}, {})).toThrow(/--hosts 0 must be between 1 and 32/);
    expect(() => upOptionsFromFlags({ ...base, label: ['hostcore.os=x'] }, {}, {})).toThrow(
      /reserved hostcore\. prefix/,
    );
  });
});
