/**
 * Serving a component's exported custom interfaces over wRPC, as a wasmCloud host does: every function of
 * every exported instance (and world-root function) on `{lattice}.{componentId}`, queue group the same, so
 * every host running the component shares the calls. `call` runs the export in the component (the runtime
 * decides on which instance); a thrown `{ payload }` from a function returning `result` is sent as `err`.
 */
import type { ComponentTypes } from './component-types.js';
import { rpcFuncName, wrpcPrefix } from './subjects.js';
import type { InvocationContext, Served, WrpcTransport } from './transport.js';
import type { FunctionType } from './types.js';

export interface ServeExportsOptions {
  transport: WrpcTransport;
  lattice: string;
  componentId: string;
  types: ComponentTypes;
  /** Runs `instance#func` (versioned instance, WIT function name) with jco-shaped arguments. */
  call: (instance: string, func: string, args: unknown[], ctx: InvocationContext) => unknown | Promise<unknown>;
  /** Exports served some other way (wasi:http/incoming-handler through the http-server provider). */
  skip?: (instance: string) => boolean;
  onError?: (err: unknown, ctx: Partial<InvocationContext>) => void;
}

function isResult(sig: FunctionType): boolean {
  const only = sig.results.length === 1 ? sig.results[0] : undefined;
  return Boolean(only && typeof only === 'object' && 'result' in only);
}

export function serveComponentExports(opts: ServeExportsOptions): { subjects: string[]; stop(): void } {
  const served: Served[] = [];
  const prefix = wrpcPrefix(opts.lattice, opts.componentId);
  for (const [instance, { functions }] of opts.types.exports) {
    if (opts.skip?.(instance)) continue;
    for (const [name, sig] of functions) {
      if (name.startsWith('[')) continue; // exported resources: unsupported, as in wasmCloud
      served.push(
        opts.transport.serve(
          prefix,
          instance,
          rpcFuncName(name),
          sig,
          async (args, ctx) => {
            let value: unknown;
            try {
              value = await opts.call(instance, name, args, ctx);
            } catch (err) {
              if (isResult(sig) && err !== null && typeof err === 'object' && 'payload' in err)
                return [{ tag: 'err', val: (err as { payload: unknown }).payload }];
              throw err;
            }
            if (sig.results.length === 0) return [];
            if (sig.results.length > 1) return value as unknown[];
            return [isResult(sig) ? { tag: 'ok', val: value } : value];
          },
          { queue: prefix, onError: opts.onError },
        ),
      );
    }
  }
  return { subjects: served.map((s) => s.subject), stop: () => served.forEach((s) => s.stop()) };
}
