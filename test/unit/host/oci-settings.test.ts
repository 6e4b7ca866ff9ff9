import { describe, expect, it } from 'vitest';
import { hostOciOptionsFromFlags, hostOptionsFromFlags } from '../../../src/host/settings.js';
import { hostEnv } from '../../../src/up/host-process.js';
import { UP_DEFAULTS, validateUpOptions, type UpOptions } from '../../../src/up/options.js';

describe('host OCI flags', () => {
  it('maps --allow-latest, --allowed-insecure, --registry-mirror and the login for --oci-registry only', () => {
    expect(
      hostOciOptionsFromFlags({
        'allow-latest': true,
        'allowed-insecure': ['127.0.0.1:5001,localhost', 'http://reg.local'],
        'registry-mirror': ['ghcr.io=127.0.0.1:5001', 'docker.io=mirror.local/hub'],
        'oci-registry': 'oci://ghcr.io',
        'oci-user': 'me',
        'oci-password': 'tok',
      }),
    ).toEqual({
      allowLatest: true,
      allowedInsecure: ['127.0.0.1:5001', 'localhost', 'reg.local'],
      mirrors: { 'ghcr.io': '127.0.0.1:5001', 'docker.io': 'mirror.local/hub' },
      credentials: { 'ghcr.io': { username: 'me', password: 'tok' } },
    });
    expect(hostOptionsFromFlags({}, {}).oci).toEqual({
      allowLatest: undefined,
      allowedInsecure: [],
      mirrors: {},
      credentials: {},
    });
  });

  it('refuses a login without a registry and a malformed mirror, naming the flag', () => {
    expect(() => hostOciOptionsFromFlags({ 'oci-user': 'me', 'oci-password': 'x' })).toThrow(
      /--oci-user\/--oci-password need --oci-registry/,
    );
    expect(() => hostOciOptionsFromFlags({ 'registry-mirror': ['ghcr.io:127.0.0.1'] })).toThrow(
      /--registry-mirror 'ghcr.io:127.0.0.1' is not a registry mapping/,
    );
  });
});

describe('wash up passes OCI settings to hosts through the environment', () => {
  const base: UpOptions = {
    lattice: 'default',
    natsHost: '127.0.0.1',
    natsPort: 4222,
    natsConnectOnly: false,
    hosts: 1,
    labels: {},
    allowFileLoad: true,
    multiLocal: false,
    logLevel: 'info',
    structuredLogging: false,
    disableWadm: false,
    detached: false,
    hostReadyTimeoutMs: UP_DEFAULTS.hostReadyTimeoutMs,
    ctlTopicPrefix: 'wasmbus.ctl',
  };

  it('sets WASMCLOUD_OCI_* only for what was given', () => {
    const env = hostEnv(
      {
        ...base,
        oci: {
          allowLatest: true,
          allowedInsecure: ['a:1', 'b'],
          mirrors: ['ghcr.io=a:1'],
          registry: 'ghcr.io',
          user: 'me',
          password: 'tok',
        },
      },
      'SEED',
      {},
    );
    expect(env).toMatchObject({
      WASMCLOUD_OCI_ALLOW_LATEST: 'true',
      WASMCLOUD_OCI_ALLOWED_INSECURE: 'a:1,b',
      WASMCLOUD_OCI_REGISTRY_MIRRORS: 'ghcr.io=a:1',
      WASMCLOUD_OCI_REGISTRY: 'ghcr.io',
      WASMCLOUD_OCI_REGISTRY_USER: 'me',
      WASMCLOUD_OCI_REGISTRY_PASSWORD: 'tok',
    });
    expect(Object.keys(hostEnv(base, 'SEED', {})).filter((k) => k.startsWith('WASMCLOUD_OCI_'))).toEqual([]);
  });

  it('validates mirrors and logins before starting anything', () => {
    expect(() => validateUpOptions({ ...base, oci: { mirrors: ['nope'] } })).toThrow(/--registry-mirror 'nope'/);
    expect(() => validateUpOptions({ ...base, oci: { user: 'me' } })).toThrow(/need --oci-registry/);
  });
});
