import { describe, expect, it } from 'vitest';
import { isCustomInterface, linkTarget } from '../../../src/wrpc/host-bridge.js';
import { invocationSubject, rpcFuncName, wrpcPrefix } from '../../../src/wrpc/subjects.js';
import type { Link } from '../../../src/lattice/types.js';

const link = (extra: Partial<Link>): Link => ({
  source_id: 'comp',
  target: 'prov',
  name: 'default',
  wit_namespace: 'example',
  wit_package: 'greeter',
  interfaces: ['greet'],
  source_config: [],
  target_config: [],
  ...extra,
});

describe('wRPC subjects (reference §5.3 #1)', () => {
  it('builds subjects and function names as wasmCloud does', () => {
    expect(invocationSubject(wrpcPrefix('default', 'kv-nats'), 'wrpc:keyvalue/store@0.2.0-draft', 'get')).toBe(
      'default.kv-nats.wrpc.0.0.1.wrpc:keyvalue/store@0.2.0-draft.get',
    );
    expect(invocationSubject('default.c1', '', 'run')).toBe('default.c1.wrpc.0.0.1.run');
    expect(rpcFuncName('[method]counter.add')).toBe('counter.add');
    expect(rpcFuncName('[constructor]counter')).toBe('counter');
    expect(rpcFuncName('[static]counter.make')).toBe('counter.make');
    expect(rpcFuncName('greet')).toBe('greet');
  });
});

describe('host bridge: which imports go over wRPC, and where', () => {
  it('custom interfaces are everything outside wasi/wasmcloud/wrpc', () => {
    expect(isCustomInterface('example:greeter/greet@0.1.0')).toBe(true);
    expect(isCustomInterface('wasi:keyvalue/store@0.2.0-draft')).toBe(false);
    expect(isCustomInterface('wasmcloud:messaging/consumer@0.2.0')).toBe(false);
    expect(isCustomInterface('run')).toBe(false);
  });
  it('the link key is ns:pkg/iface without version, per link name, from this component only', () => {
    const links = [
      link({}),
      link({ name: 'other', target: 'prov2' }),
      link({ source_id: 'x', target: 'nope' }),
      link({ interfaces: ['admin'], target: 'adm', name: 'a' }),
    ];
    expect(linkTarget(links, 'comp', 'example:greeter/greet@0.1.0')).toBe('prov');
    expect(linkTarget(links, 'comp', 'example:greeter/greet@0.1.0', 'other')).toBe('prov2');
    expect(linkTarget(links, 'comp', 'example:greeter/greet@0.1.0', 'missing')).toBeUndefined();
    expect(linkTarget(links, 'comp', 'example:greeter/admin@0.1.0', 'a')).toBe('adm');
    expect(linkTarget(links, 'comp', 'example:other/greet@0.1.0')).toBeUndefined();
  });
});
