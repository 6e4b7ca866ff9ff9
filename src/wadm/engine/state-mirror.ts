/**
 * Optional copy of the observed state in KV `wadm_state`, in Rust wadm's shape (wadm.md §3.1), so it can
 * be inspected with `nats kv get wadm_state host_{lattice}` and friends. Written by the leader only.
 */
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { STATE_BUCKET } from '../../lattice/known-hosts.js';
import { dict } from '../../lattice/dict.js';
import type { LatticeState } from './state.js';

export { STATE_BUCKET };

const capitalised = { pending: 'Pending', running: 'Running', failed: 'Failed' } as const;

export function mirrorDocuments(state: LatticeState, lattice: string): Record<string, unknown> {
  const hosts = dict<unknown>();
  for (const h of state.hosts.values()) {
    const components = dict<number>();
    for (const id of h.components) components[id] = state.components.get(id)?.get(h.id)?.count ?? 0;
    const providers = [...h.providers].map((id) => {
      const rec = state.providers.get(id)?.get(h.id);
      return { provider_id: id, provider_ref: rec?.imageRef ?? '', annotations: rec?.annotations ?? {} };
    });
    hosts[h.id] = {
      id: h.id,
      friendly_name: h.friendlyName,
      labels: h.labels,
      version: h.version ?? null,
      uptime_seconds: h.uptimeSeconds,
      components,
      providers,
      last_seen: new Date(h.lastSeen).toISOString(),
    };
  }
  const components = dict<unknown>();
  for (const [id, byHost] of state.components) {
    let reference = '';
    let name = '';
    const instances = dict<unknown[]>();
    for (const [hostId, rec] of byHost) {
      reference = rec.imageRef;
      name ||= rec.name ?? '';
      instances[hostId] = [{ annotations: rec.annotations, count: rec.count }];
    }
    components[id] = { id, name, issuer: '', reference, instances };
  }
  const providers = dict<unknown>();
  for (const [id, byHost] of state.providers) {
    let reference = '';
    let name = '';
    const hostsOf = dict<string>();
    for (const [hostId, rec] of byHost) {
      reference = rec.imageRef;
      name ||= rec.name ?? '';
      hostsOf[hostId] = capitalised[rec.health];
    }
    providers[id] = { id, name, issuer: '', reference, hosts: hostsOf };
  }
  return { [`host_${lattice}`]: hosts, [`component_${lattice}`]: components, [`provider_${lattice}`]: providers };
}

export async function openStateBucket(nc: NatsConnection, jsDomain?: string, replicas = 1): Promise<KV> {
  const { jetstream } = await import('@nats-io/jetstream');
  const { Kvm } = await import('@nats-io/kv');
  const kvm = new Kvm(jetstream(nc, jsDomain ? { domain: jsDomain } : {}));
  try {
    return await kvm.create(STATE_BUCKET, { history: 1, replicas });
  } catch (err) {
    try {
      return await kvm.open(STATE_BUCKET);
    } catch {
      throw err;
    }
  }
}

/**
 * Writes the three documents. One larger than the server's payload limit (tens of thousands of components) cannot
 * be stored in this layout at all: it is left out and named in the result, so the others (notably `host_…`, which
 * lattice queries read) are still kept current.
 */
export async function writeMirror(
  kv: KV,
  state: LatticeState,
  lattice: string,
  maxPayload: number,
): Promise<{ skipped: Array<{ key: string; bytes: number }> }> {
  const skipped: Array<{ key: string; bytes: number }> = [];
  for (const [key, doc] of Object.entries(mirrorDocuments(state, lattice))) {
    const bytes = Buffer.from(JSON.stringify(doc));
    // Leave room for the KV message's headers and subject.
    if (bytes.length > maxPayload - 1024) {
      skipped.push({ key, bytes: bytes.length });
      continue;
    }
    await kv.put(key, bytes);
  }
  return { skipped };
}
