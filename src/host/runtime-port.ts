/**
 * The slice of the component runtime (`src/host/runtime/`) the host depends on. Kept as interfaces so the
 * lattice side can be tested with a stub and the runtime can evolve behind it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface LoadedComponentLike {
  digest: string;
}

export interface ComponentCapabilities {
  /** The merged named configs of the component, read at call time (so config changes apply live). */
  config: () => Record<string, string>;
}

export interface RunningComponentLike {
  readonly componentId: string;
  readonly digest: string;
  readonly maxInstances: number;
  handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void>;
  setMaxInstances(n: number): void;
  stop(): Promise<void>;
}

export interface StartComponentOptions {
  componentId: string;
  maxInstances: number;
  capabilities: ComponentCapabilities;
}

export interface ComponentRuntimeLike {
  load(bytes: Uint8Array): Promise<LoadedComponentLike>;
  start(component: LoadedComponentLike, opts: StartComponentOptions): Promise<RunningComponentLike>;
  close(): Promise<void> | void;
}

export interface HttpIngressLike {
  /** Binds `host:port`; a port already in use is an error naming the address. */
  listen(address: string): Promise<void>;
  /** Serves requests on `address` with whatever `target()` returns at request time. */
  route(address: string, target: () => RunningComponentLike | undefined): void;
  /** Stops serving `address` and releases the port. */
  unroute(address: string): Promise<void>;
  close(): Promise<void> | void;
}

export interface RuntimeOptions {
  cacheDir: string;
  maxExecutionTimeMs?: number;
  maxLinearMemoryBytes?: number;
  log?: (level: string, componentId: string, message: string) => void;
}

/** Makes the runtime and the HTTP ingress; the default one loads `./runtime/index.js` lazily. */
export interface RuntimeFactory {
  createRuntime(opts: RuntimeOptions): Promise<ComponentRuntimeLike> | ComponentRuntimeLike;
  createIngress(opts: { log?: (level: string, message: string) => void }): Promise<HttpIngressLike> | HttpIngressLike;
}
