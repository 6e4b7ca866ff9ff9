/**
 * (Shared by tests and bench/, so it lives outside test/; not part of the library's exports.)
 * A light simulated wasmCloud host: answers the ctl v1 requests a wadm engine sends (ping, inventory,
 * component scale/update, provider start/stop, links, config, labels) over NATS and emits the v1 events a
 * real host would, without running anything. Hosts of one lattice share links and configs through a
 * `SimLattice` object (real hosts share them through KV). Counts (and on request records) every request, for
 * tests and benchmarks. Options make it misbehave on purpose: late or missing events, failing scales, a slow ping.
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  ctlError,
  ctlOk,
  ctlSuccess,
  decodeComponentAuctionRequest,
  decodeConfigMap,
  decodeDeleteLinkRequest,
  decodeHostLabel,
  decodeHostLabelIdentifier,
  decodeJson,
  decodeLink,
  decodeProviderAuctionRequest,
  decodeScaleComponentCommand,
  decodeStartProviderCommand,
  decodeStopProviderCommand,
  decodeUpdateComponentCommand,
  encodeJson,
} from '../lattice/codec.js';
import { buildEvent, encodeEvent, type EventName } from '../lattice/events.js';
import { isProtectedLabelKey, labelsSatisfy } from '../host/labels.js';
import { DEFAULT_CTL_PREFIX, eventSubject, hostSubscriptions, parseCtlSubject } from '../lattice/subjects.js';
import type {
  ClaimsList,
  ComponentDescription,
  ConfigMap,
  HostInventory,
  Link,
  ProviderDescription,
  StringMap,
} from '../lattice/types.js';

/** Lattice-wide data every host of the lattice sees (links and named configs). */
export interface SimLattice {
  links: Link[];
  configs: Map<string, ConfigMap>;
}

export function createSimLattice(): SimLattice {
  return { links: [], configs: new Map() };
}

export interface SimHostOptions {
  /** Default `default`. */
  lattice?: string;
  /** Links and configs shared with other hosts of the lattice; default: this host's own. */
  shared?: SimLattice;
  labels?: StringMap;
  id?: string;
  friendlyName?: string;
  prefix?: string;
  /** Heartbeat period in ms; 0 or absent: no automatic heartbeats. */
  heartbeatMs?: number;
  /** Delay before workload events (as if fetching an image); `never`: they are never published. */
  eventDelayMs?: number | 'never';
  /** Images whose start fails (component_scale_failed / provider_start_failed). */
  failImages?: string[];
  /** Every component scale fails with this `component_scale_failed` error. */
  scaleError?: string;
  /** Answer `host.ping` this many ms late (a slow host). */
  pingDelayMs?: number;
  /** Answer component/provider auctions, as a real host does (default false: wadm never auctions). */
  auctions?: boolean;
  /** Keep every request in `requests` (default false: benchmarks run many). */
  recordRequests?: boolean;
  /** What `claims.get` answers (default none). */
  claims?: ClaimsList;
  /** Publish host_started when up (default true). */
  announce?: boolean;
}

export interface SimRequest {
  subject: string;
  body: unknown;
}

export type SimOp =
  | 'host.ping'
  | 'host.get'
  | 'host.stop'
  | 'component.scale'
  | 'component.update'
  | 'component.auction'
  | 'provider.auction'
  | 'provider.start'
  | 'provider.stop'
  | 'link.put'
  | 'link.del'
  | 'link.get'
  | 'config.put'
  | 'config.get'
  | 'config.del'
  | 'claims.get'
  | 'label.put'
  | 'label.del';

export interface SimHost {
  readonly id: string;
  readonly labels: StringMap;
  /** Requests handled by this host, per operation. */
  readonly counts: Record<string, number>;
  /** Every scale request body (in order). */
  readonly scaleRequests: ReturnType<typeof decodeScaleComponentCommand>[];
  /** Every request (subject and decoded body, in order), with `recordRequests`. */
  readonly requests: SimRequest[];
  /** The lattice data this host reads and writes (links, configs). */
  readonly shared: SimLattice;
  components(): ComponentDescription[];
  providers(): ProviderDescription[];
  inventory(): HostInventory;
  heartbeat(): void;
  /** Stops answering; with `graceful` (default) publishes host_stopped first, like a real host. */
  stop(opts?: { graceful?: boolean }): Promise<void>;
}

/** wasmCloud 1.9's reply text (`handle_label_put`), as src/host/control.ts answers. */
const RESERVED_LABEL_PUT = 'hostcore.* labels cannot be set dynamically';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** A valid host id (N + 55 base32 characters): random, or the seed character repeated (readable in tests). */
export function simHostId(seed?: string): string {
  if (seed) return `N${seed.toUpperCase().repeat(55)}`;
  let s = 'N';
  for (let i = 0; i < 55; i++) s += B32[Math.floor(Math.random() * 32)];
  return s;
}

interface RunningComponent {
  image: string;
  count: number;
  annotations: StringMap;
  config: string[];
}

export async function startSimHost(nc: NatsConnection, opts: SimHostOptions): Promise<SimHost> {
  const id = opts.id ?? simHostId();
  const lattice = opts.lattice ?? 'default';
  const prefix = opts.prefix ?? DEFAULT_CTL_PREFIX;
  const labels: StringMap = {
    'hostcore.os': 'linux',
    'hostcore.arch': 'x86_64',
    'hostcore.osfamily': 'unix',
    ...(opts.labels ?? {}),
  };
  const friendlyName = opts.friendlyName ?? `sim-${id.slice(1, 7).toLowerCase()}`;
  const components = new Map<string, RunningComponent>();
  const providers = new Map<string, { image: string; annotations: StringMap }>();
  const counts: Record<string, number> = {};
  const scaleRequests: ReturnType<typeof decodeScaleComponentCommand>[] = [];
  const requests: SimRequest[] = [];
  const started = Date.now();
  const fails = new Set(opts.failImages ?? []);
  const shared = opts.shared ?? createSimLattice();
  let stopped = false;

  const emit = <N extends EventName>(name: N, data: Parameters<typeof buildEvent<N>>[1]) => {
    if (stopped) return;
    nc.publish(eventSubject(lattice, name), encodeEvent(buildEvent(name, data, id)));
  };
  const later = (fn: () => void) => {
    if (opts.eventDelayMs === 'never') return;
    if (opts.eventDelayMs) setTimeout(fn, opts.eventDelayMs);
    else queueMicrotask(fn);
  };

  const inventory = (): HostInventory => {
    const uptime = Math.floor((Date.now() - started) / 1000);
    return {
      host_id: id,
      friendly_name: friendlyName,
      labels: { ...labels },
      version: '1.9.0-sim',
      uptime_human: `${uptime}s`,
      uptime_seconds: uptime,
      components: [...components].map(([cid, c]) => ({
        id: cid,
        image_ref: c.image,
        annotations: { ...c.annotations },
        max_instances: c.count,
        revision: 0,
        limits: null,
      })),
      providers: [...providers].map(([pid, p]) => ({
        id: pid,
        image_ref: p.image,
        annotations: { ...p.annotations },
        revision: 0,
      })),
    };
  };

  function handle(msg: Msg): unknown {
    const parsed = parseCtlSubject(msg.subject, prefix);
    if (!parsed || parsed.op === 'unsupported') return ctlError('unsupported subject');
    const op = parsed.op;
    counts[op] = (counts[op] ?? 0) + 1;
    const body = () => decodeJson(msg.data);
    if (opts.recordRequests) requests.push({ subject: msg.subject, body: decodeJson(msg.data) });
    switch (op) {
      case 'host.ping': {
        const uptime = Math.floor((Date.now() - started) / 1000);
        return ctlOk({
          id,
          friendly_name: friendlyName,
          lattice,
          labels: { ...labels },
          uptime_seconds: uptime,
          uptime_human: `${uptime}s`,
          version: '1.9.0-sim',
        });
      }
      case 'host.get':
        return ctlOk(inventory());
      case 'host.stop':
        setTimeout(() => void stop({ graceful: true }), 10);
        return ctlSuccess('successfully handled stop host');
      case 'component.scale': {
        const cmd = decodeScaleComponentCommand(body());
        scaleRequests.push(cmd);
        const annotations = cmd.annotations ?? {};
        const prev = components.get(cmd.component_id);
        if (cmd.count === 0) {
          components.delete(cmd.component_id);
          later(() =>
            emit('component_scaled', {
              component_id: cmd.component_id,
              image_ref: prev?.image ?? cmd.component_ref,
              host_id: id,
              max_instances: 0,
              annotations: prev?.annotations ?? annotations,
            }),
          );
          return ctlSuccess();
        }
        if (opts.scaleError || (fails.has(cmd.component_ref) && !prev)) {
          later(() =>
            emit('component_scale_failed', {
              component_id: cmd.component_id,
              image_ref: cmd.component_ref,
              host_id: id,
              max_instances: cmd.count,
              annotations,
              error: opts.scaleError ?? `failed to fetch component ${cmd.component_ref}`,
            }),
          );
          return ctlSuccess();
        }
        if (prev) {
          // Like wasmCloud 1.x: re-instantiate (taking the new annotations and config) only when the count or the
          // config list changed, keep the running image unless allow_update, and report the previous annotations.
          const changed = prev.count !== cmd.count || prev.config.join('\u0000') !== cmd.config.join('\u0000');
          const image = cmd.allow_update ? cmd.component_ref : prev.image;
          if (changed)
            components.set(cmd.component_id, {
              image,
              count: cmd.count,
              annotations: { ...annotations },
              config: [...cmd.config],
            });
          later(() =>
            emit('component_scaled', {
              component_id: cmd.component_id,
              image_ref: image,
              host_id: id,
              max_instances: cmd.count,
              annotations: prev.annotations,
            }),
          );
          return ctlSuccess(
            prev.image !== cmd.component_ref && !cmd.allow_update
              ? `component ${cmd.component_id} is running ${prev.image}; kept it`
              : '',
          );
        }
        components.set(cmd.component_id, {
          image: cmd.component_ref,
          count: cmd.count,
          annotations: { ...annotations },
          config: [...cmd.config],
        });
        later(() =>
          emit('component_scaled', {
            component_id: cmd.component_id,
            image_ref: cmd.component_ref,
            host_id: id,
            max_instances: cmd.count,
            annotations,
          }),
        );
        return ctlSuccess();
      }
      case 'component.update': {
        const cmd = decodeUpdateComponentCommand(body());
        const prev = components.get(cmd.component_id);
        if (!prev) return ctlError(`component ${cmd.component_id} not found`);
        if (prev.image === cmd.new_component_ref)
          return ctlSuccess(`component ${cmd.component_id} already updated to ${cmd.new_component_ref}`);
        const annotations = cmd.annotations ?? {};
        components.set(cmd.component_id, {
          image: cmd.new_component_ref,
          count: prev.count,
          annotations: { ...annotations },
          config: prev.config,
        });
        later(() => {
          emit('component_scaled', {
            component_id: cmd.component_id,
            image_ref: cmd.new_component_ref,
            host_id: id,
            max_instances: prev.count,
            annotations,
          });
          emit('component_scaled', {
            component_id: cmd.component_id,
            image_ref: prev.image,
            host_id: id,
            max_instances: 0,
            annotations: prev.annotations,
          });
        });
        return ctlSuccess(`component ${cmd.component_id} updating from ${prev.image} to ${cmd.new_component_ref}`);
      }
      case 'provider.start': {
        const cmd = decodeStartProviderCommand(body());
        if (providers.has(cmd.provider_id)) return ctlError('provider with that ID is already running');
        const annotations = cmd.annotations ?? {};
        if (fails.has(cmd.provider_ref)) {
          later(() =>
            emit('provider_start_failed', {
              provider_ref: cmd.provider_ref,
              provider_id: cmd.provider_id,
              host_id: id,
              error: `failed to fetch provider ${cmd.provider_ref}`,
            }),
          );
          return ctlSuccess('successfully started provider');
        }
        providers.set(cmd.provider_id, { image: cmd.provider_ref, annotations: { ...annotations } });
        later(() => {
          emit('provider_started', {
            provider_id: cmd.provider_id,
            image_ref: cmd.provider_ref,
            host_id: id,
            annotations,
          });
          emit('health_check_passed', { provider_id: cmd.provider_id, host_id: id });
        });
        return ctlSuccess('successfully started provider');
      }
      case 'provider.stop': {
        const cmd = decodeStopProviderCommand(body());
        const prev = providers.get(cmd.provider_id);
        if (!prev) return ctlError(`provider ${cmd.provider_id} is not running on this host`);
        providers.delete(cmd.provider_id);
        later(() =>
          emit('provider_stopped', {
            provider_id: cmd.provider_id,
            host_id: id,
            annotations: prev.annotations,
            reason: 'stop',
          }),
        );
        return ctlSuccess();
      }
      case 'link.put': {
        const link = decodeLink(body());
        const sameIdentity = (l: Link) =>
          l.source_id === link.source_id &&
          l.wit_namespace === link.wit_namespace &&
          l.wit_package === link.wit_package &&
          l.name === link.name;
        const clash = shared.links.find(
          (l) => sameIdentity(l) && l.target !== link.target && l.interfaces.some((i) => link.interfaces.includes(i)),
        );
        if (clash) {
          emit('linkdef_set_failed', { ...link, error: 'link already exists with different target' });
          return ctlError(
            'link already exists with different target, consider deleting the existing link or using a different link name',
          );
        }
        shared.links = [...shared.links.filter((l) => !(sameIdentity(l) && l.target === link.target)), link];
        emit('linkdef_set', link);
        return ctlSuccess('successfully set link');
      }
      case 'link.del': {
        const req = decodeDeleteLinkRequest(body());
        const gone = shared.links.find(
          (l) =>
            l.source_id === req.source_id &&
            l.wit_namespace === req.wit_namespace &&
            l.wit_package === req.wit_package &&
            l.name === req.name,
        );
        shared.links = shared.links.filter((l) => l !== gone);
        emit('linkdef_deleted', { ...req, ...(gone ? { target: gone.target, interfaces: gone.interfaces } : {}) });
        return ctlSuccess();
      }
      case 'component.auction': {
        const req = decodeComponentAuctionRequest(body());
        if (!labelsSatisfy(labels, req.constraints) || components.has(req.component_id)) return undefined;
        return ctlOk({ ...req, host_id: id });
      }
      case 'provider.auction': {
        const req = decodeProviderAuctionRequest(body());
        if (!labelsSatisfy(labels, req.constraints) || providers.has(req.provider_id)) return undefined;
        return ctlOk({ ...req, host_id: id });
      }
      case 'link.get':
        return ctlOk(shared.links);
      case 'config.put':
        shared.configs.set(parsed.name, decodeConfigMap(body()));
        emit('config_set', { config_name: parsed.name });
        return ctlSuccess('successfully put config');
      case 'config.get': {
        const values = shared.configs.get(parsed.name);
        return values ? ctlOk(values) : ctlSuccess('Configuration not found');
      }
      case 'config.del':
        shared.configs.delete(parsed.name);
        emit('config_deleted', { config_name: parsed.name });
        return ctlSuccess('successfully deleted config');
      case 'claims.get':
        return ctlOk(opts.claims ?? []);
      case 'label.put': {
        const l = decodeHostLabel(body());
        if (isProtectedLabelKey(l.key)) return ctlError(RESERVED_LABEL_PUT);
        labels[l.key] = l.value;
        emit('labels_changed', { host_id: id, labels: { ...labels } });
        return ctlSuccess('successfully put label');
      }
      case 'label.del': {
        const l = decodeHostLabelIdentifier(body());
        if (!Object.hasOwn(labels, l.key)) return ctlSuccess('successfully deleted label (no such label)');
        delete labels[l.key];
        emit('labels_changed', { host_id: id, labels: { ...labels } });
        return ctlSuccess('successfully deleted label');
      }
      default:
        return ctlError('unsupported subject');
    }
  }

  const subs: Subscription[] = [];
  for (const s of hostSubscriptions(prefix, lattice, id)) {
    if (s.auction && !opts.auctions) continue;
    subs.push(
      nc.subscribe(s.subject, {
        ...(s.queue ? { queue: s.queue } : {}),
        callback: (err, msg) => {
          if (err || stopped) return;
          let reply: unknown;
          try {
            reply = handle(msg);
          } catch (e) {
            reply = ctlError((e as Error).message);
          }
          if (reply === undefined || !msg.reply) return;
          if (opts.pingDelayMs && msg.subject.endsWith('.host.ping'))
            setTimeout(() => !stopped && msg.respond(encodeJson(reply)), opts.pingDelayMs);
          else msg.respond(encodeJson(reply));
        },
      }),
    );
  }
  await nc.flush();

  let heartbeatTimer: NodeJS.Timeout | undefined;
  const heartbeat = () => emit('host_heartbeat', inventory());
  if (opts.heartbeatMs) heartbeatTimer = setInterval(heartbeat, opts.heartbeatMs);
  if (opts.announce !== false)
    emit('host_started', {
      friendly_name: friendlyName,
      labels: { ...labels },
      uptime_seconds: 0,
      version: '1.9.0-sim',
    });

  async function stop(stopOpts: { graceful?: boolean } = {}): Promise<void> {
    if (stopped) return;
    if (heartbeatTimer) clearInterval(heartbeatTimer);
    if (stopOpts.graceful !== false) emit('host_stopped', { labels: { ...labels } });
    stopped = true;
    for (const s of subs) s.unsubscribe();
    await nc.flush().catch(() => {});
  }

  return {
    id,
    labels,
    counts,
    scaleRequests,
    requests,
    shared,
    components: () => inventory().components,
    providers: () => inventory().providers,
    inventory,
    heartbeat,
    stop,
  };
}
