import { describe, expect, it } from 'vitest';
import {
  ctlQueueGroup,
  ctlSubjects,
  eventSubject,
  eventWildcard,
  hostSubscriptions,
  isSubjectToken,
  parseCtlSubject,
  rpcSubject,
  wadmApiSubject,
  wadmStatusSubject,
  configServiceSubject,
  type ParsedCtlSubject,
} from '../../../src/lattice/subjects.js';

const H = 'NCBAWBHRT6JNSQIYQEURM3AQZ74I6HTQRRCFMTVPC3OAX4BUTCNTYADZ';

describe('ctl subjects', () => {
  const s = ctlSubjects('wasmbus.ctl', 'default');
  it('builds every operation subject', () => {
    expect(s.hostPing()).toBe('wasmbus.ctl.v1.default.host.ping');
    expect(s.hostGet(H)).toBe(`wasmbus.ctl.v1.default.host.get.${H}`);
    expect(s.hostStop(H)).toBe(`wasmbus.ctl.v1.default.host.stop.${H}`);
    expect(s.componentScale(H)).toBe(`wasmbus.ctl.v1.default.component.scale.${H}`);
    expect(s.componentUpdate(H)).toBe(`wasmbus.ctl.v1.default.component.update.${H}`);
    expect(s.componentAuction()).toBe('wasmbus.ctl.v1.default.component.auction');
    expect(s.providerStart(H)).toBe(`wasmbus.ctl.v1.default.provider.start.${H}`);
    expect(s.providerStop(H)).toBe(`wasmbus.ctl.v1.default.provider.stop.${H}`);
    expect(s.providerAuction()).toBe('wasmbus.ctl.v1.default.provider.auction');
    expect(s.linkPut()).toBe('wasmbus.ctl.v1.default.link.put');
    expect(s.linkDel()).toBe('wasmbus.ctl.v1.default.link.del');
    expect(s.linkGet()).toBe('wasmbus.ctl.v1.default.link.get');
    expect(s.claimsGet()).toBe('wasmbus.ctl.v1.default.claims.get');
    expect(s.configPut('c')).toBe('wasmbus.ctl.v1.default.config.put.c');
    expect(s.configGet('c')).toBe('wasmbus.ctl.v1.default.config.get.c');
    expect(s.configDel('c')).toBe('wasmbus.ctl.v1.default.config.del.c');
    expect(s.labelPut(H)).toBe(`wasmbus.ctl.v1.default.label.put.${H}`);
    expect(s.labelDel(H)).toBe(`wasmbus.ctl.v1.default.label.del.${H}`);
    expect(s.registryPut()).toBe('wasmbus.ctl.v1.default.registry.put');
  });
  it('honours a custom prefix and lattice', () => {
    expect(ctlSubjects('acme.ctl', 'prod').hostPing()).toBe('acme.ctl.v1.prod.host.ping');
    expect(ctlQueueGroup('wasmbus.ctl', 'prod', 'config')).toBe('wasmbus.ctl.v1.prod.config');
  });
  it('lists host subscriptions with queue groups for lattice-wide operations', () => {
    const subs = hostSubscriptions('wasmbus.ctl', 'default', H);
    const queued = subs.filter((x) => x.queue).map((x) => [x.subject, x.queue]);
    expect(queued).toEqual([
      ['wasmbus.ctl.v1.default.link.*', 'wasmbus.ctl.v1.default.link'],
      ['wasmbus.ctl.v1.default.claims.get', 'wasmbus.ctl.v1.default.claims'],
      ['wasmbus.ctl.v1.default.config.>', 'wasmbus.ctl.v1.default.config'],
    ]);
    expect(subs.map((x) => x.subject)).toContain(`wasmbus.ctl.v1.default.host.*.${H}`);
    expect(subs.filter((x) => x.auction).length).toBe(2);
  });
});

describe('other subjects', () => {
  it('events, rpc, config service, wadm', () => {
    expect(eventSubject('default', 'component_scaled')).toBe('wasmbus.evt.default.component_scaled');
    expect(eventWildcard('lat')).toBe('wasmbus.evt.lat.>');
    expect(rpcSubject('default', 'p1', 'default', 'shutdown')).toBe('wasmbus.rpc.default.p1.default.shutdown');
    expect(configServiceSubject('default')).toBe('wasmbus.cfg.default.req');
    expect(wadmApiSubject('default', 'put')).toBe('wadm.api.default.model.put');
    expect(wadmApiSubject('default', 'deploy', 'app')).toBe('wadm.api.default.model.deploy.app');
    expect(wadmApiSubject('default', 'get', 'app', 'x.api')).toBe('x.api.default.model.get.app');
    expect(wadmStatusSubject('default', 'app')).toBe('wadm.status.default.app');
  });
  it('isSubjectToken', () => {
    expect(isSubjectToken('my-config_1')).toBe(true);
    for (const bad of ['', 'a.b', 'a*', '>', 'a b']) expect(isSubjectToken(bad)).toBe(false);
  });
});

describe('parseCtlSubject', () => {
  const s = ctlSubjects('wasmbus.ctl', 'lat');
  const cases: Array<[string, ParsedCtlSubject]> = [
    [s.hostPing(), { lattice: 'lat', op: 'host.ping' }],
    [s.hostGet(H), { lattice: 'lat', op: 'host.get', hostId: H }],
    [s.hostStop(H), { lattice: 'lat', op: 'host.stop', hostId: H }],
    [s.componentScale(H), { lattice: 'lat', op: 'component.scale', hostId: H }],
    [s.componentUpdate(H), { lattice: 'lat', op: 'component.update', hostId: H }],
    [s.componentAuction(), { lattice: 'lat', op: 'component.auction' }],
    [s.providerStart(H), { lattice: 'lat', op: 'provider.start', hostId: H }],
    [s.providerStop(H), { lattice: 'lat', op: 'provider.stop', hostId: H }],
    [s.providerAuction(), { lattice: 'lat', op: 'provider.auction' }],
    [s.linkPut(), { lattice: 'lat', op: 'link.put' }],
    [s.linkDel(), { lattice: 'lat', op: 'link.del' }],
    [s.linkGet(), { lattice: 'lat', op: 'link.get' }],
    [s.claimsGet(), { lattice: 'lat', op: 'claims.get' }],
    [s.configPut('c'), { lattice: 'lat', op: 'config.put', name: 'c' }],
    [s.configGet('c'), { lattice: 'lat', op: 'config.get', name: 'c' }],
    [s.configDel('c'), { lattice: 'lat', op: 'config.del', name: 'c' }],
    [s.labelPut(H), { lattice: 'lat', op: 'label.put', hostId: H }],
    [s.labelDel(H), { lattice: 'lat', op: 'label.del', hostId: H }],
    [s.registryPut(), { lattice: 'lat', op: 'registry.put' }],
  ];
  for (const [subject, want] of cases)
    it(`decodes ${subject.replace(H, 'H')}`, () => expect(parseCtlSubject(subject)).toEqual(want));

  it('marks unknown operations under the root as unsupported', () => {
    expect(parseCtlSubject('wasmbus.ctl.v1.lat.host.dance')).toEqual({
      lattice: 'lat',
      op: 'unsupported',
      tokens: ['host', 'dance'],
    });
    expect(parseCtlSubject(`wasmbus.ctl.v1.lat.host.get`)?.op).toBe('unsupported');
    expect(parseCtlSubject(`wasmbus.ctl.v1.lat.host.ping.extra`)?.op).toBe('unsupported');
    expect(parseCtlSubject(`wasmbus.ctl.v1.lat.config.put.a.b`)?.op).toBe('unsupported');
  });
  it('ignores subjects outside the prefix', () => {
    expect(parseCtlSubject('wasmbus.evt.lat.host_started')).toBeUndefined();
    expect(parseCtlSubject('wasmbus.ctl.v2.lat.host.ping')).toBeUndefined();
    expect(parseCtlSubject('acme.v1.lat.host.ping', 'acme')).toEqual({ lattice: 'lat', op: 'host.ping' });
  });
});
