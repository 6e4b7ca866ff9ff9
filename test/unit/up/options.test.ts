import { describe, expect, it } from 'vitest';
import { hostEnv, hostSpawnSpec, washBin } from '../../../src/up/host-process.js';
import { leafnodeStatusFromLog } from '../../../src/up/leafnode-check.js';
import { lastLines, lineSplitter } from '../../../src/up/log-tail.js';
import {
  UP_DEFAULTS,
  parseLabels,
  upFileLoadSettings,
  validateUpOptions,
  type UpOptions,
} from '../../../src/up/options.js';
import type { UserError } from '../../../src/errors.js';
import { checkPurgeAllowed, otherHostsAdvice, selectHosts } from '../../../src/up/down-policy.js';

function opts(over: Partial<UpOptions> = {}): UpOptions {
  return {
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
    detached: true,
    hostReadyTimeoutMs: UP_DEFAULTS.hostReadyTimeoutMs,
    ctlTopicPrefix: 'wasmbus.ctl',
    ...over,
  };
}

describe('labels', () => {
  it('parses key=value (values may contain =)', () => {
    expect(parseLabels(['zone=a', 'expr=x=y', 'empty='])).toEqual({ zone: 'a', expr: 'x=y', empty: '' });
    expect(parseLabels(undefined)).toEqual({});
  });
  it('rejects malformed and reserved keys, naming the flag', () => {
    expect(() => parseLabels(['novalue'])).toThrow(/--label 'novalue' is not of the form key=value/);
    expect(() => parseLabels(['=v'])).toThrow(/--label/);
    expect(() => parseLabels(['hostcore.os=linux'])).toThrow(/reserved hostcore\. prefix/);
  });
});

describe('validateUpOptions', () => {
  it('accepts the defaults', () => {
    expect(() => validateUpOptions(opts())).not.toThrow();
  });
  it.each([
    [{ natsPort: 0 }, /--nats-port 0/],
    [{ hosts: 0 }, /--hosts 0/],
    [{ hosts: 2, hostSeed: 'SN…' }, /--host-seed gives one host id/],
    [{ hosts: 2, hostLogPath: '/tmp/x.log' }, /--host-log-path/],
    [{ natsCredsfile: '/x.creds' }, /--nats-credsfile is only used for the leaf-node/],
    [{ natsConnectOnly: true, natsRemoteUrl: 'nats://r:7422' }, /--nats-connect-only cannot be combined/],
    [{ natsWebsocketPort: 4222 }, /must differ from --nats-port/],
    [{ logLevel: 'loud' }, /--log-level 'loud'/],
    [{ lattice: 'a.b' }, /--lattice 'a.b'/],
  ] as [Partial<UpOptions>, RegExp][])('rejects %o', (over, message) => {
    expect(() => validateUpOptions(opts(over))).toThrow(message);
  });
});

describe('host spawn spec', () => {
  it('runs `wash host` with flags; the seed only travels in the environment', () => {
    const spec = hostSpawnSpec(
      opts({ natsPort: 4333, lattice: 'dev', labels: { zone: 'a' }, maxExecutionTimeMs: 1000 }),
      'SNSEED',
      {},
    );
    expect(spec.command).toBe(process.execPath);
    expect(spec.args.slice(0, 2)).toEqual([washBin(), 'host']);
    expect(spec.args).toEqual(
      expect.arrayContaining([
        '--lattice',
        'dev',
        '--nats-port',
        '4333',
        '--label',
        'zone=a',
        '--allow-file-load',
        '--max-execution-time-ms',
        '1000',
      ]),
    );
    expect(spec.args.join(' ')).not.toContain('SNSEED');
    expect(spec.env.WASMCLOUD_HOST_SEED).toBe('SNSEED');
  });
  it('configures a --host-path binary only through WASMCLOUD_* variables, overriding inherited ones', () => {
    const base = {
      WASMCLOUD_CTL_HOST: 'elsewhere',
      WASMCLOUD_LABEL_old: 'x',
      WASMCLOUD_JS_DOMAIN: 'stale',
      PATH: '/bin',
    };
    const spec = hostSpawnSpec(
      opts({ hostPath: '/opt/wasmcloud', allowFileLoad: false, labels: { zone: 'b' } }),
      'SN2',
      base,
    );
    expect(spec).toMatchObject({ command: '/opt/wasmcloud', args: [] });
    expect(spec.env).toMatchObject({
      WASMCLOUD_LATTICE: 'default',
      WASMCLOUD_HOST_SEED: 'SN2',
      WASMCLOUD_NATS_HOST: '127.0.0.1',
      WASMCLOUD_NATS_PORT: '4222',
      WASMCLOUD_CTL_HOST: '127.0.0.1',
      WASMCLOUD_RPC_PORT: '4222',
      WASMCLOUD_ALLOW_FILE_LOAD: 'false',
      WASMCLOUD_LABEL_zone: 'b',
      PATH: '/bin',
    });
    expect(spec.env.WASMCLOUD_LABEL_old).toBeUndefined();
    expect(spec.env.WASMCLOUD_JS_DOMAIN).toBeUndefined();
    expect(hostEnv(opts({ hostJsDomain: 'edge' }), 'S', {}).WASMCLOUD_JS_DOMAIN).toBe('edge');
  });
});

describe('file loading of the hosts wash up starts', () => {
  it('byDefault_onlyTheCurrentDirAndTheManifestFolder', () => {
    expect(upFileLoadSettings({}, {}, '/proj')).toEqual({ allowFileLoad: true, allowFileLoadDirs: ['/proj'] });
    expect(upFileLoadSettings({}, {}, '/proj', '../apps/app.yaml')).toEqual({
      allowFileLoad: true,
      allowFileLoadDirs: ['/proj', '/apps'],
    });
    expect(upFileLoadSettings({ 'allow-file-load': true }, {}, '/proj')).toEqual({ allowFileLoad: true });
    expect(upFileLoadSettings({ 'allow-file-load': false }, {}, '/proj')).toEqual({ allowFileLoad: false });
    expect(upFileLoadSettings({ 'allow-file-load-dirs': '/a,b' }, {}, '/proj')).toEqual({
      allowFileLoad: true,
      allowFileLoadDirs: ['/a', '/proj/b'],
    });
    expect(upFileLoadSettings({}, { WASMCLOUD_ALLOW_FILE_LOAD: 'true' }, '/proj')).toEqual({ allowFileLoad: true });
  });

  it('passesTheDirsToWashHost_andABooleanToOtherHosts', () => {
    const spec = hostSpawnSpec(opts({ allowFileLoadDirs: ['/proj', '/apps'] }), 'S', {});
    expect(spec.args).toContain('--allow-file-load=/proj,/apps');
    expect(spec.args).not.toContain('--allow-file-load');
    expect(
      hostSpawnSpec(opts({ hostPath: '/opt/wasmcloud', allowFileLoadDirs: ['/proj'] }), 'S', {}).env
        .WASMCLOUD_ALLOW_FILE_LOAD,
    ).toBe('true');
  });
});

describe('leaf-node log check', () => {
  it('sees a created connection', () => {
    const log =
      '[1] 2026/11/21 23:57:08.356097 [INF] 127.0.0.1:14302 - lid:4 - Leafnode connection created for account: $G';
    expect(leafnodeStatusFromLog(log).connected).toBe(true);
  });
  it('collects remote errors once each, without the pid/time prefix', () => {
    const log = [
      '[9] 2026/11/21 23:57:11.663346 [ERR] Error reading LeafNode Remote Credentials file "/x.creds": open /x.creds: no such file or directory',
      '[9] 2026/11/21 23:57:11.664864 [ERR] Error trying to connect as leafnode to remote server "h:7422" (attempt 1): connection refused',
      '[9] 2026/11/21 23:57:11.664864 [ERR] Error trying to connect as leafnode to remote server "h:7422" (attempt 1): connection refused',
      '[9] 2026/11/21 23:57:11.664900 [INF] Server is ready',
    ].join('\n');
    const s = leafnodeStatusFromLog(log);
    expect(s.connected).toBe(false);
    expect(s.errors).toEqual([
      '[ERR] Error reading LeafNode Remote Credentials file "/x.creds": open /x.creds: no such file or directory',
      '[ERR] Error trying to connect as leafnode to remote server "h:7422" (attempt 1): connection refused',
    ]);
  });
});

describe('log helpers', () => {
  it('keeps the last non-empty lines', () => {
    expect(lastLines('a\n\nb\r\nc\n', 2)).toBe('b\nc');
  });
  it('splits chunks into lines across chunk boundaries', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    s.push('one\ntw');
    s.push('o\r\nthr');
    s.end();
    expect(lines).toEqual(['one', 'two', 'thr']);
  });
});

describe('wash down host selection', () => {
  const A = 'NA';
  const B = 'NB';
  const C = 'NC';
  it('stops only the hosts wash up recorded unless told otherwise', () => {
    expect(selectHosts({ all: false, lattice: 'd' }, [A], [])).toEqual([]);
    expect(selectHosts({ all: false, lattice: 'd' }, [], [])).toEqual([]);
    expect(selectHosts({ all: false, lattice: 'd' }, [A, B], [A])).toEqual([A]);
    expect(selectHosts({ all: false, lattice: 'd' }, [A, B], [A, B])).toEqual([A, B]);
    // A local host that no longer answers pings is still ours to stop.
    expect(selectHosts({ all: false, lattice: 'd' }, [A], [A, B])).toEqual([A, B]);
  });
  it('stops every host with --all, or the named one with --host-id', () => {
    expect(selectHosts({ all: true, lattice: 'd' }, [A, B], [C])).toEqual([A, B, C]);
    expect(selectHosts({ all: false, hostId: B, lattice: 'd' }, [A, B], [])).toEqual([B]);
  });
  it('refuses an unknown --host-id', () => {
    expect(() => selectHosts({ all: false, hostId: C, lattice: 'd' }, [A], [])).toThrow(
      /host NC is not running on lattice d/,
    );
  });
  it('names the exact commands for hosts it leaves alone', () => {
    expect(otherHostsAdvice('default', [])).toBe('');
    const text = otherHostsAdvice('dev', [A]);
    expect(text).toContain('`wash stop host NA`');
    expect(text).toContain('`wash down --host-id NA`');
    expect(text).toContain('`wash down --all --lattice dev`');
  });
});

describe('wash down --purge-jetstream', () => {
  const url = 'nats://127.0.0.1:4222';
  it('is allowed on the server wash up started', () => {
    expect(() => checkPurgeAllowed({ choice: 'all', force: false, natsExplicit: false }, url, url)).not.toThrow();
    expect(() =>
      checkPurgeAllowed({ choice: 'wadm', force: false, natsExplicit: true }, 'nats://localhost:4222', url),
    ).not.toThrow();
    expect(() =>
      checkPurgeAllowed({ choice: 'none', force: false, natsExplicit: false }, url, undefined),
    ).not.toThrow();
  });
  it('is refused on any other server unless it is named and --force is given', () => {
    expect(() => checkPurgeAllowed({ choice: 'all', force: false, natsExplicit: false }, url, undefined)).toThrow(
      /no NATS server started by `wash up` is recorded at 127.0.0.1:4222/,
    );
    const refusal = (() => {
      try {
        checkPurgeAllowed({ choice: 'all', force: true, natsExplicit: false }, url, undefined);
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(refusal?.suggestion).toMatch(/name the server \(--ctl-host\/--ctl-port\) and add --force/);
    expect(() =>
      checkPurgeAllowed({ choice: 'all', force: false, natsExplicit: true }, url, 'nats://127.0.0.1:5222'),
    ).toThrow(/was not started by `wash up`/);
    expect(() => checkPurgeAllowed({ choice: 'all', force: true, natsExplicit: true }, url, undefined)).not.toThrow();
  });
});
