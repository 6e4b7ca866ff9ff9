import { Parser } from '@oclif/core';
import * as Flags from '@oclif/core/flags';
import { describe, expect, it } from 'vitest';
import { connectionFlags } from '../../../src/cli/connection-flags.js';
import { flagSources } from '../../../src/cli/flag-sources.js';

const flags = {
  ...connectionFlags,
  'nats-server': Flags.string({ env: 'WADM_NATS_SERVER' }),
  'log-level': Flags.string({ default: 'info' }),
};

async function sources(argv: string[], env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const out = await Parser.parse(argv, { flags });
    return flagSources(flags, out.flags, out.raw, process.env);
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

describe('flagSources', () => {
  it('tells argv (long, short or alias) from environment and default', async () => {
    const s = await sources(['-p', '4000', '--lattice-prefix', 'blue'], {
      WASMCLOUD_CTL_PORT: '1',
      WASMCLOUD_CTL_HOST: '127.0.0.1',
    });
    expect(s.of('ctl-port')).toBe('argv');
    expect(s.of('lattice')).toBe('argv');
    expect(s.of('ctl-host')).toBe('env');
    expect(s.of('log-level')).toBe('default');
    expect(s.of('ctl-jwt')).toBeUndefined();
    expect([...s.onArgv()].sort()).toEqual(['ctl-port', 'lattice']);
  });

  it('a general variable from the environment yields to a specific flag on argv, not to one from the env', async () => {
    const env = { WADM_NATS_SERVER: '127.0.0.1:1', WASMCLOUD_CTL_HOST: '127.0.0.1' };
    expect((await sources(['-p', '4000'], env)).yieldsTo('nats-server', ['ctl-host', 'ctl-port'])).toBe(true);
    expect((await sources([], env)).yieldsTo('nats-server', ['ctl-host', 'ctl-port'])).toBe(false);
    const both = await sources(['--nats-server', '127.0.0.1:9', '-p', '4000'], env);
    expect(both.yieldsTo('nats-server', ['ctl-host', 'ctl-port'])).toBe(false);
  });
});
