import { basename } from 'node:path';
import { ctlError, ctlSuccess } from '../lattice/codec.js';
import type {
  CtlResponse,
  Link,
  ProviderDescription,
  StartProviderCommand,
  StopProviderCommand,
  StringMap,
} from '../lattice/types.js';
import { BuiltinHttpServer, isHttpServerProviderRef, type HttpServerDeps } from './builtin-http-server.js';
import { builtinKind, builtinRefsText, type BuiltinKind } from './capabilities/kinds.js';
import { BuiltinMessagingNats } from './capabilities/messaging.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { eventTimestamp } from './claims-wire.js';
import { errorText } from './error-text.js';
import { providerExecutablePath, type ProcessProviderSettings } from './provider-process/settings.js';
import type { SupervisedProvider } from './provider-process/supervised-provider.js';
import type { ProviderClaims } from './provider-process/archive.js';

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
  /** Records `CLAIMS_{subject}` in the lattice state (what `claims.get` lists). */
  storeClaims?: (subject: string, record: Record<string, string | string[]>) => Promise<void>;
  healthCheck?: Partial<HealthCheckTiming>;
  /** Provider processes (`file://` refs); without these only the built-in providers can start. */
  processes?: ProcessProviderSettings & {
    lattice: string;
    rpc: () => NatsConnection;
    allLinks: () => Link[];
  };
}

interface ProviderRecord {
  id: string;
  ref: string;
  /** The built-in capability; undefined for a provider process. */
  kind?: BuiltinKind;
  annotations: StringMap;
  configNames: string[];
  /** What the provider runs by itself (http-server listeners, messaging-nats subscriptions); the others are served per call from the links. */
  server?: BuiltinHttpServer | BuiltinMessagingNats;
  process?: SupervisedProvider;
  /** A provider archive's claims. */
  claims?: ProviderClaims;
  timers: NodeJS.Timeout[];
}

const UNSUPPORTED = `only the providers built into the wash host can be started: ${builtinRefsText()}; provider executables and provider archives (.par.gz) from file:// references; OCI provider archives are not supported yet`;

/**
 * Capability providers on this host: the built-in ones (kinds.ts), in process — the http-server listens for its
 * links, messaging-nats subscribes, the others (keyvalue, http-client) are served per call by src/host/capabilities
 * from whichever links name them — and supervised provider processes (`file://` executables or provider archives, src/host/provider-process).
 * Anything else is answered like v1 (success, then `provider_start_failed`).
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
      .map((r) => {
        const d: ProviderDescription = {
          id: r.id,
          image_ref: r.ref,
          name: r.claims?.name ?? r.kind ?? basename(r.ref),
          revision: r.claims?.revision ?? 0,
          annotations: r.annotations,
        };
        if (r.claims?.vendor) d.vendor = r.claims.vendor;
        if (r.process) {
          d.restart_count = r.process.restartCount;
          if (r.process.lastExitReason) d.last_exit_reason = r.process.lastExitReason;
        }
        return d;
      });
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

  /** The pid of a provider process (tests, diagnostics). */
  pid(id: string): number | undefined {
    return this.records.get(id)?.process?.pid;
  }

  private startFailed(cmd: StartProviderCommand, error: string): void {
    this.deps.log.error(error);
    queueMicrotask(() =>
      this.deps.events.publish('provider_start_failed', {
        provider_ref: cmd.provider_ref,
        provider_id: cmd.provider_id,
        host_id: this.deps.hostId,
        error,
        link_name: 'default',
      }),
    );
  }

  start(cmd: StartProviderCommand): CtlResponse {
    const id = cmd.provider_id;
    if (this.has(id)) return ctlError('provider with that ID is already running');
    if (cmd.provider_ref.trim().startsWith('file://') && this.deps.processes) {
      this.reserved.add(id);
      void this.startProcess(cmd).finally(() => this.reserved.delete(id));
      return ctlSuccess('successfully started provider');
    }
    const kind = isHttpServerProviderRef(cmd.provider_ref) ? 'http-server' : builtinKind(cmd.provider_ref);
    if (!kind) {
      this.startFailed(
        cmd,
        `cannot start provider ${id} from ${cmd.provider_ref || '(empty reference)'}: ${UNSUPPORTED}`,
      );
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
    const record: ProviderRecord = {
      id,
      ref: cmd.provider_ref,
      kind,
      annotations,
      configNames: cmd.config,
      server,
      timers: [],
    };
    this.records.set(id, record);
    await this.announceStarted(cmd, `provider ${id} started (built-in ${kind})`, { ref: cmd.provider_ref });
    this.scheduleHealth(record);
    await server?.sync();
  }

  private serverFor(kind: BuiltinKind, id: string): ProviderRecord['server'] {
    if (kind === 'http-server')
      return new BuiltinHttpServer(id, { ...this.deps, links: () => this.deps.linksFrom(id) });
    const nats = this.deps.nats;
    if (kind === 'messaging-nats' && nats) {
      return new BuiltinMessagingNats(id, {
        nats,
        log: this.deps.log,
        config: this.deps.config,
        links: () => this.deps.linksFrom(id),
        deliver: (componentId, msg) => this.deps.component(componentId)?.handleMessage?.(msg),
      });
    }
    return undefined;
  }

  private async startProcess(cmd: StartProviderCommand): Promise<void> {
    const id = cmd.provider_id;
    const p = this.deps.processes!;
    const annotations = cmd.annotations ?? {};
    let supervised: SupervisedProvider;
    let claims: ProviderClaims | undefined;
    try {
      const file = providerExecutablePath(cmd.provider_ref, p.allowFileLoad);
      const { SupervisedProvider, buildHostData, providerLinks, resolveLink, resolveProviderFile } = await import(
        './provider-process/index.js'
      );
      const resolved = await resolveProviderFile(file, p.cacheDir);
      claims = resolved.claims;
      if (claims && !claims.validation.signatureValid)
        this.deps.log.warn(
          `provider ${id} (${cmd.provider_ref}): the signature of its claims.jwt is not valid (${claims.validation.signatureProblem}); starting it anyway, as upstream hosts do`,
        );
      supervised = new SupervisedProvider({
        providerId: id,
        executable: resolved.path,
        hostId: this.deps.hostId,
        lattice: p.lattice,
        rpc: p.rpc(),
        events: this.deps.events,
        log: this.deps.log,
        health: this.timing,
        backoff: p.backoff,
        stopGraceMs: p.stopGraceMs,
        rpcTimeoutMs: p.rpcTimeoutMs,
        hostData: () =>
          buildHostData({
            hostId: this.deps.hostId,
            lattice: p.lattice,
            providerId: id,
            rpcUrl: p.rpcUrl,
            rpcJwt: p.rpcJwt,
            rpcSeed: p.rpcSeed,
            links: providerLinks(p.allLinks(), id).map((l) => resolveLink(l, this.deps.config)),
            config: this.deps.config(cmd.config),
            rpcTimeoutMs: p.rpcTimeoutMs,
          }),
      });
      await supervised.start();
    } catch (err) {
      this.startFailed(cmd, `cannot start provider ${id} from ${cmd.provider_ref}: ${errorText(err)}`);
      return;
    }
    this.records.set(id, {
      id,
      ref: cmd.provider_ref,
      annotations,
      configNames: cmd.config,
      process: supervised,
      claims,
      timers: [],
    });
    if (claims) await this.recordClaims(id, claims);
    await this.announceStarted(
      cmd,
      `provider ${id} started`,
      { ref: cmd.provider_ref, pid: supervised.pid, ...(claims ? { name: claims.name, vendor: claims.vendor } : {}) },
      claims,
    );
  }

  /** `CLAIMS_{subject}` as upstream stores a provider's (StoredProviderClaims); best effort. */
  private async recordClaims(id: string, claims: ProviderClaims): Promise<void> {
    const { storedProviderClaims } = await import('./provider-process/index.js');
    try {
      await this.deps.storeClaims?.(claims.subject, storedProviderClaims(claims));
    } catch (err) {
      this.deps.log.warn(`could not record the claims of provider ${id} in the lattice state`, {
        error: errorText(err),
      });
    }
  }

  /** Records the provider in the lattice state (best effort), logs and publishes `provider_started`. */
  private async announceStarted(
    cmd: StartProviderCommand,
    message: string,
    fields: Record<string, unknown>,
    claims?: ProviderClaims,
  ): Promise<void> {
    const id = cmd.provider_id;
    try {
      await this.deps.ensureSpec(id, cmd.provider_ref);
    } catch (err) {
      this.deps.log.warn(`could not record provider ${id} in the lattice state`, { error: errorText(err) });
    }
    this.deps.log.info(message, fields);
    this.deps.events.publish('provider_started', {
      host_id: this.deps.hostId,
      image_ref: cmd.provider_ref,
      provider_id: id,
      annotations: cmd.annotations ?? {},
      ...(claims
        ? {
            claims: {
              issuer: claims.issuer,
              tags: null,
              name: claims.name,
              version: claims.version ?? '',
              not_before_human: eventTimestamp(claims.notBefore),
              expires_human: eventTimestamp(claims.expires),
            },
          }
        : {}),
      instance_id: id,
      public_key: id,
      link_name: 'default',
    });
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
      host_id: this.deps.hostId,
      provider_id: record.id,
      annotations: record.annotations,
      reason: 'stop',
      instance_id: record.id,
      public_key: record.id,
      link_name: 'default',
    });
    this.deps.log.info(`provider ${record.id} stopped`);
    return ctlSuccess('successfully stopped provider');
  }

  private async stopRecord(record: ProviderRecord): Promise<void> {
    this.records.delete(record.id);
    for (const t of record.timers) clearTimeout(t);
    await record.server?.stop();
    await record.process?.stop();
  }

  /** Links or config changed somewhere in the lattice: every provider re-reads what concerns it. */
  async refresh(): Promise<void> {
    const p = this.deps.processes;
    if (p && [...this.records.values()].some((r) => r.process)) {
      const { providerLinks, resolveLink } = await import('./provider-process/index.js');
      const all = p.allLinks();
      for (const r of this.records.values()) {
        r.process?.pushState(
          providerLinks(all, r.id).map((l) => resolveLink(l, this.deps.config)),
          this.deps.config(r.configNames),
        );
      }
    }
    await Promise.all([...this.records.values()].map((r) => r.server?.sync()));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.records.values()].map((r) => this.stopRecord(r)));
  }
}
