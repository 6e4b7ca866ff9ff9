/**
 * A tiny stand-in for a wasmCloud host, enough to exercise the ctl client and the lattice commands:
 * answers ping/inventory/auctions/scale/provider/labels/links/claims/config from in-memory state and
 * publishes the events a real host would (optionally late, or never).
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { ctlError, ctlOk, ctlSuccess, decodeJson, encodeJson } from '../../../src/lattice/codec.js';
import { buildEvent, encodeEvent, type EventName } from '../../../src/lattice/events.js';
import { eventSubject, hostSubscriptions, parseCtlSubject } from '../../../src/lattice/subjects.js';
import type {
  ComponentDescription,
  ConfigMap,
  Host,
  HostInventory,
  Link,
  ProviderDescription,
  StringMap,
} from '../../../src/lattice/types.js';

export interface FakeHostOptions {
  id: string;
  friendlyName?: string;
  lattice?: string;
  prefix?: string;
  labels?: StringMap;
  /** Publish outcome events after this many ms; `never` to not publish them at all. */
  eventDelayMs?: number | 'never';
  /** Make scale requests fail with this `component_scale_failed` error. */
  scaleError?: string;
  /** Answer `host.ping` this many ms late (a slow host). */
  pingDelayMs?: number;
}

export interface FakeHost {
  id: string;
  requests: Array<{ subject: string; body: unknown }>;
  components: Map<string, ComponentDescription>;
  providers: Map<string, ProviderDescription>;
  config: Map<string, ConfigMap>;
  links: Link[];
  labels: StringMap;
  stop(): Promise<void>;
}

export async function startFakeHost(nc: NatsConnection, o: FakeHostOptions): Promise<FakeHost> {
  const lattice = o.lattice ?? 'default';
  const prefix = o.prefix ?? 'wasmbus.ctl';
  const state: FakeHost = {
    id: o.id,
    requests: [],
    components: new Map(),
    providers: new Map(),
    config: new Map(),
    links: [],
    labels: { 'hostcore.os': 'linux', 'hostcore.arch': 'x86_64', 'hostcore.osfamily': 'unix', ...(o.labels ?? {}) },
    stop: async () => {
      for (const s of subs) s.unsubscribe();
      await nc.flush();
    },
  };
  const friendly = o.friendlyName ?? 'fake-host-0001';
  const started = Date.now();
  const publish = <N extends EventName>(name: N, data: Parameters<typeof buildEvent<N>>[1]) => {
    const send = () => nc.publish(eventSubject(lattice, name), encodeEvent(buildEvent(name, data, o.id)));
    if (o.eventDelayMs === 'never') return;
    if (!o.eventDelayMs) send();
    else setTimeout(send, o.eventDelayMs);
  };
  const hostInfo = (): Host => ({
    id: o.id,
    friendly_name: friendly,
    lattice,
    labels: state.labels,
    uptime_seconds: Math.floor((Date.now() - started) / 1000),
    uptime_human: '1s',
    version: '1.9.2-fake',
  });
  const inventory = (): HostInventory => ({
    components: [...state.components.values()],
    providers: [...state.providers.values()],
    host_id: o.id,
    friendly_name: friendly,
    labels: state.labels,
    version: '1.9.2-fake',
    uptime_human: '1s',
    uptime_seconds: 1,
  });

  const handle = (subject: string, data: Uint8Array): unknown => {
    const parsed = parseCtlSubject(subject, prefix);
    const body = decodeJson(data) as Record<string, any> | undefined;
    state.requests.push({ subject, body });
    if (!parsed) return ctlError('unsupported subject');
    switch (parsed.op) {
      case 'host.ping':
        return ctlOk(hostInfo());
      case 'host.get':
        return ctlOk(inventory());
      case 'host.stop':
        return ctlSuccess('successfully handled stop host');
      case 'component.auction':
        if (state.components.has(body!.component_id)) return undefined;
        if (!Object.entries(body!.constraints ?? {}).every(([k, v]) => state.labels[k] === v)) return undefined;
        return ctlOk({
          component_ref: body!.component_ref,
          component_id: body!.component_id,
          host_id: o.id,
          constraints: body!.constraints,
        });
      case 'provider.auction':
        if (state.providers.has(body!.provider_id)) return undefined;
        if (!Object.entries(body!.constraints ?? {}).every(([k, v]) => state.labels[k] === v)) return undefined;
        return ctlOk({
          provider_ref: body!.provider_ref,
          provider_id: body!.provider_id,
          host_id: o.id,
          constraints: body!.constraints,
        });
      case 'component.scale': {
        const { component_id, component_ref, count } = body!;
        const annotations = body!.annotations ?? {};
        if (o.scaleError) {
          publish('component_scale_failed', {
            component_id,
            image_ref: component_ref,
            host_id: o.id,
            max_instances: count,
            annotations,
            error: o.scaleError,
          });
        } else {
          if (count === 0) state.components.delete(component_id);
          else
            state.components.set(component_id, {
              id: component_id,
              image_ref: component_ref,
              revision: 0,
              max_instances: count,
              annotations,
              limits: null,
            });
          publish('component_scaled', {
            component_id,
            image_ref: component_ref,
            host_id: o.id,
            max_instances: count,
            annotations,
          });
        }
        return ctlSuccess('');
      }
      case 'component.update': {
        const c = state.components.get(body!.component_id);
        if (!c) return ctlError(`component ${body!.component_id} not found`);
        const old = c.image_ref;
        c.image_ref = body!.new_component_ref;
        return ctlSuccess(`component ${c.id} updating from ${old} to ${c.image_ref}`);
      }
      case 'provider.start': {
        const { provider_id, provider_ref } = body!;
        if (state.providers.has(provider_id)) return ctlError('provider with that ID is already running');
        state.providers.set(provider_id, { id: provider_id, image_ref: provider_ref, revision: 0, annotations: {} });
        publish('provider_started', { host_id: o.id, image_ref: provider_ref, provider_id, annotations: {} });
        return ctlSuccess('successfully started provider');
      }
      case 'provider.stop': {
        state.providers.delete(body!.provider_id);
        publish('provider_stopped', { host_id: o.id, provider_id: body!.provider_id, annotations: {}, reason: 'stop' });
        return ctlSuccess('');
      }
      case 'label.put':
        if (body!.key.toLowerCase().startsWith('hostcore.')) return ctlError(`label ${body!.key} is reserved`);
        state.labels[body!.key] = body!.value;
        return ctlSuccess('successfully put label');
      case 'label.del':
        if (!(body!.key in state.labels)) return ctlSuccess('successfully deleted label (no such label)');
        delete state.labels[body!.key];
        return ctlSuccess('successfully deleted label');
      case 'link.put': {
        const link = body as Link;
        const clash = state.links.find(
          (l) =>
            l.source_id === link.source_id &&
            l.wit_namespace === link.wit_namespace &&
            l.wit_package === link.wit_package &&
            l.name === link.name,
        );
        if (clash && clash.target !== link.target)
          return ctlError(
            'link already exists with different target, consider deleting the existing link or using a different link name',
          );
        state.links = state.links.filter((l) => l !== clash).concat([link]);
        return ctlSuccess('successfully set link');
      }
      case 'link.del':
        state.links = state.links.filter(
          (l) =>
            !(
              l.source_id === body!.source_id &&
              l.wit_namespace === body!.wit_namespace &&
              l.wit_package === body!.wit_package &&
              l.name === body!.name
            ),
        );
        return ctlSuccess('successfully deleted link');
      case 'link.get':
        return ctlOk(state.links);
      case 'claims.get':
        return ctlOk([
          {
            sub: 'MXYZ',
            subject: 'MXYZ',
            iss: 'AXYZ',
            issuer: 'AXYZ',
            name: 'Echo',
            version: '0.1.0',
            rev: '1',
            revision: '1',
          },
        ]);
      case 'config.put':
        state.config.set(parsed.name, body as ConfigMap);
        return ctlSuccess('successfully put config');
      case 'config.get': {
        const c = state.config.get(parsed.name);
        return c ? ctlOk(c) : ctlSuccess('Configuration not found');
      }
      case 'config.del':
        state.config.delete(parsed.name);
        return ctlSuccess('successfully deleted config');
      default:
        return ctlError('unsupported subject');
    }
  };

  const subs: Subscription[] = hostSubscriptions(prefix, lattice, o.id).map(({ subject, queue }) =>
    nc.subscribe(subject, {
      queue,
      callback: (err, msg) => {
        if (err) return;
        const reply = handle(msg.subject, msg.data);
        if (reply === undefined || !msg.reply) return;
        if (o.pingDelayMs && msg.subject.endsWith('.host.ping'))
          setTimeout(() => msg.respond(encodeJson(reply)), o.pingDelayMs);
        else msg.respond(encodeJson(reply));
      },
    }),
  );
  await nc.flush();
  return state;
}

/** A syntactically valid host id (N + 55 base32 characters) derived from a seed character. */
export function fakeHostId(c: string): string {
  return `N${c.repeat(55)}`.toUpperCase();
}
