/**
 * The slice of the component runtime (`src/host/runtime/`) the host depends on. Kept as interfaces so the
 * lattice side can be tested with a stub and the runtime can evolve behind it.
 */
import type { LoadedComponent, RunningComponent, RuntimeOptions, StartOptions } from './runtime/types.js';

export type LoadedComponentLike = Pick<LoadedComponent, 'digest'>;

export type {
  Capabilities as ComponentCapabilities,
  ImportResolver,
  StartOptions as StartComponentOptions,
  RuntimeOptions,
} from './runtime/types.js';

/** A running component as the host uses it (stubs in tests need not report stats). */
export type RunningComponentLike = Omit<RunningComponent, 'stats'>;

export interface ComponentRuntimeLike {
  load(bytes: Uint8Array): Promise<LoadedComponentLike>;
  start(component: LoadedComponentLike, opts: StartOptions): Promise<RunningComponentLike>;
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

/** Makes the runtime and the HTTP ingress; the default one loads `./runtime/index.js` lazily. */
export interface RuntimeFactory {
  createRuntime(opts: RuntimeOptions): Promise<ComponentRuntimeLike> | ComponentRuntimeLike;
  createIngress(opts: { log?: (level: string, message: string) => void }): Promise<HttpIngressLike> | HttpIngressLike;
}
