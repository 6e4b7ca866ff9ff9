/**
 * What the lattice commands do, as library functions over a `CtlClient`: pick a host (id, prefix, friendly
 * name or auction), send the ctl request, and wait for the event that reports the outcome. Waiting always
 * subscribes before the request is sent.
 */
import { UserError } from '../errors.js';
import type { CtlClient } from './ctl-client.js';
import { eventHostId, isEvent, type LatticeEvent } from './events.js';
import type { DeleteLinkRequest, HostInventory, Link, StringMap } from './types.js';
import { isHostId } from './validate.js';
import { waitForEvent } from './wait.js';

/** Waiting defaults of wash v1 when `--timeout-ms` is not given. */
export const DEFAULT_START_COMPONENT_WAIT_MS = 10_000;
export const DEFAULT_COMPONENT_OPERATION_WAIT_MS = 5_000;
export const DEFAULT_START_PROVIDER_WAIT_MS = 60_000;

export type ProgressFn = (text: string) => void;
const noProgress: ProgressFn = () => {};

export interface HostMatch {
  id: string;
  friendlyName?: string;
}

const describeHost = (id: string, name?: string) => (name ? `${id} (${name})` : id);
const constraintText = (c: StringMap) => (Object.keys(c).length ? Object.entries(c).map(([k, v]) => `${k}=${v}`).join(', ') : 'none');

/**
 * A host id from what the user typed: a full id is used as is; otherwise the value must match exactly one
 * running host by id prefix or (case-insensitive) friendly-name substring, as wash v1 does.
 */
export async function resolveHostId(client: CtlClient, value: string, arg: string): Promise<HostMatch> {
  if (isHostId(value)) return { id: value };
  if (value.trim() === '') throw new UserError(`${arg} must not be empty`);
  const hosts = await client.pingHosts();
  const needle = value.toLowerCase();
  const matches = hosts.filter((h) => h.id.toLowerCase().startsWith(needle) || h.friendly_name.toLowerCase().includes(needle));
  if (matches.length === 1) return { id: matches[0].id, friendlyName: matches[0].friendly_name };
  if (matches.length === 0) {
    throw new UserError(
      `${arg} "${value}" is not a host id (a 56-character nkey starting with N) and matches no host of lattice "${client.lattice}" by id prefix or friendly name`,
      { suggestion: hosts.length ? `running hosts: ${hosts.map((h) => describeHost(h.id, h.friendly_name)).join(', ')}` : 'no host is running: start one with `wash up`' },
    );
  }
  throw new UserError(`${arg} "${value}" matches ${matches.length} hosts: ${matches.map((h) => describeHost(h.id, h.friendly_name)).join(', ')}`, {
    suggestion: 'pass the full host id',
  });
}

/** The inventories of the hosts running a component or provider with this id. */
export async function hostsRunning(client: CtlClient, kind: 'component' | 'provider', id: string): Promise<HostInventory[]> {
  const inventories = await client.getInventories();
  return inventories.filter((inv) => (kind === 'component' ? inv.components : inv.providers).some((x) => x.id === id));
}

/** One host running `id`: the given one (checked) or the only one in the lattice. */
async function hostRunning(client: CtlClient, kind: 'component' | 'provider', id: string, hostArg: string | undefined): Promise<{ inventory: HostInventory; imageRef?: string }> {
  let inventory: HostInventory;
  if (hostArg !== undefined) {
    const host = await resolveHostId(client, hostArg, '--host-id');
    inventory = await client.getInventory(host.id);
  } else {
    const running = await hostsRunning(client, kind, id);
    if (running.length === 0) {
      throw new UserError(`no host of lattice "${client.lattice}" is running ${kind} "${id}"`, { suggestion: 'list what runs where with `wash get inventory`' });
    }
    if (running.length > 1) {
      throw new UserError(`${kind} "${id}" runs on ${running.length} hosts: ${running.map((i) => describeHost(i.host_id, i.friendly_name)).join(', ')}`, {
        suggestion: 'choose one with --host-id',
      });
    }
    inventory = running[0];
  }
  const entry = (kind === 'component' ? inventory.components : inventory.providers).find((x) => x.id === id);
  if (!entry) {
    throw new UserError(`${kind} "${id}" is not running on host ${describeHost(inventory.host_id, inventory.friendly_name)}`, {
      suggestion: 'list what runs where with `wash get inventory`',
    });
  }
  return { inventory, imageRef: entry.image_ref };
}

// ---------------------------------------------------------------------------------------------------------
// Components

export interface ComponentResult {
  result: string;
  component_ref: string;
  component_id: string;
  host_id: string;
  /** A warning the host put in its reply (e.g. the component runs with a different reference). */
  warning?: string;
}

export interface ScaleComponentOptions {
  hostId: string;
  componentRef: string;
  componentId: string;
  maxInstances: number;
  annotations?: StringMap;
  config?: string[];
  allowUpdate?: boolean;
  skipWait?: boolean;
  waitTimeoutMs: number;
  progress?: ProgressFn;
}

/** Sends `component.scale` and (unless `skipWait`) waits for `component_scaled` / `component_scale_failed`. */
export async function scaleComponentAndWait(client: CtlClient, o: ScaleComponentOptions): Promise<{ event?: LatticeEvent; message: string }> {
  const stopping = o.maxInstances === 0;
  const pending = o.skipWait
    ? undefined
    : await waitForEvent(
        client.nc,
        client.lattice,
        (e) =>
          (isEvent(e, 'component_scaled') && e.data.component_id === o.componentId && eventHostId(e) === o.hostId && (!stopping || e.data.max_instances === 0)) ||
          (isEvent(e, 'component_scale_failed') && e.data.component_id === o.componentId && eventHostId(e) === o.hostId),
        o.waitTimeoutMs,
        {
          names: ['component_scaled', 'component_scale_failed'],
          awaiting: `component_scaled for component "${o.componentId}" on host ${o.hostId}`,
          hint: stopping
            ? 'the host accepted the request but did not report the component stopped; check `wash get inventory` and the host logs, or wait longer with --timeout-ms'
            : 'the host accepted the request but did not report the component running; fetching or instantiating it may be slow or may have failed. ' +
              'Check `wash get inventory` and the host logs, or wait longer with --timeout-ms',
        },
      );
  let ack;
  try {
    ack = await client.scaleComponent({
      component_ref: o.componentRef,
      component_id: o.componentId,
      count: o.maxInstances,
      host_id: o.hostId,
      config: o.config ?? [],
      allow_update: o.allowUpdate ?? false,
      ...(o.annotations && Object.keys(o.annotations).length ? { annotations: o.annotations } : {}),
    });
  } catch (err) {
    pending?.cancel();
    throw err;
  }
  if (!pending) return { message: ack.message };
  (o.progress ?? noProgress)(stopping ? `Waiting for component ${o.componentId} to stop ...` : `Waiting for component ${o.componentId} to scale ...`);
  const event = await pending.wait();
  if (isEvent(event, 'component_scale_failed')) {
    throw new UserError(`component "${o.componentId}" (${o.componentRef}) failed to ${stopping ? 'stop' : 'scale'} on host ${o.hostId}: ${event.data.error}`);
  }
  return { event, message: ack.message };
}

export interface StartComponentOptions {
  componentRef: string;
  componentId: string;
  /** Host id, id prefix or friendly name; auction when absent. */
  hostId?: string;
  maxInstances: number;
  constraints?: StringMap;
  auctionTimeoutMs: number;
  config?: string[];
  allowUpdate?: boolean;
  skipWait?: boolean;
  waitTimeoutMs: number;
  progress?: ProgressFn;
}

/** The host named by --host-id, or the first host to answer an auction for this workload. */
async function pickHost(
  client: CtlClient,
  o: { kind: 'component' | 'provider'; id: string; ref: string; hostId?: string; constraints?: StringMap; auctionTimeoutMs: number; progress: ProgressFn },
): Promise<string> {
  if (o.hostId !== undefined) return (await resolveHostId(client, o.hostId, '--host-id')).id;
  o.progress(`Looking for a host for ${o.kind} ${o.id} ...`);
  const constraints = o.constraints ?? {};
  const window = { timeoutMs: o.auctionTimeoutMs, first: true };
  const [ack] = o.kind === 'component'
    ? await client.componentAuction({ component_ref: o.ref, component_id: o.id, constraints }, window)
    : await client.providerAuction({ provider_ref: o.ref, provider_id: o.id, constraints }, window);
  if (!ack) {
    throw new UserError(
      `no host of lattice "${client.lattice}" accepted ${o.kind} "${o.id}" (${o.ref}) within ${o.auctionTimeoutMs} ms; constraints: ${constraintText(constraints)}`,
      { suggestion: 'hosts only accept when their labels match every constraint and they do not already run this id: check `wash get hosts` / `wash get inventory`, relax --constraint, or pass --host-id' },
    );
  }
  return ack.host_id;
}

export async function startComponent(client: CtlClient, o: StartComponentOptions): Promise<ComponentResult> {
  const progress = o.progress ?? noProgress;
  const hostId = await pickHost(client, { kind: 'component', id: o.componentId, ref: o.componentRef, hostId: o.hostId, constraints: o.constraints, auctionTimeoutMs: o.auctionTimeoutMs, progress });
  progress(`Starting component ${o.componentId} on host ${hostId} ...`);
  const { message } = await scaleComponentAndWait(client, {
    hostId, componentRef: o.componentRef, componentId: o.componentId, maxInstances: o.maxInstances, config: o.config,
    allowUpdate: o.allowUpdate, skipWait: o.skipWait, waitTimeoutMs: o.waitTimeoutMs, progress,
  });
  const result = o.skipWait
    ? `Start component [${o.componentRef}] request received on host [${hostId}]`
    : `Component [${o.componentId}] (ref: [${o.componentRef}]) started on host [${hostId}]`;
  return { result, component_ref: o.componentRef, component_id: o.componentId, host_id: hostId, ...(message ? { warning: message } : {}) };
}

export interface ScaleComponentCommandOptions extends Omit<ScaleComponentOptions, 'hostId'> {
  /** Host id, id prefix or friendly name. */
  host: string;
}

export async function scaleComponent(client: CtlClient, o: ScaleComponentCommandOptions): Promise<ComponentResult> {
  const hostId = (await resolveHostId(client, o.host, '<host-id>')).id;
  (o.progress ?? noProgress)(`Scaling component ${o.componentId} on host ${hostId} ...`);
  const { message } = await scaleComponentAndWait(client, { ...o, hostId });
  const scale = o.maxInstances >= 0xffffffff ? 'unbounded concurrency' : `${o.maxInstances} max concurrent instances`;
  const result = o.skipWait
    ? `Scale request for component [${o.componentId}] (ref: [${o.componentRef}]) received on host [${hostId}]`
    : `Component [${o.componentId}] (ref: [${o.componentRef}]) scaled on host [${hostId}] to ${scale}`;
  return { host_id: hostId, component_id: o.componentId, component_ref: o.componentRef, result, ...(message ? { warning: message } : {}) };
}

export interface StopComponentOptions {
  componentId: string;
  hostId?: string;
  skipWait?: boolean;
  waitTimeoutMs: number;
  progress?: ProgressFn;
}

/** Scales the component to 0 on the host running it (the given host, or the only one). */
export async function stopComponent(client: CtlClient, o: StopComponentOptions): Promise<{ result: string; component_id: string; host_id: string }> {
  (o.progress ?? noProgress)(`Finding component ${o.componentId} ...`);
  const { inventory, imageRef } = await hostRunning(client, 'component', o.componentId, o.hostId);
  await scaleComponentAndWait(client, {
    hostId: inventory.host_id, componentRef: imageRef ?? '', componentId: o.componentId, maxInstances: 0,
    skipWait: o.skipWait, waitTimeoutMs: o.waitTimeoutMs, progress: o.progress,
  });
  const result = o.skipWait ? `Request to stop component [${o.componentId}] received` : `Component [${o.componentId}] stopped`;
  return { result, component_id: o.componentId, host_id: inventory.host_id };
}

export interface UpdateComponentOptions {
  componentId: string;
  newComponentRef: string;
  hostId?: string;
}

export async function updateComponent(client: CtlClient, o: UpdateComponentOptions): Promise<{ result: string; component_id: string; host_id: string; component_ref: string }> {
  const { inventory, imageRef } = await hostRunning(client, 'component', o.componentId, o.hostId);
  const hostId = inventory.host_id;
  const base = { component_id: o.componentId, host_id: hostId, component_ref: o.newComponentRef };
  if (imageRef === o.newComponentRef) {
    return { ...base, result: `Component ${o.componentId} already updated to ${o.newComponentRef} on host [${hostId}]` };
  }
  const ack = await client.updateComponent({ host_id: hostId, component_id: o.componentId, new_component_ref: o.newComponentRef });
  const message = ack.message || `component ${o.componentId} updating from ${imageRef} to ${o.newComponentRef}`;
  return { ...base, result: `Host [${hostId}]: ${message}` };
}

// ---------------------------------------------------------------------------------------------------------
// Providers

export interface StartProviderOptions {
  providerRef: string;
  providerId: string;
  hostId?: string;
  constraints?: StringMap;
  auctionTimeoutMs: number;
  config?: string[];
  skipWait?: boolean;
  waitTimeoutMs: number;
  progress?: ProgressFn;
}

export async function startProvider(client: CtlClient, o: StartProviderOptions): Promise<{ result: string; provider_ref: string; provider_id: string; host_id: string }> {
  const progress = o.progress ?? noProgress;
  const hostId = await pickHost(client, { kind: 'provider', id: o.providerId, ref: o.providerRef, hostId: o.hostId, constraints: o.constraints, auctionTimeoutMs: o.auctionTimeoutMs, progress });
  const pending = o.skipWait
    ? undefined
    : await waitForEvent(
        client.nc,
        client.lattice,
        (e) =>
          (isEvent(e, 'provider_started') && e.data.provider_id === o.providerId && eventHostId(e) === hostId) ||
          (isEvent(e, 'provider_start_failed') && e.data.provider_id === o.providerId && eventHostId(e) === hostId),
        o.waitTimeoutMs,
        {
          names: ['provider_started', 'provider_start_failed'],
          awaiting: `provider_started for provider "${o.providerId}" on host ${hostId}`,
          hint: 'the host accepted the request but did not report the provider running; downloading or starting it may be slow or may have failed. ' +
            'Check `wash get inventory` and the host logs, or wait longer with --timeout-ms',
        },
      );
  progress(`Starting provider ${o.providerId} on host ${hostId} ...`);
  try {
    await client.startProvider({ provider_id: o.providerId, provider_ref: o.providerRef, host_id: hostId, config: o.config ?? [] });
  } catch (err) {
    pending?.cancel();
    throw err;
  }
  const base = { provider_ref: o.providerRef, provider_id: o.providerId, host_id: hostId };
  if (!pending) return { ...base, result: `Start provider request received: ${o.providerRef}` };
  progress(`Waiting for provider ${o.providerId} to start ...`);
  const event = await pending.wait();
  if (isEvent(event, 'provider_start_failed')) {
    throw new UserError(`provider "${o.providerId}" (${o.providerRef}) failed to start on host ${hostId}: ${event.data.error}`);
  }
  return { ...base, result: `Provider [${o.providerId}] (ref: [${o.providerRef}]) started on host [${hostId}]` };
}

export interface StopProviderOptions {
  providerId: string;
  hostId?: string;
  skipWait?: boolean;
  waitTimeoutMs: number;
  progress?: ProgressFn;
}

export async function stopProvider(client: CtlClient, o: StopProviderOptions): Promise<{ result: string; provider_id: string; host_id: string }> {
  const progress = o.progress ?? noProgress;
  progress(`Finding provider ${o.providerId} ...`);
  const { inventory } = await hostRunning(client, 'provider', o.providerId, o.hostId);
  const hostId = inventory.host_id;
  const pending = o.skipWait
    ? undefined
    : await waitForEvent(client.nc, client.lattice, (e) => isEvent(e, 'provider_stopped') && e.data.provider_id === o.providerId && eventHostId(e) === hostId, o.waitTimeoutMs, {
        names: ['provider_stopped'],
        awaiting: `provider_stopped for provider "${o.providerId}" on host ${hostId}`,
      });
  progress(`Stopping provider ${o.providerId} on host ${hostId} ...`);
  try {
    await client.stopProvider({ host_id: hostId, provider_id: o.providerId });
  } catch (err) {
    pending?.cancel();
    throw err;
  }
  if (pending) await pending.wait();
  const result = o.skipWait ? `Provider ${o.providerId} stop request received` : `Provider [${o.providerId}] stopped successfully`;
  return { result, provider_id: o.providerId, host_id: hostId };
}

// ---------------------------------------------------------------------------------------------------------
// Hosts

export async function stopHost(client: CtlClient, o: { host: string; hostTimeoutMs?: number }): Promise<{ result: string; host_id: string }> {
  const host = await resolveHostId(client, o.host, '<host-id>');
  await client.stopHost({ host_id: host.id, ...(o.hostTimeoutMs !== undefined ? { timeout: o.hostTimeoutMs } : {}) });
  return { result: `Host ${host.id} acknowledged stop request`, host_id: host.id };
}

export interface LabelResult {
  host_id: string;
  friendly_name?: string;
  deleted: boolean;
  processed: Array<[string, string]>;
}

/** Puts (or deletes) labels one by one; stops at the first refusal and says which were applied. */
export async function labelHost(client: CtlClient, o: { host: string; labels: Array<[string, string]>; delete: boolean }): Promise<LabelResult> {
  const host = await resolveHostId(client, o.host, '<host-id>');
  const processed: Array<[string, string]> = [];
  for (const [key, value] of o.labels) {
    try {
      if (o.delete) await client.deleteLabel(host.id, key);
      else await client.putLabel(host.id, key, value);
    } catch (err) {
      if (processed.length === 0) throw err;
      throw new UserError(`${o.delete ? 'deleted' : 'set'} ${processed.map(([k]) => k).join(', ')} but then stopped`, { cause: err });
    }
    processed.push([key, value]);
  }
  return { host_id: host.id, ...(host.friendlyName ? { friendly_name: host.friendlyName } : {}), deleted: o.delete, processed };
}

/** `k=v` label arguments (comma-separated lists allowed); with `--delete` only keys are needed. */
export function parseLabelArgs(args: readonly string[], deleting: boolean): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const item of args.flatMap((a) => a.split(',')).filter((a) => a !== '')) {
    const eq = item.indexOf('=');
    if (eq === 0) throw new UserError(`label "${item}" has no key`);
    if (eq < 0 && !deleting) throw new UserError(`label "${item}" is not in key=value form`, { suggestion: 'for example: wash label <host-id> zone=us-east-1' });
    out.push(eq < 0 ? [item, ''] : [item.slice(0, eq), item.slice(eq + 1)]);
  }
  if (out.length === 0) throw new UserError('no labels given', { suggestion: 'for example: wash label <host-id> zone=us-east-1' });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Links

/**
 * Deletes one link. Without an explicit link name, refuses when several links share the source, namespace
 * and package (the user should say which one), as wash v1 does.
 */
export async function deleteLink(client: CtlClient, o: { sourceId: string; witNamespace: string; witPackage: string; linkName?: string }): Promise<DeleteLinkRequest> {
  if (o.linkName === undefined) {
    const similar = (await client.getLinks()).filter((l) => l.source_id === o.sourceId && l.wit_namespace === o.witNamespace && l.wit_package === o.witPackage);
    if (similar.length > 1) {
      throw new UserError(`${similar.length} links from ${o.sourceId} use ${o.witNamespace}:${o.witPackage} (names: ${similar.map((l) => l.name).join(', ')})`, {
        suggestion: 'say which one with --link-name',
      });
    }
  }
  const req: DeleteLinkRequest = { source_id: o.sourceId, name: o.linkName ?? 'default', wit_namespace: o.witNamespace, wit_package: o.witPackage };
  await client.deleteLink(req);
  return req;
}

/** Deletes every link of the lattice; returns the links deleted. */
export async function deleteAllLinks(client: CtlClient, progress: ProgressFn = noProgress): Promise<Link[]> {
  const links = await client.getLinks();
  const deleted: Link[] = [];
  for (const l of links) {
    progress(`Deleting link for ${l.source_id} on ${l.wit_namespace}:${l.wit_package} (${l.name}) ...`);
    try {
      await client.deleteLink({ source_id: l.source_id, name: l.name, wit_namespace: l.wit_namespace, wit_package: l.wit_package });
    } catch (err) {
      throw new UserError(`deleted ${deleted.length} of ${links.length} links, then stopped`, { cause: err });
    }
    deleted.push(l);
  }
  return deleted;
}
