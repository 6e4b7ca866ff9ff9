import { describe, expect, it } from 'vitest';
import {
  fileLoadSettings,
  hostOptionsFromFlags,
  normalizeAllowFileLoadArgv,
  parseSeconds,
} from '../../../src/host/settings.js';

describe('hostOptionsFromFlags', () => {
  it('natsShorthand_appliesToBothConnections_specificWins', () => {
    const o = hostOptionsFromFlags(
      { 'nats-host': '10.0.0.1', 'nats-port': 4000, 'rpc-port': 5000, 'nats-jwt': 'J' },
      {},
    );
    expect(o.ctl).toEqual({ host: '10.0.0.1', port: 4000, jwt: 'J' });
    expect(o.rpc).toEqual({ host: '10.0.0.1', port: 5000, jwt: 'J' });
  });

  it('natsUrl_usedUnlessHostOrPortGiven', () => {
    const o = hostOptionsFromFlags({ 'nats-url': 'nats://x:1', 'rpc-host': 'y' }, {});
    expect(o.ctl).toEqual({ url: 'nats://x:1' });
    expect(o.rpc).toEqual({ host: 'y' });
  });

  it('argvBeatsEnvOnly_natsUrlOrNatsPortOnArgv_winOverCtlRpcVariables', () => {
    const fromEnv = { 'ctl-host': '127.0.0.1', 'ctl-port': 1, 'rpc-host': '127.0.0.1', 'rpc-port': 1 };
    const url = hostOptionsFromFlags({ ...fromEnv, 'nats-url': 'nats://x:7', explicit: new Set(['nats-url']) }, {});
    expect(url.ctl).toEqual({ url: 'nats://x:7', host: '127.0.0.1', port: 1 });
    expect(url.rpc).toEqual({ url: 'nats://x:7', host: '127.0.0.1', port: 1 });
    const natsPort = hostOptionsFromFlags({ ...fromEnv, 'nats-port': 4000, explicit: new Set(['nats-port']) }, {});
    expect(natsPort.ctl).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(natsPort.rpc).toEqual({ host: '127.0.0.1', port: 4000 });
    // Both on argv: the specific one wins, as without the environment.
    const both = hostOptionsFromFlags(
      { ...fromEnv, 'nats-port': 4000, 'ctl-port': 5000, explicit: new Set(['nats-port', 'ctl-port']) },
      {},
    );
    expect(both.ctl?.port).toBe(5000);
    expect(both.rpc?.port).toBe(4000);
  });

  it('labels_fromEnvAndFlags_flagsWin', () => {
    const o = hostOptionsFromFlags(
      { label: ['zone=b', 'tier=gold'] },
      { WASMCLOUD_LABEL_zone: 'a', WASMCLOUD_LABEL_region: 'eu' },
    );
    expect(o.labels).toEqual({ zone: 'b', region: 'eu', tier: 'gold' });
  });

  it('labels_hostcoreRejected_fromFlagOrEnv', () => {
    expect(() => hostOptionsFromFlags({ label: ['hostcore.os=x'] }, {})).toThrow(/--label may not set 'hostcore.os'/);
    expect(() => hostOptionsFromFlags({}, { 'WASMCLOUD_LABEL_HOSTCORE.arch': 'x' })).toThrow(/WASMCLOUD_LABEL_/);
  });

  it('defaults_andValidation', () => {
    const o = hostOptionsFromFlags({}, {});
    expect(o).toMatchObject({
      lattice: 'default',
      allowFileLoad: false,
      logLevel: 'info',
      componentAuctions: true,
      providerAuctions: true,
    });
    expect(o.heartbeatIntervalMs).toBeUndefined();
    expect(hostOptionsFromFlags({ 'heartbeat-interval': '1.5' }, {}).heartbeatIntervalMs).toBe(1500);
    expect(() => hostOptionsFromFlags({ 'log-level': 'loud' }, {})).toThrow(/--log-level/);
    expect(() => hostOptionsFromFlags({ lattice: 'a.b' }, {})).toThrow(/--lattice/);
    expect(() => hostOptionsFromFlags({ 'ctl-port': 70000 }, {})).toThrow(/--ctl-port/);
    expect(() => hostOptionsFromFlags({ 'max-components': 0 }, {})).toThrow(/--max-components/);
  });

  it('parseSeconds_acceptsSuffixRejectsGarbage', () => {
    expect(parseSeconds('30s', '--x')).toBe(30_000);
    expect(() => parseSeconds('soon', '--x')).toThrow(/--x must be a positive number of seconds/);
  });
});

describe('--allow-file-load', () => {
  it('argv_valueFormBecomesDirList_bareAndBooleansKept', () => {
    expect(normalizeAllowFileLoadArgv(['--allow-file-load', '-x', 'a'])).toEqual(['--allow-file-load', '-x', 'a']);
    expect(normalizeAllowFileLoadArgv(['--allow-file-load=/a,b'])).toEqual(['--allow-file-load-dirs=/a,b']);
    expect(normalizeAllowFileLoadArgv(['--allow-file-load=true', '--allow-file-load=false'])).toEqual([
      '--allow-file-load',
      '--no-allow-file-load',
    ]);
    expect(normalizeAllowFileLoadArgv(['--', '--allow-file-load=/x'])).toEqual(['--', '--allow-file-load=/x']);
  });

  it('settings_fromFlagsThenEnv', () => {
    expect(fileLoadSettings({}, {})).toEqual({ allowFileLoad: false });
    expect(fileLoadSettings({ 'allow-file-load': true }, {})).toEqual({ allowFileLoad: true });
    expect(fileLoadSettings({ 'allow-file-load-dirs': 'a, /b' }, {}, '/cwd')).toEqual({
      allowFileLoad: true,
      allowFileLoadDirs: ['/cwd/a', '/b'],
    });
    expect(fileLoadSettings({}, { WASMCLOUD_ALLOW_FILE_LOAD: 'true' })).toEqual({ allowFileLoad: true });
    expect(fileLoadSettings({}, { WASMCLOUD_ALLOW_FILE_LOAD: 'false' })).toEqual({ allowFileLoad: false });
    expect(fileLoadSettings({}, { WASMCLOUD_ALLOW_FILE_LOAD: '/srv/c' })).toEqual({
      allowFileLoad: true,
      allowFileLoadDirs: ['/srv/c'],
    });
    expect(fileLoadSettings({ 'allow-file-load': false }, { WASMCLOUD_ALLOW_FILE_LOAD: '/srv/c' })).toEqual({
      allowFileLoad: false,
    });
    expect(() => fileLoadSettings({ 'allow-file-load-dirs': ' , ' }, {})).toThrow(
      /--allow-file-load names no directory/,
    );
  });
});
