/**
 * Writing a capability provider in TypeScript. A provider is a process a wasmCloud host (ours or upstream's)
 * starts with HostData on stdin; `runProvider` does the rest: connects to the lattice's NATS, serves the
 * declared interface functions over wRPC (`{lattice}.{provider_key}`, queue group the same), answers health
 * and shutdown requests, tracks the links and config the host pushes, and can call components back.
 *
 *   await runProvider({
 *     exports: {
 *       'example:greeter/greet@0.1.0': {
 *         greet: { params: [{ name: 'name', type: 'string' }], results: ['string'], handler: (_ctx, name) => `Hello, ${name}!` },
 *       },
 *     },
 *   });
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { HostData, InterfaceLinkDefinition } from '../host/provider-process/host-data.js';
import { providerSubjects } from '../host/provider-process/subjects.js';
import type { StringMap } from '../lattice/types.js';
import { HEADER_SOURCE_ID, HEADER_TARGET_ID, wrpcPrefix } from './subjects.js';
import { WrpcTransport, type InvocationContext } from './transport.js';
import type { FunctionType } from './types.js';

export type { HostData, InterfaceLinkDefinition } from '../host/provider-process/host-data.js';

/** One exported function: its WIT signature and the code that answers it. */
export interface ProviderFunction extends FunctionType {
  /**
   * Gets the params in order; returns the single result (or nothing for none, an array for several).
   * A thrown error fails the call (the caller sees its results closed; wRPC carries no error text), so return
   * the interface's own error value (`{ tag: 'err', val }`) for failures the caller should see.
   */
  handler: (ctx: CallContext, ...params: any[]) => unknown;
}

export interface CallContext extends InvocationContext {
  /** The link the call came through, when the host pushed one matching (`source-id`, `link-name`). */
  link?: InterfaceLinkDefinition;
  provider: RunningProvider;
}

export interface ProviderDefinition {
  /** Instance (interface with version, e.g. `example:greeter/greet@0.1.0`; `""` for world-root functions) → functions. */
  exports?: Record<string, Record<string, ProviderFunction>>;
  /** A link involving this provider was put (also called for each link present at start). */
  onLinkPut?: (link: InterfaceLinkDefinition, provider: RunningProvider) => void | Promise<void>;
  onLinkDeleted?: (link: InterfaceLinkDefinition, provider: RunningProvider) => void | Promise<void>;
  /** The provider's merged named config changed. */
  onConfigUpdate?: (config: StringMap, provider: RunningProvider) => void | Promise<void>;
  /** Answer to the host's health probe (default: healthy). */
  health?: () => { healthy: boolean; message?: string } | Promise<{ healthy: boolean; message?: string }>;
  /** Called on the host's shutdown request (and on SIGTERM/SIGINT) before the process exits. */
  onShutdown?: () => void | Promise<void>;
}

export interface RunProviderOptions {
  /** HostData; read from stdin when absent (the launch contract). */
  hostData?: HostData;
  stdin?: NodeJS.ReadableStream;
  /** Exit the process after shutdown (default true; false for providers embedded in tests). */
  exitOnShutdown?: boolean;
  /** Stop when the parent host process disappears (default true). */
  exitWithParent?: boolean;
}

export interface RunningProvider {
  readonly hostData: HostData;
  readonly id: string;
  readonly lattice: string;
  readonly nc: NatsConnection;
  readonly transport: WrpcTransport;
  /** Current links where this provider is source or target. */
  links(): InterfaceLinkDefinition[];
  config(): StringMap;
  /** Calls a function a component exports (e.g. a handler interface), as upstream providers do. */
  call(
    componentId: string,
    instance: string,
    func: string,
    sig: FunctionType,
    params: unknown[],
    opts?: { timeoutMs?: number },
  ): Promise<unknown[]>;
  /** Stops serving, runs `onShutdown`, closes the connection (the process exits only when asked to). */
  shutdown(): Promise<void>;
  /** Resolves once shut down. */
  readonly closed: Promise<void>;
}

/** Reads the first line of stdin: base64(JSON HostData). */
export async function readHostData(stdin: NodeJS.ReadableStream = process.stdin): Promise<HostData> {
  if ((stdin as { isTTY?: boolean }).isTTY) {
    throw new Error(
      'no HostData on stdin: a provider is started by a wasmCloud host (`wash start provider file://…` on a host with --allow-file-load), which writes base64 JSON HostData to its stdin',
    );
  }
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (text.includes('\n')) break;
  }
  const line = text.split(/\r?\n/)[0].trim();
  if (!line)
    throw new Error(
      'no HostData on stdin: a provider must be started by a wasmCloud host (base64 JSON HostData on stdin)',
    );
  try {
    return JSON.parse(Buffer.from(line, 'base64').toString('utf8')) as HostData;
  } catch (cause) {
    throw new Error('stdin does not hold base64 JSON HostData', { cause });
  }
}

const linkId = (l: InterfaceLinkDefinition) =>
  JSON.stringify([l.source_id, l.target, l.name, l.wit_namespace, l.wit_package]);

export async function runProvider(def: ProviderDefinition, opts: RunProviderOptions = {}): Promise<RunningProvider> {
  const hostData = opts.hostData ?? (await readHostData(opts.stdin));
  const { natsConnect } = await import('../lattice/connect.js');
  const id = hostData.provider_key;
  const lattice = hostData.lattice_rpc_prefix;
  const nc = await natsConnect(
    hostData.lattice_rpc_url,
    {
      jwt: hostData.lattice_rpc_user_jwt || undefined,
      seed: hostData.lattice_rpc_user_seed || undefined,
    },
    { name: `provider ${id}`, maxReconnectAttempts: -1 },
  );
  const transport = await WrpcTransport.open(nc);
  const links = new Map<string, InterfaceLinkDefinition>();
  let config: StringMap = { ...(hostData.config ?? {}) };
  const subjects = providerSubjects(lattice, id);
  const prefix = wrpcPrefix(lattice, id);
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  let shuttingDown: Promise<void> | undefined;
  const stops: Array<() => void> = [];
  const report = (what: string, err: unknown) =>
    console.error(`provider ${id}: ${what}: ${err instanceof Error ? err.message : String(err)}`);

  const provider: RunningProvider = {
    hostData,
    id,
    lattice,
    nc,
    transport,
    closed,
    links: () => [...links.values()],
    config: () => ({ ...config }),
    call: (componentId, instance, func, sig, params, o = {}) =>
      transport.invoke(wrpcPrefix(lattice, componentId), instance, func, sig, params, {
        headers: { [HEADER_SOURCE_ID]: id, [HEADER_TARGET_ID]: componentId },
        timeoutMs: o.timeoutMs ?? hostData.default_rpc_timeout_ms ?? 10_000,
      }),
    shutdown: () =>
      (shuttingDown ??= (async () => {
        for (const stop of stops) stop();
        try {
          await def.onShutdown?.();
        } catch (err) {
          report('shutdown hook failed', err);
        }
        transport.close();
        await nc.drain().catch(() => undefined);
        resolveClosed();
      })()),
  };

  const linkFor = (ctx: InvocationContext) =>
    [...links.values()].find((l) => l.source_id === ctx.sourceId && l.name === ctx.linkName && l.target === id);

  for (const [instance, funcs] of Object.entries(def.exports ?? {})) {
    for (const [func, f] of Object.entries(funcs)) {
      const served = transport.serve(
        prefix,
        instance,
        func,
        f,
        async (params, ctx) => {
          const out = await f.handler({ ...ctx, link: linkFor(ctx), provider }, ...params);
          if (f.results.length === 0) return [];
          if (f.results.length === 1) return [out];
          return out as unknown[];
        },
        { onError: (err, ctx) => report(`${instance}.${func} failed for ${ctx.sourceId ?? 'unknown caller'}`, err) },
      );
      stops.push(() => served.stop());
    }
  }

  const control = (subject: string, handle: (data: Uint8Array, reply?: string) => void | Promise<void>) => {
    const sub = nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        Promise.resolve(handle(msg.data, msg.reply)).catch((e) => report(`handling ${subject}`, e));
      },
    });
    stops.push(() => sub.unsubscribe());
  };
  const parse = <T>(data: Uint8Array): T => JSON.parse(new TextDecoder().decode(data)) as T;
  const exitAfterShutdown = opts.exitOnShutdown ?? true;
  const stopNow = async () => {
    await provider.shutdown();
    if (exitAfterShutdown) process.exit(0);
  };

  control(subjects.health, async (_d, reply) => {
    if (!reply) return;
    const state = def.health ? await def.health() : { healthy: true };
    nc.publish(reply, JSON.stringify(state));
  });
  control(subjects.shutdown, async (_d, reply) => {
    if (reply) nc.publish(reply, JSON.stringify({ success: true, message: '' }));
    await nc.flush().catch(() => undefined);
    await stopNow();
  });
  control(subjects.linkPut, async (data) => {
    const link = parse<InterfaceLinkDefinition>(data);
    links.set(linkId(link), link);
    await def.onLinkPut?.(link, provider);
  });
  control(subjects.linkDel, async (data) => {
    const link = parse<InterfaceLinkDefinition>(data);
    links.delete(linkId(link));
    await def.onLinkDeleted?.(link, provider);
  });
  control(subjects.configUpdate, async (data) => {
    config = parse<StringMap>(data);
    await def.onConfigUpdate?.(config, provider);
  });
  await nc.flush();

  for (const link of hostData.link_definitions ?? []) {
    links.set(linkId(link), link);
    try {
      await def.onLinkPut?.(link, provider);
    } catch (err) {
      report(`link from ${link.source_id} to ${link.target}`, err);
    }
  }

  if (opts.exitOnShutdown ?? true) {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void stopNow());
  }
  if (opts.exitWithParent ?? true) {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid !== parent) void stopNow();
    }, 1_000);
    watch.unref();
    stops.push(() => clearInterval(watch));
  }
  return provider;
}
