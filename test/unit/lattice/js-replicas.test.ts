import { describe, expect, it } from 'vitest';
import { hostOptionsFromFlags } from '../../../src/host/settings.js';
import { checkJsReplicas } from '../../../src/lattice/js-replicas.js';
import { hostEnv, hostSpawnSpec } from '../../../src/up/host-process.js';
import { UP_DEFAULTS, validateUpOptions, type UpOptions } from '../../../src/up/options.js';

const up = (over: Partial<UpOptions> = {}): UpOptions => ({
  lattice: 'default',
  natsHost: '127.0.0.1',
  natsPort: 4222,
  natsConnectOnly: false,
  hosts: 1,
  labels: {},
  allowFileLoad: false,
  multiLocal: false,
  logLevel: 'info',
  structuredLogging: false,
  disableWadm: false,
  detached: true,
  hostReadyTimeoutMs: UP_DEFAULTS.hostReadyTimeoutMs,
  ctlTopicPrefix: 'wasmbus.ctl',
  ...over,
});

describe('JetStream replicas (--js-replicas)', () => {
  it('accepts 1 to 5 and leaves the default (undefined) alone', () => {
    expect(checkJsReplicas(undefined)).toBeUndefined();
    for (const n of [1, 3, 5]) expect(checkJsReplicas(n)).toBe(n);
  });

  it('refuses other values naming the flag and the range', () => {
    for (const n of [0, -1, 6, 2.5, Number.NaN])
      expect(() => checkJsReplicas(n)).toThrow(/--js-replicas .* is not a JetStream replica count \(1-5\)/);
    expect(() => checkJsReplicas(9, '--wadm-replicas')).toThrow(/^--wadm-replicas 9/);
  });

  it('wash host: the flag becomes HostOptions.jsReplicas; absent stays absent', () => {
    expect(hostOptionsFromFlags({ 'js-replicas': 3 }, {}).jsReplicas).toBe(3);
    expect('jsReplicas' in hostOptionsFromFlags({}, {})).toBe(false);
    expect(() => hostOptionsFromFlags({ 'js-replicas': 7 }, {})).toThrow(/--js-replicas 7/);
  });

  it('wash up: validated, and handed to every host (flag for wash host, env for another host binary)', () => {
    expect(() => validateUpOptions(up({ jsReplicas: 0 }))).toThrow(/--js-replicas 0/);
    expect(() => validateUpOptions(up({ jsReplicas: 3 }))).not.toThrow();
    const spec = hostSpawnSpec(up({ jsReplicas: 3 }), 'SNSEED', {});
    expect(spec.args.join(' ')).toContain('--js-replicas 3');
    expect(hostEnv(up({ jsReplicas: 3 }), 'SNSEED', {}).WASMCLOUD_JS_REPLICAS).toBe('3');
    expect(hostSpawnSpec(up(), 'SNSEED', {}).args).not.toContain('--js-replicas');
    expect(hostEnv(up(), 'SNSEED', { WASMCLOUD_JS_REPLICAS: '5' }).WASMCLOUD_JS_REPLICAS).toBeUndefined();
  });
});
