import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { washDirs } from '../config/dirs.js';
import { natsConnect } from '../lattice/connect.js';
import { maskSecrets, splitServerCredentials } from '../lattice/credentials.js';
import type { ParsedCtlSubject } from '../lattice/subjects.js';
import type { Host, HostInventory } from '../lattice/types.js';
import { HOST_VERSION } from '../protocol-versions.js';
import { ComponentManager } from './components.js';
import { handleControl, type ControlContext } from './control.js';
import { CtlServer } from './ctl-server.js';
import { errorText } from './error-text.js';
import { NatsEventPublisher } from './event-publisher.js';
import { friendlyName as randomFriendlyName, hostIdentity } from './identity.js';
import { hostLabels, type Labels } from './labels.js';
import { LatticeStore } from './lattice-store.js';
import { createHostLogger, logAt, type HostLogger } from './log.js';
import { HOST_DEFAULTS, endpointUrl, sameEndpoint, type HostOptions, type NatsEndpoint } from './options.js';
import { OciFetcher } from './oci-fetcher.js';
import { ProviderManager } from './providers.js';
import { PROCESS_PROVIDER_DEFAULTS } from './provider-process/settings.js';
import { defaultRuntimeFactory } from './runtime-factory.js';
import type { ComponentRuntimeLike, HttpIngressLike, ImportResolver } from './runtime-port.js';
import type { BuiltinKind } from './capabilities/kinds.js';
import type { BuiltinCapabilities } from './capabilities/resolver.js';
import { humanDuration } from './uptime.js';

/** Deadline of a component's call into a custom interface over wRPC (the provider SDK's default too). */
const WRPC_CALL_TIMEOUT_MS = 10_000;

export type HostStopReason = 'host.stop' | 'stop' | 'signal' | 'connection lost';

/** What a stopped host reports (the `closed` promise's value). */
export interface HostStopped {
  host_id: string;
  friendly_name: string;
  lattice: string;
  uptime_seconds: number;
  reason: HostStopReason;
  /** Why the connection was lost, when it was. */
  error?: string;
}

/** A running wash host (see `startHost`). */
export interface WashHost {
  /** nkey server public key (`N…`). */
  readonly id: string;
  readonly friendlyName: string;
  readonly lattice: string;
  /** Current labels (built-in `hostcore.*` included). */
  labels(): Labels;
  ping(): Host;
  inventory(): HostInventory;
  /** The OS pid of a provider process this host runs (undefined for built-in providers and unknown ids). */
  providerPid(id: string): number | undefined;
  /** Resolves once the host has stopped, for whatever reason. Never rejects. */
  readonly closed: Promise<HostStopped>;
  /** Graceful stop: components and providers stopped, `host_stopped` published, connections closed. */
  stop(opts?: { timeoutMs?: number; reason?: 'stop' | 'signal' }): Promise<HostStopped>;
}

async function connectEndpoint(
  e: NatsEndpoint | undefined,
  kind: 'ctl' | 'rpc',
  name: string,
): Promise<NatsConnection> {
  return natsConnect(
    endpointUrl(e),
    {
      user: e?.user,
      pass: e?.pass,
      flagNames: { seed: `--${kind}-seed (or --nats-seed)`, jwt: `--${kind}-jwt (or --nats-jwt)` },
      jwt: e?.jwt,
      seed: e?.seed,
      credsfile: e?.credsfile,
      tlsCaFile: e?.tlsCaFile,
      tlsFirst: e?.tlsFirst,
      hints: {
        unreachable:
          'start NATS with JetStream (e.g. `wash up`), or point --nats-host/--nats-port (WASMCLOUD_NATS_HOST/PORT) or --nats-url at it',
        tls: `pass the CA that signed the server's certificate with --${kind}-tls-ca-file (WASMCLOUD_${kind.toUpperCase()}_TLS_CA_FILE); add --${kind}-tls-first if the server expects the TLS handshake first`,
        denied: `check the credentials: user:password in --nats-url, --nats-jwt with --nats-seed, or --nats-creds (or the --${kind}-* variants)`,
      },
    },
    { name, maxReconnectAttempts: -1, ...(e?.tls ? { tls: {} } : {}) },
  );
}

/** The endpoint's server URL without any credentials (what ping replies and logs show). */
function serverOnly(e: NatsEndpoint | undefined): string {
  try {
    return splitServerCredentials(endpointUrl(e)).url;
  } catch {
    return maskSecrets(endpointUrl(e));
  }
}

function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve(undefined);
    }, ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Starts a host that joins the lattice: connects to NATS, creates/replays the lattice KV state, subscribes to
 * the v1 control interface, publishes `host_started` and then heartbeats. Resolves once the host is ready.
 */
export async function startHost(options: HostOptions = {}): Promise<WashHost> {
  const lattice = options.lattice ?? HOST_DEFAULTS.lattice;
  const labels = hostLabels(options.labels ?? {});
  const identity = await hostIdentity(options.hostSeed);
  const hostId = identity.publicKey;
  const friendlyName = options.friendlyName ?? randomFriendlyName();
  const log: HostLogger =
    options.logger ?? createHostLogger({ level: options.logLevel, structured: options.structuredLogging });
  const prefix = options.ctlTopicPrefix ?? HOST_DEFAULTS.ctlTopicPrefix;
  const startedAt = Date.now();
  const uptimeSeconds = () => Math.floor((Date.now() - startedAt) / 1000);

  const ctlNc = await connectEndpoint(options.ctl, 'ctl', `wash host ${friendlyName} (ctl)`);
  const sharedRpc = options.rpc === undefined || sameEndpoint(options.ctl, options.rpc);
  let rpcNc: NatsConnection = ctlNc;
  if (!sharedRpc) {
    try {
      rpcNc = await connectEndpoint(options.rpc, 'rpc', `wash host ${friendlyName} (rpc)`);
    } catch (err) {
      await ctlNc.close();
      throw err;
    }
  }
  const events = new NatsEventPublisher(ctlNc, lattice, hostId, log);

  // Runtime and ingress are created on first use: a host that only answers ctl requests never loads jco.
  const factory = options.runtime ?? defaultRuntimeFactory;
  let runtimePromise: Promise<ComponentRuntimeLike> | undefined;
  let ingressPromise: Promise<HttpIngressLike> | undefined;
  const runtime = () =>
    (runtimePromise ??= Promise.resolve(
      factory.createRuntime({
        cacheDir: options.cacheDir ?? join(washDirs().cache, 'components'),
        maxExecutionTimeMs: options.maxExecutionTimeMs ?? HOST_DEFAULTS.maxExecutionTimeMs,
        maxLinearMemoryBytes: options.maxLinearMemoryBytes ?? HOST_DEFAULTS.maxLinearMemoryBytes,
        log: (level, componentId, message) => logAt(log, level)(message, { component_id: componentId }),
      }),
    ));
  const ingress = () =>
    (ingressPromise ??= Promise.resolve(
      factory.createIngress({
        log: (level, message) => logAt(log, level)(message),
      }),
    ));

  let store: LatticeStore | undefined;
  const linksFrom = (id: string) => store?.cache.linksFrom(id) ?? [];
  const mergedConfig = (names: readonly string[]) => store?.cache.mergedConfig(names) ?? {};
  const ensureSpec = async (id: string, url: string) => {
    await store?.ensureSpec(id, url);
  };
  const storeClaims = async (subject: string, record: Record<string, string | string[]>) => {
    await store?.putClaims(subject, record);
  };

  const oci = new OciFetcher(options.oci ?? {}, log);
  // Built-in capabilities (keyvalue, http-client): created with the first component that needs them.
  let capabilitiesPromise: Promise<BuiltinCapabilities> | undefined;
  const capabilities = (): Promise<BuiltinCapabilities> =>
    (capabilitiesPromise ??= import('./capabilities/resolver.js').then(async ({ BuiltinCapabilities }) => {
      const { builtinKind } = await import('./capabilities/kinds.js');
      return new BuiltinCapabilities({
        nats: () => rpcNc,
        jsDomain: options.jsDomain,
        linksFrom,
        targetKind: (id): BuiltinKind | undefined =>
          providers.kindOf(id) ?? builtinKind(store?.cache.spec(id)?.url ?? ''),
        config: mergedConfig,
        defaultTimeoutMs: options.rpcTimeoutMs ?? HOST_DEFAULTS.rpcTimeoutMs,
        log,
      });
    }));

  // wRPC for components' custom interfaces: the transport (one inbox subscription on the rpc connection) is
  // opened when the first such component starts.
  let wrpcTransport: Promise<import('../wrpc/transport.js').WrpcTransport> | undefined;
  const wrpc = async (componentId: string, bytes: Uint8Array) => {
    const { componentFunctionTypes } = await import('../wrpc/component-types.js');
    const { componentWrpc, usesWrpc } = await import('../wrpc/host-bridge.js');
    const types = componentFunctionTypes(bytes);
    if (!usesWrpc(types)) return undefined;
    const { WrpcTransport } = await import('../wrpc/transport.js');
    const transport = await (wrpcTransport ??= WrpcTransport.open(rpcNc));
    return componentWrpc({
      transport,
      lattice,
      componentId,
      types,
      links: () => store?.cache.linksFrom(componentId) ?? [],
      timeoutMs: WRPC_CALL_TIMEOUT_MS,
    });
  };

  const components = new ComponentManager({
    hostId,
    runtime,
    events,
    log,
    ensureSpec,
    config: mergedConfig,
    oci,
    wrpc,
    imports: async (id): Promise<ImportResolver> => (await capabilities()).resolver(id),
    allowFileLoad: options.allowFileLoad ?? false,
    allowedFileDirs: options.allowFileLoadDirs,
    maxComponents: options.maxComponents,
    maxComponentSizeBytes: options.maxComponentSizeBytes ?? HOST_DEFAULTS.maxComponentSizeBytes,
    storeClaims,
  });
  const providers = new ProviderManager({
    hostId,
    ingress,
    events,
    log,
    linksFrom,
    ensureSpec,
    storeClaims,
    config: mergedConfig,
    nats: () => rpcNc,
    component: (id) => components.get(id),
    healthCheck: options.providerHealthCheck,
    processes: {
      lattice,
      rpc: () => rpcNc,
      allLinks: () => store?.cache.links() ?? [],
      allowFileLoad: options.allowFileLoad ?? false,
      cacheDir: options.cacheDir ? join(options.cacheDir, 'providers') : join(washDirs().cache, 'providers'),
      rpcUrl: endpointUrl(options.rpc ?? options.ctl),
      rpcJwt: (options.rpc ?? options.ctl)?.jwt,
      rpcSeed: (options.rpc ?? options.ctl)?.seed,
      rpcTimeoutMs: options.rpcTimeoutMs ?? HOST_DEFAULTS.rpcTimeoutMs,
      backoff: { ...PROCESS_PROVIDER_DEFAULTS.backoff, ...options.providerRestartBackoff },
      stopGraceMs: options.providerStopGraceMs ?? PROCESS_PROVIDER_DEFAULTS.stopGraceMs,
    },
  });

  try {
    store = await LatticeStore.open(ctlNc, {
      lattice,
      jsDomain: options.jsDomain,
      replicas: options.jsReplicas,
      log,
      onChange: (_change, replaying) => {
        if (!replaying) void providers.refresh();
      },
    });
  } catch (err) {
    await ctlNc.close().catch(() => undefined);
    if (rpcNc !== ctlNc) await rpcNc.close().catch(() => undefined);
    throw err;
  }
  const latticeStore = store;

  const ping = (): Host => {
    const h: Host = {
      id: hostId,
      friendly_name: friendlyName,
      lattice,
      labels: { ...labels },
      uptime_seconds: uptimeSeconds(),
      uptime_human: humanDuration(uptimeSeconds()),
      version: HOST_VERSION,
      ctl_host: serverOnly(options.ctl),
      rpc_host: serverOnly(options.rpc ?? options.ctl),
    };
    if (options.jsDomain) h.js_domain = options.jsDomain;
    return h;
  };
  const inventory = (): HostInventory => ({
    components: components.descriptions(),
    providers: providers.descriptions(),
    host_id: hostId,
    friendly_name: friendlyName,
    labels: { ...labels },
    version: HOST_VERSION,
    uptime_human: humanDuration(uptimeSeconds()),
    uptime_seconds: uptimeSeconds(),
  });

  let resolveClosed: (s: HostStopped) => void = () => {};
  const closed = new Promise<HostStopped>((r) => {
    resolveClosed = r;
  });
  let stopping: Promise<HostStopped> | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let ctlServer: CtlServer | undefined;

  const shutdown = (reason: HostStopReason, timeoutMs?: number, error?: string): Promise<HostStopped> => {
    stopping ??= (async () => {
      const deadline = timeoutMs ?? options.stopTimeoutMs ?? HOST_DEFAULTS.stopTimeoutMs;
      log.info(`host ${friendlyName} stopping`, { reason });
      clearInterval(heartbeat);
      ctlServer?.stop();
      latticeStore.close();
      await withDeadline(Promise.all([components.stopAll(), providers.stopAll()]), deadline, () => {
        log.warn(`components and providers did not stop within ${deadline} ms; stopping anyway`);
      });
      if (wrpcTransport) (await wrpcTransport.catch(() => undefined))?.close();
      await withDeadline(
        (async () => {
          if (ingressPromise) await (await ingressPromise).close();
          if (runtimePromise) await (await runtimePromise).close();
          if (capabilitiesPromise) await (await capabilitiesPromise).close();
        })().catch((err) => log.warn('runtime did not close cleanly', { error: errorText(err) })),
        deadline,
        () => undefined,
      );
      if (!ctlNc.isClosed()) {
        events.publish('host_stopped', { labels: { ...labels } });
        await ctlNc.flush().catch(() => undefined);
        await ctlNc.close().catch(() => undefined);
      }
      if (rpcNc !== ctlNc && !rpcNc.isClosed()) await rpcNc.close().catch(() => undefined);
      const stopped: HostStopped = {
        host_id: hostId,
        friendly_name: friendlyName,
        lattice,
        uptime_seconds: uptimeSeconds(),
        reason,
      };
      if (error) stopped.error = error;
      log.info(`host ${friendlyName} stopped`);
      resolveClosed(stopped);
      return stopped;
    })();
    return stopping;
  };

  const ctx: ControlContext = {
    hostId,
    labels,
    ping,
    inventory,
    components,
    providers,
    events,
    log,
    store: {
      putLink: (l) => latticeStore.putLink(l),
      deleteLink: (id) => latticeStore.deleteLink(id),
      readLinks: () => latticeStore.readLinks(),
      readConfig: (n) => latticeStore.readConfig(n),
      putConfig: (n, c) => latticeStore.putConfig(n, c),
      deleteConfig: (n) => latticeStore.deleteConfig(n),
      missingConfigs: (names) => latticeStore.missingConfigs(names),
      claims: () => latticeStore.cache.claimsList(),
    },
    // After the reply has been queued on the connection.
    requestStop: (timeoutMs) => {
      setImmediate(() => void shutdown('host.stop', timeoutMs));
    },
    putRegistryCredentials: (creds) => oci.putCredentials(creds),
  };
  ctlServer = new CtlServer(ctlNc, {
    prefix,
    lattice,
    hostId,
    log,
    componentAuctions: options.componentAuctions ?? true,
    providerAuctions: options.providerAuctions ?? true,
    handle: (subject: ParsedCtlSubject, data: Uint8Array) => handleControl(ctx, subject, data),
  });
  try {
    await ctlServer.start();
  } catch (err) {
    await shutdown('stop');
    throw err;
  }

  void ctlNc.closed().then((err) => {
    if (!stopping) void shutdown('connection lost', undefined, err ? errorText(err) : 'the NATS connection was closed');
  });

  events.publish('host_started', {
    friendly_name: friendlyName,
    labels: { ...labels },
    uptime_seconds: 0,
    version: HOST_VERSION,
  });
  const interval = options.heartbeatIntervalMs ?? HOST_DEFAULTS.heartbeatIntervalMs;
  heartbeat = setInterval(() => events.publish('host_heartbeat', inventory()), interval);
  log.info(`host ${friendlyName} started`, { host_id: hostId, lattice, nats: serverOnly(options.ctl) });
  oci.prewarm();

  return {
    id: hostId,
    friendlyName,
    lattice,
    labels: () => ({ ...labels }),
    ping,
    inventory,
    providerPid: (id) => providers.pid(id),
    closed,
    stop: (opts = {}) => shutdown(opts.reason ?? 'stop', opts.timeoutMs),
  };
}
