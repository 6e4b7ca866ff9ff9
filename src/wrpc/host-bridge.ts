/**
 * What a host needs to put a component's custom interfaces on wRPC (reference/wrpc.md §3.6, §4), minus the
 * runtime: link lookup, the async import resolver for the runtime's per-component import seam, the jco names
 * the runtime's JSPI async plan needs (`customFunctionNames`), and serving the component's custom exports.
 */
import type { Link } from '../lattice/types.js';
import { serveComponentExports } from './component-exports.js';
import { callable, wrpcImportResolver } from './component-imports.js';
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
 * jco names (`ns:pkg/iface#func`, unversioned) of the freestanding functions of the custom interfaces among a
 * component's imports or exports: what goes over wRPC, and what the runtime's JSPI async plan must cover.
 */
export function customFunctionNames(instances: ComponentTypes['imports']): string[] {
  const out: string[] = [];
  for (const [iface, { functions }] of instances) {
    if (!isCustomInterface(iface)) continue;
    const at = iface.indexOf('@');
    const unversioned = at === -1 ? iface : iface.slice(0, at);
    for (const name of functions.keys()) if (callable(name)) out.push(`${unversioned}#${name}`);
  }
  return out.sort();
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
