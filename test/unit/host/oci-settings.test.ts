import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostOciOptionsFromFlags, hostOptionsFromFlags } from '../../../src/host/settings.js';
import { hostEnv } from '../../../src/up/host-process.js';
import { UP_DEFAULTS, validateUpOptions, type UpOptions } from '../../../src/up/options.js';
import { upOptionsFromFlags, type UpFlagValues } from '../../../src/up/settings.js';
import { makeTestCa } from '../../helpers/tls-ca.js';

const dir = mkdtempSync(join(tmpdir(), 'wash-oci-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pem = makeTestCa(dir).caFile;
const notPem = join(dir, 'not.pem');
writeFileSync(notPem, 'not a certificate\n');
const brokenPem = join(dir, 'broken.pem');
writeFileSync(brokenPem, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');

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

  it('--oci-tls-ca-file: checked at start (readable PEM), kept as an absolute path', () => {
    expect(hostOciOptionsFromFlags({ 'oci-tls-ca-file': pem }).caFile).toBe(pem);
    expect(() => hostOciOptionsFromFlags({ 'oci-tls-ca-file': join(dir, 'nope.pem') })).toThrow(
      /cannot read the registry CA file .*nope\.pem given by --oci-tls-ca-file \(WASMCLOUD_OCI_TLS_CA_FILE\)/,
    );
    expect(() => hostOciOptionsFromFlags({ 'oci-tls-ca-file': notPem })).toThrow(/holds no PEM certificate/);
    expect(() => hostOciOptionsFromFlags({ 'oci-tls-ca-file': brokenPem })).toThrow(
      /certificate 1 in the registry CA file .*broken\.pem .* is not a valid X\.509 certificate/,
    );
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
          caFile: '/etc/wash/registry-ca.pem',
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
      WASMCLOUD_OCI_TLS_CA_FILE: '/etc/wash/registry-ca.pem',
    });
    expect(Object.keys(hostEnv(base, 'SEED', {})).filter((k) => k.startsWith('WASMCLOUD_OCI_'))).toEqual([]);
  });

  it('validates mirrors and logins before starting anything', () => {
    expect(() => validateUpOptions({ ...base, oci: { mirrors: ['nope'] } })).toThrow(/--registry-mirror 'nope'/);
    expect(() => validateUpOptions({ ...base, oci: { user: 'me' } })).toThrow(/need --oci-registry/);
    expect(() => validateUpOptions({ ...base, oci: { caFile: join(dir, 'missing.pem') } })).toThrow(
      /cannot read the registry CA file .*missing\.pem given by --oci-tls-ca-file/,
    );
  });

  it('wash up: a relative --oci-tls-ca-file is made absolute (hosts run elsewhere)', () => {
    const flags: UpFlagValues = {
      'nats-connect-only': false,
      hosts: 1,
      'allow-file-load': false,
      'multi-local': false,
      'log-level': 'info',
      'enable-structured-logging': false,
      'disable-wadm': false,
      detached: false,
      'host-ready-timeout-ms': 30_000,
      'oci-tls-ca-file': 'wash-test-ca.crt',
    };
    expect(upOptionsFromFlags(flags, {}, {}, dir).oci?.caFile).toBe(pem);
  });
});
