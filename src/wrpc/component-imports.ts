/**
 * A component's imports of custom interfaces, answered over wRPC: each call goes to the link's target
 * (`{lattice}.{target}.wrpc.0.0.1.{instance}.{func}`) with `source-id` = the component and `link-name`, as a
 * wasmCloud host does (reference/wrpc.md §3.6, §4). The functions are async: the runtime must make them
 * `WebAssembly.Suspending` imports (JSPI) — `customFunctionNames` (host-bridge.ts) lists them in jco's naming.
 *
 * Values pass in jco's shapes. A `result` return type follows jco's import convention: `ok` returns the
 * value, `err` throws `{ payload }`. When the call itself fails (no link, nobody serving, timeout, callee
 * failure) and the function returns `result<_, string>`, the failure arrives as that error string — the
 * interface's own error; otherwise it is thrown as an Error, which traps the guest.
 */
import { rpcFuncName, HEADER_LINK_NAME, HEADER_SOURCE_ID, wrpcPrefix } from './subjects.js';
import type { WrpcTransport } from './transport.js';
import type { ComponentTypes } from './component-types.js';
import { lowerCamel, type FunctionType, type WrpcType } from './types.js';

export interface WrpcImportsOptions {
  transport: WrpcTransport;
  lattice: string;
  componentId: string;
  /** From `componentFunctionTypes(bytes)`. */
  types: ComponentTypes;
  /** The link target for an unversioned `ns:pkg/iface` under a link name, read at call time (links change). */
  target: (iface: string, linkName: string) => string | undefined;
  /** The link name the component uses for an interface (default `default`). */
  linkName?: (iface: string) => string;
  /** Interfaces the host serves itself (never sent over wRPC). */
  hostProvided?: (versionedIface: string) => boolean;
  timeoutMs?: number;
}

/** Throwing this from a jco import makes the guest see `err(payload)`. */
export class ErrResult {
  constructor(readonly payload: unknown) {}
}

function unversioned(name: string): string {
  const at = name.indexOf('@');
  return at === -1 ? name : name.slice(0, at);
}

function resultType(f: FunctionType): { ok?: WrpcType; err?: WrpcType } | undefined {
  const only = f.results.length === 1 ? f.results[0] : undefined;
  return only && typeof only === 'object' && 'result' in only ? only.result : undefined;
}

/** Freestanding functions only: resources of remote interfaces are not supported (yet). */
export function callable(name: string): boolean {
  return !name.startsWith('[');
}

/** The runtime's per-component import resolver seam: versioned interface name → import object, or undefined. */
export function wrpcImportResolver(opts: WrpcImportsOptions): (iface: string) => Record<string, unknown> | undefined {
  return (iface) => {
    if (opts.hostProvided?.(iface)) return undefined;
    const entry = opts.types.imports.get(iface);
    if (!entry) return undefined;
    const key = unversioned(iface);
    const members: Record<string, unknown> = {};
    for (const [name, sig] of entry.functions) {
      if (!callable(name)) continue;
      members[lowerCamel(name)] = (...args: unknown[]) => callRemote(opts, iface, key, name, sig, args);
    }
    return members;
  };
}

async function callRemote(
  opts: WrpcImportsOptions,
  iface: string,
  key: string,
  name: string,
  sig: FunctionType,
  args: unknown[],
): Promise<unknown> {
  const result = resultType(sig);
  const stringErr = result?.err === 'string';
  const linkName = opts.linkName?.(key) ?? 'default';
  const target = opts.target(key, linkName);
  let values: unknown[];
  try {
    if (!target)
      throw new Error(
        `component ${opts.componentId} called ${iface}#${name}, but no link named '${linkName}' for ${key} exists (put a link from it)`,
      );
    values = await opts.transport.invoke(wrpcPrefix(opts.lattice, target), iface, rpcFuncName(name), sig, args, {
      headers: { [HEADER_SOURCE_ID]: opts.componentId, [HEADER_LINK_NAME]: linkName },
      timeoutMs: opts.timeoutMs,
    });
  } catch (err) {
    if (stringErr) throw new ErrResult((err as Error).message);
    throw err;
  }
  if (sig.results.length === 0) return undefined;
  if (sig.results.length > 1) return values;
  const value = values[0];
  if (result) {
    const r = value as { tag: 'ok' | 'err'; val: unknown };
    if (r.tag === 'err') throw new ErrResult(r.val);
    return r.val;
  }
  return value;
}
