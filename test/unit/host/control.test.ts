import { describe, expect, it } from 'vitest';
import { handleControl, type ControlContext, type ControlStore } from '../../../src/host/control.js';
import { upsertLink, removeLink } from '../../../src/host/links.js';
import { silentLogger } from '../../../src/host/log.js';
import { parseCtlSubject } from '../../../src/lattice/subjects.js';
import type { ConfigMap, Link } from '../../../src/lattice/types.js';
import { RecordingEvents } from './fakes.js';

class MemoryStore implements ControlStore {
  links: Link[] = [];
  configs = new Map<string, ConfigMap>();
  async putLink(link: Link) {
    const r = upsertLink(this.links, link);
    if (r.ok) this.links = r.links;
    return r;
  }
  async deleteLink(id: Parameters<ControlStore['deleteLink']>[0]) {
    const r = removeLink(this.links, id);
    this.links = r.links;
    return r.removed;
  }
  async readLinks() {
    return this.links;
  }
  async readConfig(n: string) {
    return this.configs.get(n);
  }
  async putConfig(n: string, c: ConfigMap) {
    this.configs.set(n, c);
  }
  async deleteConfig(n: string) {
    this.configs.delete(n);
  }
  async missingConfigs(names: readonly string[]) {
    return names.filter((n) => !this.configs.has(n));
  }
  claims() {
    return [{ sub: 'MX', name: 'x' }];
  }
}

const H = 'NHOST';
function setup() {
  const events = new RecordingEvents();
  const store = new MemoryStore();
  const running = new Set<string>();
  const stops: Array<number | undefined> = [];
  const ctx: ControlContext = {
    hostId: H,
    labels: { 'hostcore.os': 'linux', region: 'eu' },
    ping: () => ({ id: H, friendly_name: 'f', lattice: 'default', labels: {}, uptime_seconds: 0 }),
    inventory: () => ({
      components: [],
      providers: [],
      host_id: H,
      friendly_name: 'f',
      labels: {},
      version: '1',
      uptime_human: '0s',
      uptime_seconds: 0,
    }),
    components: {
      scale: () => ({ success: true, message: '' }),
      update: () => ({ success: true, message: '' }),
      has: (id) => running.has(id),
    },
    providers: {
      start: () => ({ success: true, message: '' }),
      stop: async () => ({ success: true, message: '' }),
      has: (id) => running.has(id),
    },
    store,
    events,
    log: silentLogger,
    requestStop: (t) => {
      stops.push(t);
    },
  };
  const call = (subjectTail: string, body?: unknown) => {
    const subject = parseCtlSubject(`wasmbus.ctl.v1.default.${subjectTail}`)!;
    const data =
      body === undefined
        ? new Uint8Array()
        : new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
    return handleControl(ctx, subject, data);
  };
  return { ctx, events, store, running, stops, call };
}

const link = {
  source_id: 'http',
  target: 'hello',
  wit_namespace: 'wasi',
  wit_package: 'http',
  interfaces: ['incoming-handler'],
};

describe('handleControl', () => {
  it('unknownSubject_unsupported', async () => {
    const { call } = setup();
    expect(await call('host.dance')).toEqual({ success: false, message: 'unsupported subject' });
  });

  it('malformedPayloads_rejectedWithMessage', async () => {
    const { call } = setup();
    await expect(call(`component.scale.${H}`, '{not json')).rejects.toThrow(/not valid JSON/);
    await expect(call(`component.scale.${H}`, { component_id: 7 })).rejects.toThrow(/component_id/);
    await expect(call(`label.put.${H}`, [1, 2])).rejects.toThrow(/expected a JSON object/);
    await expect(call('config.put.x', { a: 1 })).rejects.toThrow();
    await expect(call('config.put.x')).rejects.toThrow();
  });

  it('ping_get_answerWithPayload', async () => {
    const { call } = setup();
    expect(await call('host.ping')).toMatchObject({ success: true, message: '', response: { id: H } });
    expect(await call(`host.get.${H}`)).toMatchObject({ success: true, response: { host_id: H } });
  });

  it('hostStop_acceptsEmptyBody_andRequestsStop', async () => {
    const { call, stops } = setup();
    expect(await call(`host.stop.${H}`)).toEqual({ success: true, message: 'successfully handled stop host' });
    await call(`host.stop.${H}`, { host_id: H, timeout: 500 });
    expect(stops).toEqual([undefined, 500]);
  });

  it('labels_putDel_emitFullMap_hostcoreAsUpstream', async () => {
    const { call, ctx, events } = setup();
    expect(await call(`label.put.${H}`, { key: 'tier', value: 'gold' })).toEqual({
      success: true,
      message: 'successfully put label',
    });
    expect(ctx.labels.tier).toBe('gold');
    expect(events.named('labels_changed').at(-1)).toEqual({
      host_id: H,
      labels: { 'hostcore.os': 'linux', region: 'eu', tier: 'gold' },
    });
    // wasmCloud 1.9 (handle_label_put / handle_label_del): hostcore.* cannot be put, but can be deleted.
    expect(await call(`label.put.${H}`, { key: 'HostCore.os', value: 'x' })).toEqual({
      success: false,
      message: 'hostcore.* labels cannot be set dynamically',
    });
    expect(ctx.labels['hostcore.os']).toBe('linux');
    expect(await call(`label.del.${H}`, { key: 'tier' })).toEqual({
      success: true,
      message: 'successfully deleted label',
    });
    expect(await call(`label.del.${H}`, { key: 'tier' })).toEqual({
      success: true,
      message: 'successfully deleted label (no such label)',
    });
    expect(await call(`label.del.${H}`, { key: 'hostcore.os' })).toEqual({
      success: true,
      message: 'successfully deleted label',
    });
    expect(ctx.labels['hostcore.os']).toBeUndefined();
    expect(events.named('labels_changed')).toHaveLength(3);
  });

  it('auctions_replyOnlyWhenConstraintsMatchAndNotRunning', async () => {
    const { call, running } = setup();
    const ack = await call('component.auction', {
      component_ref: 'file:///x',
      component_id: 'c',
      constraints: { region: 'eu' },
    });
    expect(ack).toEqual({
      success: true,
      message: '',
      response: { component_ref: 'file:///x', component_id: 'c', host_id: H, constraints: { region: 'eu' } },
    });
    expect(
      await call('component.auction', { component_ref: 'r', component_id: 'c', constraints: { region: 'us' } }),
    ).toBeUndefined();
    running.add('c');
    expect(await call('component.auction', { component_ref: 'r', component_id: 'c', constraints: {} })).toBeUndefined();
    expect(await call('provider.auction', { provider_ref: 'p', provider_id: 'p1', constraints: {} })).toMatchObject({
      response: { host_id: H, provider_id: 'p1' },
    });
    expect(await call('provider.auction', { provider_ref: 'p', provider_id: 'c', constraints: {} })).toBeUndefined();
  });

  it('config_putGetDel', async () => {
    const { call, events } = setup();
    expect(await call('config.get.cfg')).toEqual({ success: true, message: 'Configuration not found' });
    expect(await call('config.put.cfg', { address: '127.0.0.1:1' })).toEqual({
      success: true,
      message: 'successfully put config',
    });
    expect(await call('config.get.cfg')).toEqual({ success: true, message: '', response: { address: '127.0.0.1:1' } });
    expect(await call('config.del.cfg')).toEqual({ success: true, message: 'successfully deleted config' });
    expect(events.events.map((e) => e.name)).toEqual(['config_set', 'config_deleted']);
  });

  it('linkPut_missingConfig_failsWithEvent', async () => {
    const { call, events, store } = setup();
    const r = await call('link.put', { ...link, source_config: ['nope'] });
    expect(r?.success).toBe(false);
    expect(r?.message).toMatch(/configuration not found: nope/);
    expect(events.named('linkdef_set_failed')[0]).toMatchObject({ source_id: 'http', error: r?.message });
    expect(store.links).toEqual([]);
  });

  it('linkPut_conflict_andDefaults', async () => {
    const { call, events } = setup();
    expect(await call('link.put', link)).toEqual({ success: true, message: 'successfully set link' });
    expect(events.named('linkdef_set')[0]).toEqual({ ...link, name: 'default', source_config: [], target_config: [] });
    const conflict = await call('link.put', { ...link, target: 'other' });
    expect(conflict).toEqual({
      success: false,
      message: expect.stringMatching(/^link already exists with different target/),
    });
    expect((await call('link.get'))?.response).toHaveLength(1);
  });

  it('linkDel_alwaysEmitsDeleted_targetOnlyWhenExisted', async () => {
    const { call, events } = setup();
    await call('link.put', link);
    const id = { source_id: 'http', wit_namespace: 'wasi', wit_package: 'http' };
    expect(await call('link.del', id)).toEqual({ success: true, message: 'successfully deleted link' });
    await call('link.del', id);
    expect(events.named('linkdef_deleted')).toEqual([
      { ...id, name: 'default', target: 'hello', interfaces: ['incoming-handler'] },
      { ...id, name: 'default' },
    ]);
  });

  it('claimsGet_listsStoredClaims', async () => {
    const { call } = setup();
    expect(await call('claims.get')).toEqual({ success: true, message: '', response: [{ sub: 'MX', name: 'x' }] });
  });
});
