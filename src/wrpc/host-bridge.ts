/**
 * What a host needs to put a component's custom interfaces on wRPC (reference/wrpc.md §3.6, §4), minus the
 * runtime: link lookup, the async import resolver for the runtime's per-component import seam, the jco names
 * those imports need in the JSPI async plan, and serving the component's custom exports.
 */
import type { Link } from '../lattice/types.js';
import { serveComponentExports } from './component-exports.js';
import { wrpcAsyncImportNames, wrpcImportResolver } from './component-imports.js';
import type { ComponentTypes } from './component-types.js';
import type { InvocationContext, WrpcTransport } from './transport.js';

/** Namespaces whose interfaces the host implements itself or maps to typed wRPC interfaces (never dynamic). */
const HOST_NAMESPACES = new Set(['wasi', 'wasmcloud', 'wrpc']);

/** `example:greeter/greet@0.1.0` is custom; `wasi:keyvalue/store@0.2.0-draft` is not. */
export function isCustomInterface(name: string): boolean {
  const colon = name.indexOf(':');
  return colon > 0 && name.includes('/') && !HOST_NAMESPACES.has(name.slice(0, colon));
}

/**
 * The target of a component's import under a link name: the link from the component on the interface's
 * package that lists the interface (link key = `ns:pkg/iface` without version, as upstream).
 */
export function linkTarget(
  links: readonly Link[],
  componentId: string,
  iface: string,
  linkName = 'default',
): string | undefined {
  const m = /^([^:]+):([^/@]+)\/([^@]+)/.exec(iface);
  if (!m) return undefined;
  const [, ns, pkg, name] = m;
  return links.find(
    (l) =>
      l.source_id === componentId &&
      (l.name || 'default') === linkName &&
      l.wit_namespace === ns &&
      l.wit_package === pkg &&
      l.interfaces.includes(name),
  )?.target;
}

export interface ComponentWrpcOptions {
  transport: WrpcTransport;
  lattice: string;
  componentId: string;
  types: ComponentTypes;
  /** Links whose source is this component, read at call time. */
  links: () => readonly Link[];
  /** The link name the component chose per `ns:pkg/iface` (wasmcloud:bus set-link-name), default `default`. */
  linkName?: (iface: string) => string;
  timeoutMs?: number;
}

export interface ComponentWrpc {
  /** For the runtime's import seam: versioned interface → import object, for custom interfaces only. */
  imports: (iface: string) => Record<string, unknown> | undefined;
  /** jco `iface#func` names that must be async (JSPI `WebAssembly.Suspending`) for `imports` to work. */
  asyncImports: string[];
  /** Serves the component's custom exports on `{lattice}.{componentId}`; `call` runs one in the component. */
  serveExports(
    call: (instance: string, func: string, args: unknown[], ctx: InvocationContext) => unknown | Promise<unknown>,
    onError?: (err: unknown) => void,
  ): { stop(): void };
}

export function componentWrpc(opts: ComponentWrpcOptions): ComponentWrpc {
  const hostProvided = (iface: string) => !isCustomInterface(iface);
  return {
    imports: wrpcImportResolver({
      transport: opts.transport,
      lattice: opts.lattice,
      componentId: opts.componentId,
      types: opts.types,
      hostProvided,
      timeoutMs: opts.timeoutMs,
      linkName: opts.linkName,
      target: (iface, linkName) => linkTarget(opts.links(), opts.componentId, iface, linkName),
    }),
    asyncImports: wrpcAsyncImportNames(opts.types, hostProvided),
    serveExports: (call, onError) =>
      serveComponentExports({
        transport: opts.transport,
        lattice: opts.lattice,
        componentId: opts.componentId,
        types: opts.types,
        call,
        skip: (instance) => instance !== '' && !isCustomInterface(instance),
        onError,
      }),
  };
}

/**
 * What the host adds to a component's capabilities when it has custom imports: the resolver (the runtime's
 * per-component import seam) and the jco names the runtime must make async (JSPI) for it.
 */
export interface WrpcCapabilities {
  imports?: (iface: string) => Record<string, unknown> | undefined;
  asyncImports?: string[];
}

/** A running component whose runtime can call one of its exports (needed to serve exports over wRPC). */
export interface ExportCaller {
  callExport(instance: string, func: string, args: unknown[]): unknown | Promise<unknown>;
}

export function canCallExports(running: unknown): running is ExportCaller {
  return typeof (running as Partial<ExportCaller> | undefined)?.callExport === 'function';
}

/** True when a component has anything to put on wRPC (custom imports or exports). */
export function usesWrpc(types: ComponentTypes): boolean {
  return [...types.imports.keys(), ...types.exports.keys()].some(isCustomInterface);
}
