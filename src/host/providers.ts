import { ctlError, ctlSuccess } from '../lattice/codec.js';
import type { CtlResponse, ProviderDescription, StartProviderCommand, StopProviderCommand, StringMap } from '../lattice/types.js';
import { BuiltinHttpServer, isHttpServerProviderRef, type HttpServerDeps } from './builtin-http-server.js';
import { builtinKind, builtinRefsText, type BuiltinKind } from './capabilities/kinds.js';
import { BuiltinMessagingNats } from './capabilities/messaging.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { errorText } from './error-text.js';
import type { EventSink } from './event-publisher.js';
import type { HostLogger } from './log.js';

export interface HealthCheckTiming {
  /** First probe after start (v1: 5 s). */
  initialDelayMs: number;
  /** Then every (v1: 30 s). */
  intervalMs: number;
}

export const DEFAULT_HEALTH_CHECK: HealthCheckTiming = { initialDelayMs: 5_000, intervalMs: 30_000 };

export interface ProviderManagerDeps extends Omit<HttpServerDeps, 'links'> {
  linksFrom: (sourceId: string) => ReturnType<HttpServerDeps['links']>;
  /** The host's NATS connection (messaging-nats subscriptions). */
  nats?: () => NatsConnection;
  ensureSpec: (id: string, url: string) => Promise<void>;
  healthCheck?: Partial<HealthCheckTiming>;
}

interface ProviderRecord {
  id: string;
  ref: string;
  kind: BuiltinKind;
  annotations: StringMap;
  configNames: string[];
  /** What the provider runs by itself (http-server listeners, messaging-nats subscriptions); the others are served per call from the links. */
  server?: BuiltinHttpServer | BuiltinMessagingNats;
  timers: NodeJS.Timeout[];
}

const UNSUPPORTED =
  `only the providers built into the wash host can be started: ${builtinRefsText()}; binary capability providers are not supported yet`;

/**
 * Capability providers on this host: the built-in ones (kinds.ts), all in process. The http-server listens
 * for its links; the others (keyvalue, http-client) are served per call by src/host/capabilities from
 * whichever links name them. Anything else is answered like v1 (success, then `provider_start_failed`).
 */
export class ProviderManager {
  private readonly records = new Map<string, ProviderRecord>();
  private readonly reserved = new Set<string>();
  private readonly timing: HealthCheckTiming;

  constructor(private readonly deps: ProviderManagerDeps) {
    this.timing = { ...DEFAULT_HEALTH_CHECK, ...deps.healthCheck };
  }

  has(id: string): boolean {
    return this.records.has(id) || this.reserved.has(id);
  }

  descriptions(): ProviderDescription[] {
    return [...this.records.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((r) => ({ id: r.id, image_ref: r.ref, name: r.kind, revision: 0, annotations: r.annotations }));
  }

  /** The built-in capability a provider running on this host is. */
  kindOf(id: string): BuiltinKind | undefined {
    return this.records.get(id)?.kind;
  }

  /** Addresses each provider listens on (for logs and tests). */
  addresses(id: string): string[] {
    const server = this.records.get(id)?.server;
    return server instanceof BuiltinHttpServer ? server.addresses() : [];
  }

  start(cmd: StartProviderCommand): CtlResponse {
    const id = cmd.provider_id;
    if (this.has(id)) return ctlError('provider with that ID is already running');
    const kind = isHttpServerProviderRef(cmd.provider_ref) ? 'http-server' : builtinKind(cmd.provider_ref);
    if (!kind) {
      const error = `cannot start provider ${id} from ${cmd.provider_ref || '(empty reference)'}: ${UNSUPPORTED}`;
      this.deps.log.error(error);
      queueMicrotask(() => this.deps.events.publish('provider_start_failed', {
        provider_ref: cmd.provider_ref, provider_id: id, host_id: this.deps.hostId, error, link_name: 'default',
      }));
      return ctlSuccess('successfully started provider');
    }
    this.reserved.add(id);
    void this.startBuiltin(cmd, kind).finally(() => this.reserved.delete(id));
    return ctlSuccess('successfully started provider');
  }

  private async startBuiltin(cmd: StartProviderCommand, kind: BuiltinKind): Promise<void> {
    const id = cmd.provider_id;
    const annotations = cmd.annotations ?? {};
    const server = this.serverFor(kind, id);
    const record: ProviderRecord = { id, ref: cmd.provider_ref, kind, annotations, configNames: cmd.config, server, timers: [] };
    this.records.set(id, record);
    try {
      await this.deps.ensureSpec(id, cmd.provider_ref);
    } catch (err) {
      this.deps.log.warn(`could not record provider ${id} in the lattice state`, { error: errorText(err) });
    }
    this.deps.log.info(`provider ${id} started (built-in ${kind})`, { ref: cmd.provider_ref });
    this.deps.events.publish('provider_started', {
      host_id: this.deps.hostId, image_ref: cmd.provider_ref, provider_id: id, annotations,
      instance_id: id, public_key: id, link_name: 'default',
    });
    this.scheduleHealth(record);
    await server?.sync();
  }

  private serverFor(kind: BuiltinKind, id: string): ProviderRecord['server'] {
    if (kind === 'http-server') return new BuiltinHttpServer(id, { ...this.deps, links: () => this.deps.linksFrom(id) });
    const nats = this.deps.nats;
    if (kind === 'messaging-nats' && nats) {
      return new BuiltinMessagingNats(id, {
        nats, log: this.deps.log, config: this.deps.config,
        links: () => this.deps.linksFrom(id),
        deliver: (componentId, msg) => this.deps.component(componentId)?.handleMessage?.(msg),
      });
    }
    return undefined;
  }

  /** In-process providers are healthy while running: first probe flips to passed, later ones report status. */
  private scheduleHealth(record: ProviderRecord): void {
    const data = { host_id: this.deps.hostId, provider_id: record.id };
    const first = setTimeout(() => {
      if (!this.records.has(record.id)) return;
      this.deps.events.publish('health_check_passed', data);
      const every = setInterval(() => {
        if (this.records.get(record.id) === record) this.deps.events.publish('health_check_status', data);
      }, this.timing.intervalMs);
      every.unref();
      record.timers.push(every);
    }, this.timing.initialDelayMs);
    first.unref();
    record.timers.push(first);
  }

  async stop(cmd: StopProviderCommand): Promise<CtlResponse> {
    const record = this.records.get(cmd.provider_id);
    if (!record) return ctlError(`provider ${cmd.provider_id} is not running on this host`);
    await this.stopRecord(record);
    this.deps.events.publish('provider_stopped', {
      host_id: this.deps.hostId, provider_id: record.id, annotations: record.annotations, reason: 'stop',
      instance_id: record.id, public_key: record.id, link_name: 'default',
    });
    this.deps.log.info(`provider ${record.id} stopped`);
    return ctlSuccess('successfully stopped provider');
  }

  private async stopRecord(record: ProviderRecord): Promise<void> {
    this.records.delete(record.id);
    for (const t of record.timers) clearTimeout(t);
    await record.server?.stop();
  }

  /** Links or config changed somewhere in the lattice: every provider re-reads what concerns it. */
  async refresh(): Promise<void> {
    await Promise.all([...this.records.values()].map((r) => r.server?.sync()));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.records.values()].map((r) => this.stopRecord(r)));
  }
}
