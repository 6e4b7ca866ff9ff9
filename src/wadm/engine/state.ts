/**
 * The observed lattice: hosts with labels, per-host component records and provider records (with health),
 * links and the configs the deployed apps care about. Fed by lattice events and inventory snapshots.
 *
 * The reducers are deterministic and do no I/O, but they update the given state in place and report what
 * they touched: with thousands of components an immutable copy per event would dominate the engine's CPU.
 *
 * wasmCloud 1.x hosts run a component ID at most once per host with one annotation set, so a host holds
 * one record per component ID (and per provider ID).
 */
import { eventHostId, type LatticeEvent } from '../../lattice/events.js';
import type { HostInventory, Link, StringMap } from '../../lattice/types.js';
import { assertNever } from './commands.js';

export type ProviderHealth = 'pending' | 'running' | 'failed';

export interface HostState {
  id: string;
  friendlyName: string;
  labels: StringMap;
  version?: string;
  uptimeSeconds: number;
  /** ms since epoch of the last heartbeat, inventory or start event. */
  lastSeen: number;
  components: Set<string>;
  providers: Set<string>;
  /** Known only from a workload event: its labels and inventory still have to be fetched. */
  partial: boolean;
}

export interface ComponentOnHost {
  imageRef: string;
  count: number;
  annotations: StringMap;
  name?: string;
}

export interface ProviderOnHost {
  imageRef: string;
  annotations: StringMap;
  health: ProviderHealth;
  name?: string;
}

export type ConfigObservation =
  | { state: 'present'; values: StringMap }
  | { state: 'absent' }
  /** Changed in the lattice (config_set) and not re-read yet. */
  | { state: 'unknown' }
  | { state: 'error'; error: string };

export interface LatticeState {
  hosts: Map<string, HostState>;
  /** component id → host id → record */
  components: Map<string, Map<string, ComponentOnHost>>;
  /** provider id → host id → record */
  providers: Map<string, Map<string, ProviderOnHost>>;
  /** `source|namespace|package|name` → links with that identity (one per target). */
  links: Map<string, Link[]>;
  /** False until the link list was read once (link scalers wait for it). */
  linksKnown: boolean;
  configs: Map<string, ConfigObservation>;
}

/** What a reducer changed, so the engine reconciles only the apps it concerns. */
export interface Touched {
  /** Host set or host labels changed: every app may be affected. */
  hosts?: boolean;
  componentIds?: string[];
  providerIds?: string[];
  /** Link identity keys. */
  links?: string[];
  configs?: string[];
  /** A workload event came from a host we have no inventory for. */
  unknownHost?: string;
}

export function createLatticeState(): LatticeState {
  return {
    hosts: new Map(),
    components: new Map(),
    providers: new Map(),
    links: new Map(),
    linksKnown: false,
    configs: new Map(),
  };
}

export function linkIdentity(sourceId: string, namespace: string, pkg: string, name: string): string {
  return `${sourceId}|${namespace}|${pkg}|${name}`;
}

function newHost(id: string, now: number, partial: boolean): HostState {
  return {
    id,
    friendlyName: '',
    labels: {},
    uptimeSeconds: 0,
    lastSeen: now,
    components: new Set(),
    providers: new Set(),
    partial,
  };
}

function sameMap(a: StringMap, b: StringMap): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

/** Ensures the host exists (a placeholder when an event names a host we never saw). */
function touchHost(state: LatticeState, hostId: string, now: number, touched: Touched): HostState {
  let host = state.hosts.get(hostId);
  if (!host) {
    host = newHost(hostId, now, true);
    state.hosts.set(hostId, host);
    touched.hosts = true;
    touched.unknownHost = hostId;
  } else if (host.partial) {
    touched.unknownHost = hostId;
  }
  return host;
}

function setComponent(state: LatticeState, host: HostState, id: string, rec: ComponentOnHost): void {
  let byHost = state.components.get(id);
  if (!byHost) state.components.set(id, (byHost = new Map()));
  byHost.set(host.id, rec);
  host.components.add(id);
}

function removeComponent(state: LatticeState, host: HostState, id: string): void {
  const byHost = state.components.get(id);
  if (byHost) {
    byHost.delete(host.id);
    if (byHost.size === 0) state.components.delete(id);
  }
  host.components.delete(id);
}

function setProvider(state: LatticeState, host: HostState, id: string, rec: ProviderOnHost): void {
  let byHost = state.providers.get(id);
  if (!byHost) state.providers.set(id, (byHost = new Map()));
  byHost.set(host.id, rec);
  host.providers.add(id);
}

function removeProvider(state: LatticeState, host: HostState, id: string): void {
  const byHost = state.providers.get(id);
  if (byHost) {
    byHost.delete(host.id);
    if (byHost.size === 0) state.providers.delete(id);
  }
  host.providers.delete(id);
}

/** Removes a host and everything observed on it. */
export function removeHost(state: LatticeState, hostId: string): Touched {
  const host = state.hosts.get(hostId);
  if (!host) return {};
  const componentIds = [...host.components];
  const providerIds = [...host.providers];
  for (const id of componentIds) removeComponent(state, host, id);
  for (const id of providerIds) removeProvider(state, host, id);
  state.hosts.delete(hostId);
  return { hosts: true, componentIds, providerIds };
}

/**
 * Replaces everything known about a host with its inventory (a `host.get` reply or a heartbeat, which
 * carries the same object). Provider health survives: inventories do not report it.
 */
export function applyInventory(state: LatticeState, inv: HostInventory, now: number): Touched {
  const touched: Touched = {};
  let host = state.hosts.get(inv.host_id);
  if (!host) {
    host = newHost(inv.host_id, now, false);
    state.hosts.set(inv.host_id, host);
    touched.hosts = true;
  }
  if (host.partial || !sameMap(host.labels, inv.labels ?? {})) touched.hosts = true;
  host.partial = false;
  host.friendlyName = inv.friendly_name ?? '';
  host.labels = { ...(inv.labels ?? {}) };
  host.version = inv.version;
  host.uptimeSeconds = inv.uptime_seconds ?? 0;
  host.lastSeen = now;

  const componentIds: string[] = [];
  const seenComponents = new Set<string>();
  for (const c of inv.components ?? []) {
    seenComponents.add(c.id);
    const prev = state.components.get(c.id)?.get(host.id);
    const annotations = { ...(c.annotations ?? {}) };
    if (
      !prev ||
      prev.imageRef !== c.image_ref ||
      prev.count !== c.max_instances ||
      !sameMap(prev.annotations, annotations)
    ) {
      setComponent(state, host, c.id, {
        imageRef: c.image_ref,
        count: c.max_instances,
        annotations,
        ...(c.name ? { name: c.name } : {}),
      });
      componentIds.push(c.id);
    }
  }
  for (const id of [...host.components]) {
    if (!seenComponents.has(id)) {
      removeComponent(state, host, id);
      componentIds.push(id);
    }
  }

  const providerIds: string[] = [];
  const seenProviders = new Set<string>();
  for (const p of inv.providers ?? []) {
    seenProviders.add(p.id);
    const prev = state.providers.get(p.id)?.get(host.id);
    const annotations = { ...(p.annotations ?? {}) };
    const imageRef = p.image_ref ?? prev?.imageRef ?? '';
    if (!prev || prev.imageRef !== imageRef || !sameMap(prev.annotations, annotations)) {
      setProvider(state, host, p.id, {
        imageRef,
        annotations,
        health: prev?.health ?? 'pending',
        ...(p.name ? { name: p.name } : {}),
      });
      providerIds.push(p.id);
    }
  }
  for (const id of [...host.providers]) {
    if (!seenProviders.has(id)) {
      removeProvider(state, host, id);
      providerIds.push(id);
    }
  }
  if (componentIds.length) touched.componentIds = componentIds;
  if (providerIds.length) touched.providerIds = providerIds;
  return touched;
}

/** Applies one lattice event. Events that carry no state (failures, wadm's own) touch nothing. */
export function applyEvent(state: LatticeState, event: LatticeEvent, now: number): Touched {
  switch (event.name) {
    case 'host_heartbeat':
      return applyInventory(state, event.data, now);
    case 'host_started': {
      const hostId = eventHostId(event);
      const touched = removeHost(state, hostId);
      const host = newHost(hostId, now, false);
      host.friendlyName = event.data.friendly_name;
      host.labels = { ...event.data.labels };
      host.version = event.data.version;
      state.hosts.set(host.id, host);
      return { ...touched, hosts: true };
    }
    case 'host_stopped':
      return removeHost(state, eventHostId(event));
    case 'labels_changed': {
      const touched: Touched = {};
      const host = touchHost(state, event.data.host_id, now, touched);
      if (!sameMap(host.labels, event.data.labels)) touched.hosts = true;
      host.labels = { ...event.data.labels };
      return touched;
    }
    case 'component_scaled': {
      const d = event.data;
      const touched: Touched = { componentIds: [d.component_id] };
      const host = touchHost(state, eventHostId(event), now, touched);
      if (d.max_instances === 0) {
        const prev = state.components.get(d.component_id)?.get(host.id);
        // An update reports the new image first, then the old image stopping: that stop is not about the
        // component now running there.
        if (prev && prev.imageRef !== d.image_ref) return {};
        removeComponent(state, host, d.component_id);
      } else {
        const name = d.claims?.name;
        setComponent(state, host, d.component_id, {
          imageRef: d.image_ref,
          count: d.max_instances,
          annotations: { ...(d.annotations ?? {}) },
          ...(name ? { name } : {}),
        });
      }
      return touched;
    }
    case 'provider_started': {
      const d = event.data;
      const touched: Touched = { providerIds: [d.provider_id] };
      const host = touchHost(state, eventHostId(event), now, touched);
      const name = d.claims?.name;
      setProvider(state, host, d.provider_id, {
        imageRef: d.image_ref,
        annotations: { ...(d.annotations ?? {}) },
        health: 'pending',
        ...(name ? { name } : {}),
      });
      return touched;
    }
    case 'provider_stopped': {
      const d = event.data;
      const touched: Touched = { providerIds: [d.provider_id] };
      const host = touchHost(state, eventHostId(event), now, touched);
      removeProvider(state, host, d.provider_id);
      return touched;
    }
    case 'health_check_passed':
    case 'health_check_failed':
    case 'health_check_status': {
      const rec = state.providers.get(event.data.provider_id)?.get(event.data.host_id);
      if (!rec) return {};
      const before = rec.health;
      if (event.name === 'health_check_passed') rec.health = 'running';
      else if (event.name === 'health_check_failed') rec.health = 'failed';
      else if (rec.health === 'pending') rec.health = 'running';
      return rec.health === before ? {} : { providerIds: [event.data.provider_id] };
    }
    case 'linkdef_set': {
      const l = event.data;
      const key = linkIdentity(l.source_id, l.wit_namespace, l.wit_package, l.name);
      const link: Link = {
        source_id: l.source_id,
        target: l.target,
        name: l.name,
        wit_namespace: l.wit_namespace,
        wit_package: l.wit_package,
        interfaces: [...l.interfaces],
        source_config: [...l.source_config],
        target_config: [...l.target_config],
      };
      const others = (state.links.get(key) ?? []).filter((x) => x.target !== l.target);
      state.links.set(key, [...others, link]);
      return { links: [key] };
    }
    case 'linkdef_deleted': {
      const d = event.data;
      const key = linkIdentity(d.source_id, d.wit_namespace, d.wit_package, d.name);
      state.links.delete(key);
      return { links: [key] };
    }
    case 'config_set':
      state.configs.set(event.data.config_name, { state: 'unknown' });
      return { configs: [event.data.config_name] };
    case 'config_deleted':
      state.configs.set(event.data.config_name, { state: 'absent' });
      return { configs: [event.data.config_name] };
    case 'component_scale_failed':
    case 'provider_start_failed':
    case 'linkdef_set_failed':
    case 'provider_restarted': // the provider keeps running under the same id; health events follow
    case 'manifest_published':
    case 'manifest_unpublished':
      return {};
    default:
      return assertNever(event);
  }
}

/** Replaces the link list with a fresh `link.get` answer. */
export function applyLinks(state: LatticeState, links: readonly Link[]): Touched {
  const keys = new Set(state.links.keys());
  state.links = new Map();
  for (const l of links) {
    const key = linkIdentity(l.source_id, l.wit_namespace, l.wit_package, l.name || 'default');
    const list = state.links.get(key) ?? [];
    list.push({
      ...l,
      name: l.name || 'default',
      source_config: l.source_config ?? [],
      target_config: l.target_config ?? [],
    });
    state.links.set(key, list);
    keys.add(key);
  }
  state.linksKnown = true;
  return { links: [...keys] };
}

export function applyConfig(state: LatticeState, name: string, observation: ConfigObservation): Touched {
  state.configs.set(name, observation);
  return { configs: [name] };
}

/** Drops hosts not seen for `ttlMs`, with everything on them (wadm's reaper, §3.6). Returns their ids. */
export function reapHosts(state: LatticeState, now: number, ttlMs: number): string[] {
  const gone: string[] = [];
  for (const host of state.hosts.values()) if (now - host.lastSeen > ttlMs) gone.push(host.id);
  for (const id of gone) removeHost(state, id);
  return gone;
}

export function findLinks(
  state: LatticeState,
  sourceId: string,
  namespace: string,
  pkg: string,
  name: string,
): readonly Link[] {
  return state.links.get(linkIdentity(sourceId, namespace, pkg, name)) ?? [];
}

/** Merges several Touched reports into one. */
export function mergeTouched(...all: Touched[]): Touched {
  const out: Touched = {};
  for (const t of all) {
    if (t.hosts) out.hosts = true;
    if (t.unknownHost) out.unknownHost = t.unknownHost;
    for (const k of ['componentIds', 'providerIds', 'links', 'configs'] as const) {
      if (t[k]?.length) out[k] = [...(out[k] ?? []), ...t[k]!];
    }
  }
  return out;
}
