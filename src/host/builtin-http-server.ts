import type { Link, StringMap } from '../lattice/types.js';
import { errorText } from './error-text.js';
import type { EventSink } from './event-publisher.js';
import { linkKey } from './links.js';
import type { HostLogger } from './log.js';
import type { HttpIngressLike, RunningComponentLike } from './runtime-port.js';

export const BUILTIN_HTTP_SERVER_REF = 'wasmcloud+builtin://http-server';
export const DEFAULT_HTTP_ADDRESS = '127.0.0.1:8000';

/** The built-in ref, and the upstream provider image (so unmodified wadm manifests run). */
export function isHttpServerProviderRef(ref: string): boolean {
  const r = ref.trim().replace(/^oci:\/\//, '');
  return r === BUILTIN_HTTP_SERVER_REF || /^ghcr\.io\/wasmcloud\/http-server(:[^/]*)?(@sha256:[0-9a-f]+)?$/.test(r);
}

/** A link this provider serves: it is the source, towards `wasi:http/incoming-handler`. */
export function isIncomingHandlerLink(link: Link, providerId: string): boolean {
  return (
    link.source_id === providerId &&
    link.wit_namespace === 'wasi' &&
    link.wit_package === 'http' &&
    link.interfaces.includes('incoming-handler')
  );
}

export interface HttpBinding {
  address: string;
  link: Link;
}

/**
 * Which address serves which link: `address` from the link's merged source config (default
 * 127.0.0.1:8000). Two links claiming one address: the first keeps it, the others are returned as conflicts.
 */
export function planBindings(
  links: readonly Link[],
  providerId: string,
  config: (names: readonly string[]) => StringMap,
): { bindings: Map<string, HttpBinding>; conflicts: HttpBinding[] } {
  const bindings = new Map<string, HttpBinding>();
  const conflicts: HttpBinding[] = [];
  for (const link of links) {
    if (!isIncomingHandlerLink(link, providerId)) continue;
    const address = (config(link.source_config).address ?? '').trim() || DEFAULT_HTTP_ADDRESS;
    if (bindings.has(address)) conflicts.push({ address, link });
    else bindings.set(address, { address, link });
  }
  return { bindings, conflicts };
}

export interface HttpServerDeps {
  hostId: string;
  ingress: () => Promise<HttpIngressLike>;
  /** The component running on this host under an id (resolved per request). */
  component: (id: string) => RunningComponentLike | undefined;
  /** Links whose source is this provider (lattice state). */
  links: () => Link[];
  config: (names: readonly string[]) => StringMap;
  events: EventSink;
  log: HostLogger;
}

/**
 * The in-process `http-server` provider: each incoming-handler link from it to a component becomes a
 * listener on the link's address that hands requests to whatever component currently runs under the
 * link's target id, so component updates and late starts need no re-binding. Only components on this
 * host can be reached (there is no wRPC between hosts).
 */
export class BuiltinHttpServer {
  /** address → component id currently served there. */
  private readonly bound = new Map<string, { componentId: string; key: string }>();
  /** Link+address pairs whose failure was already reported (retried on every sync, reported once). */
  private readonly reported = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    readonly providerId: string,
    private readonly deps: HttpServerDeps,
  ) {}

  addresses(): string[] {
    return [...this.bound.keys()];
  }

  /** Re-reads links and config and converges listeners on them; calls are serialised. */
  sync(): Promise<void> {
    this.chain = this.chain
      .then(() => this.syncNow())
      .catch((err) => {
        this.deps.log.error(`http-server provider ${this.providerId} failed to apply links`, { error: errorText(err) });
      });
    return this.chain;
  }

  private failure(binding: HttpBinding, error: string): void {
    const key = `${linkKey(binding.link)}@${binding.address}`;
    this.deps.log.error(
      `http-server provider ${this.providerId} cannot serve component ${binding.link.target} on ${binding.address}`,
      { error },
    );
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.deps.events.publish('linkdef_set_failed', { ...binding.link, error });
  }

  private async syncNow(): Promise<void> {
    if (this.stopped) return;
    const { bindings, conflicts } = planBindings(this.deps.links(), this.providerId, this.deps.config);
    const ingress = await this.deps.ingress();
    for (const [address] of [...this.bound]) {
      if (bindings.has(address)) continue;
      this.bound.delete(address);
      await ingress
        .unroute(address)
        .catch((err) => this.deps.log.warn(`could not stop listening on ${address}`, { error: errorText(err) }));
      this.deps.log.info(`http-server provider ${this.providerId} stopped listening on ${address}`);
    }
    const live = new Set<string>();
    for (const binding of bindings.values()) {
      const key = linkKey(binding.link);
      live.add(`${key}@${binding.address}`);
      const current = this.bound.get(binding.address);
      if (current) {
        current.componentId = binding.link.target;
        current.key = key;
        continue;
      }
      try {
        await ingress.listen(binding.address);
        const entry = { componentId: binding.link.target, key };
        this.bound.set(binding.address, entry);
        ingress.route(binding.address, () => this.deps.component(entry.componentId));
        this.deps.log.info(
          `http-server provider ${this.providerId} serving component ${binding.link.target} on http://${binding.address}`,
        );
      } catch (err) {
        this.failure(binding, errorText(err));
      }
    }
    for (const c of conflicts) {
      live.add(`${linkKey(c.link)}@${c.address}`);
      this.failure(
        c,
        `address ${c.address} is already used by the link to component ${bindings.get(c.address)?.link.target}`,
      );
    }
    for (const key of [...this.reported]) if (!live.has(key)) this.reported.delete(key);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.chain;
    if (this.bound.size === 0) return;
    const ingress = await this.deps.ingress();
    for (const address of [...this.bound.keys()]) {
      this.bound.delete(address);
      await ingress
        .unroute(address)
        .catch((err) => this.deps.log.warn(`could not stop listening on ${address}`, { error: errorText(err) }));
    }
  }
}
