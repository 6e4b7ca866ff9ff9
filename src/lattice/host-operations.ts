/** Host operations of the lattice commands: pick a host (id, prefix, friendly name or auction), stop, label. */
import { UserError } from '../errors.js';
import type { CtlClient } from './ctl-client.js';
import type { ProgressFn } from './request-and-confirm.js';
import type { HostInventory, StringMap } from './types.js';
import { isHostId } from './validate.js';

export interface HostMatch {
  id: string;
  friendlyName?: string;
}

const describeHost = (id: string, name?: string) => (name ? `${id} (${name})` : id);
const constraintText = (c: StringMap) =>
  Object.keys(c).length
    ? Object.entries(c)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')
    : 'none';

/**
 * A host id from what the user typed: a full id is used as is; otherwise the value must match exactly one
 * running host by id prefix or (case-insensitive) friendly-name substring, as wash v1 does.
 */
export async function resolveHostId(client: CtlClient, value: string, arg: string): Promise<HostMatch> {
  if (isHostId(value)) return { id: value };
  if (value.trim() === '') throw new UserError(`${arg} must not be empty`);
  const hosts = await client.pingHosts();
  const needle = value.toLowerCase();
  const matches = hosts.filter(
    (h) => h.id.toLowerCase().startsWith(needle) || h.friendly_name.toLowerCase().includes(needle),
  );
  if (matches.length === 1) return { id: matches[0].id, friendlyName: matches[0].friendly_name };
  if (matches.length === 0) {
    throw new UserError(
      `${arg} "${value}" is not a host id (a 56-character nkey starting with N) and matches no host of lattice "${client.lattice}" by id prefix or friendly name`,
      {
        suggestion: hosts.length
          ? `running hosts: ${hosts.map((h) => describeHost(h.id, h.friendly_name)).join(', ')}`
          : 'no host is running: start one with `wash up`',
      },
    );
  }
  throw new UserError(
    `${arg} "${value}" matches ${matches.length} hosts: ${matches.map((h) => describeHost(h.id, h.friendly_name)).join(', ')}`,
    {
      suggestion: 'pass the full host id',
    },
  );
}

/** The inventories of the hosts running a component or provider with this id. */
export async function hostsRunning(
  client: CtlClient,
  kind: 'component' | 'provider',
  id: string,
): Promise<HostInventory[]> {
  const inventories = await client.getInventories();
  return inventories.filter((inv) => (kind === 'component' ? inv.components : inv.providers).some((x) => x.id === id));
}

/** One host running `id`: the given one (checked) or the only one in the lattice. */
export async function hostRunning(
  client: CtlClient,
  kind: 'component' | 'provider',
  id: string,
  hostArg: string | undefined,
): Promise<{ inventory: HostInventory; imageRef?: string }> {
  let inventory: HostInventory;
  if (hostArg !== undefined) {
    const host = await resolveHostId(client, hostArg, '--host-id');
    inventory = await client.getInventory(host.id);
  } else {
    const running = await hostsRunning(client, kind, id);
    if (running.length === 0) {
      throw new UserError(`no host of lattice "${client.lattice}" is running ${kind} "${id}"`, {
        suggestion: 'list what runs where with `wash get inventory`',
      });
    }
    if (running.length > 1) {
      throw new UserError(
        `${kind} "${id}" runs on ${running.length} hosts: ${running.map((i) => describeHost(i.host_id, i.friendly_name)).join(', ')}`,
        {
          suggestion: 'choose one with --host-id',
        },
      );
    }
    inventory = running[0];
  }
  const entry = (kind === 'component' ? inventory.components : inventory.providers).find((x) => x.id === id);
  if (!entry) {
    throw new UserError(
      `${kind} "${id}" is not running on host ${describeHost(inventory.host_id, inventory.friendly_name)}`,
      {
        suggestion: 'list what runs where with `wash get inventory`',
      },
    );
  }
  return { inventory, imageRef: entry.image_ref };
}

/** The host named by --host-id, or the first host to answer an auction for this workload. */
export async function pickHost(
  client: CtlClient,
  o: {
    kind: 'component' | 'provider';
    id: string;
    ref: string;
    hostId?: string;
    constraints?: StringMap;
    auctionTimeoutMs: number;
    progress: ProgressFn;
  },
): Promise<string> {
  if (o.hostId !== undefined) return (await resolveHostId(client, o.hostId, '--host-id')).id;
  o.progress(`Looking for a host for ${o.kind} ${o.id} ...`);
  const constraints = o.constraints ?? {};
  const window = { timeoutMs: o.auctionTimeoutMs, first: true };
  const [ack] =
    o.kind === 'component'
      ? await client.componentAuction({ component_ref: o.ref, component_id: o.id, constraints }, window)
      : await client.providerAuction({ provider_ref: o.ref, provider_id: o.id, constraints }, window);
  if (!ack) {
    throw new UserError(
      `no host of lattice "${client.lattice}" accepted ${o.kind} "${o.id}" (${o.ref}) within ${o.auctionTimeoutMs} ms; constraints: ${constraintText(constraints)}`,
      {
        suggestion:
          'hosts only accept when their labels match every constraint and they do not already run this id: check `wash get hosts` / `wash get inventory`, relax --constraint, or pass --host-id',
      },
    );
  }
  return ack.host_id;
}

export async function stopHost(
  client: CtlClient,
  o: { host: string; hostTimeoutMs?: number },
): Promise<{ result: string; host_id: string }> {
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
export async function labelHost(
  client: CtlClient,
  o: { host: string; labels: Array<[string, string]>; delete: boolean },
): Promise<LabelResult> {
  const host = await resolveHostId(client, o.host, '<host-id>');
  const processed: Array<[string, string]> = [];
  for (const [key, value] of o.labels) {
    try {
      if (o.delete) await client.deleteLabel(host.id, key);
      else await client.putLabel(host.id, key, value);
    } catch (err) {
      if (processed.length === 0) throw err;
      throw new UserError(`${o.delete ? 'deleted' : 'set'} ${processed.map(([k]) => k).join(', ')} but then stopped`, {
        cause: err,
      });
    }
    processed.push([key, value]);
  }
  return {
    host_id: host.id,
    ...(host.friendlyName ? { friendly_name: host.friendlyName } : {}),
    deleted: o.delete,
    processed,
  };
}

/** `k=v` label arguments (comma-separated lists allowed); with `--delete` only keys are needed. */
export function parseLabelArgs(args: readonly string[], deleting: boolean): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const item of args.flatMap((a) => a.split(',')).filter((a) => a !== '')) {
    const eq = item.indexOf('=');
    if (eq === 0) throw new UserError(`label "${item}" has no key`);
    if (eq < 0 && !deleting)
      throw new UserError(`label "${item}" is not in key=value form`, {
        suggestion: 'for example: wash label <host-id> zone=us-east-1',
      });
    out.push(eq < 0 ? [item, ''] : [item.slice(0, eq), item.slice(eq + 1)]);
  }
  if (out.length === 0)
    throw new UserError('no labels given', { suggestion: 'for example: wash label <host-id> zone=us-east-1' });
  return out;
}
