import type { IncomingMessage, ServerResponse } from 'node:http';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'critical';

export interface RuntimeOptions {
  /** Transpiled glue and core modules are cached here, one folder per component digest. */
  cacheDir: string;
  /** A request running longer gets a 504 (see ARCHITECTURE.md for what can and cannot be interrupted). */
  maxExecutionTimeMs?: number;
  /** Upper bound for each instance's linear memory; growing past it traps that instance. */
  maxLinearMemoryBytes?: number;
  /**
   * Checks every written-pages reset of a FetchEvent instance against a full compare with its snapshot and counts
   * what it missed in `stats().instanceResetMisses` (for tests; costs the full compare).
   */
  verifyInstanceReset?: boolean;
  log?: (level: LogLevel, componentId: string, message: string) => void;
}

/**
 * Host functions for one imported interface the runtime does not implement itself (keyvalue, outgoing
 * HTTP, a custom interface…), given its versioned name; undefined leaves the import to the stand-in that
 * traps when called. Called once per interface per new instance.
 */
export type ImportResolver = (iface: string) => Record<string, unknown> | undefined;

/** Per running component, supplied by the host control plane. */
export interface Capabilities {
  /** Merged named configs, read on every wasi:config call (so updates are visible at once). */
  config: () => Record<string, string>;
  /** Capabilities selected by links (see src/host/capabilities/resolver.ts); none when absent. */
  imports?: ImportResolver;
}

/**
 * reusable: one instance serves many requests (WAT/Rust/Go components, JS components exporting
 * `incomingHandler`); fetch-event: a componentize-js FetchEvent component, one request per instance.
 */
export type ServingStyle = 'reusable' | 'fetch-event';

export interface LoadedComponent {
  readonly digest: string;
  /** Versioned WIT interface names, e.g. `wasi:http/types@0.2.10`. */
  readonly imports: string[];
  readonly exports: string[];
  readonly style: ServingStyle;
}

export interface RunningComponentStats {
  instances: number;
  inFlight: number;
  served: number;
  failed: number;
  style: ServingStyle;
  /**
   * How a fetch-event instance gets back to a fresh state: restoring the pages it wrote from its start-up snapshot
   * (`written-pages`), comparing its whole memory with the snapshot (`snapshot`), or not at all (a new instance).
   */
  instanceReset: 'none' | 'written-pages' | 'snapshot' | 'new-instance';
  /** With `verifyInstanceReset`: 64 KiB chunks a written-pages reset missed (a full compare repaired them). */
  instanceResetMisses?: number;
}

/** wasmcloud:messaging broker-message. */
export interface BrokerMessage {
  subject: string;
  body: Uint8Array;
  replyTo?: string;
}

export interface RunningComponent {
  readonly componentId: string;
  readonly digest: string;
  readonly maxInstances: number;
  handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Calls the component's wasmcloud:messaging/handler export; rejects with the guest's error or trap. */
  handleMessage?(msg: BrokerMessage): Promise<void>;
  /**
   * Calls one exported function (versioned interface, '' for the world root; WIT function name) with
   * jco-shaped arguments; how the host serves a component's custom exports over wRPC.
   */
  callExport?(instance: string, func: string, args: unknown[]): Promise<unknown>;
  setMaxInstances(n: number): void;
  /** Finishes in-flight requests, then releases the instances. */
  stop(): Promise<void>;
  stats(): RunningComponentStats;
}

export interface StartOptions {
  componentId: string;
  maxInstances: number;
  capabilities: Capabilities;
}
