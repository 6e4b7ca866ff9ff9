/** wRPC-over-NATS subject names as wasmCloud 1.x uses them (reference/wrpc.md §1.1–1.2). */

export const WRPC_PROTOCOL = 'wrpc.0.0.1';

/** wasmCloud roots every component's / provider's wRPC subjects at `{lattice}.{id}` (also the queue group). */
export function wrpcPrefix(lattice: string, id: string): string {
  return `${lattice}.${id}`;
}

/**
 * `{prefix}.wrpc.0.0.1.{instance}.{func}`; the instance (interface name with its version, exactly as in the
 * WIT world) is left out, with its dot, for functions exported at the world root.
 */
export function invocationSubject(prefix: string, instance: string, func: string): string {
  return instance === '' ? `${prefix}.${WRPC_PROTOCOL}.${func}` : `${prefix}.${WRPC_PROTOCOL}.${instance}.${func}`;
}

/** WIT function name → wRPC function name: `[method]r.m` → `r.m`, `[constructor]r` → `r`, `[static]r.s` → `r.s`. */
export function rpcFuncName(witName: string): string {
  const m = /^\[(?:method|static|constructor)\](.*)$/.exec(witName);
  return m ? m[1] : witName;
}

/** Header names wasmCloud hosts and the provider SDK send on the first message of an invocation. */
export const HEADER_SOURCE_ID = 'source-id';
export const HEADER_LINK_NAME = 'link-name';
export const HEADER_TARGET_ID = 'target-id';
