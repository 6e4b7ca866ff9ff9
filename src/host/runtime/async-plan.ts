/**
 * Which host functions a component's glue makes asynchronous with JSPI (`WebAssembly.Suspending`), and
 * which exports it then enters through `WebAssembly.promising`.
 *
 * Only components that import an interface served over the network (keyvalue, outgoing HTTP, messaging, blobstore, or
 * any custom interface, which goes over wRPC) get an async plan; everything else keeps jco's synchronous
 * glue and its fast path. Links are not known at load time, so every custom import is async, and every
 * custom export of such a component is entered through `promising` (it may call those imports). Within an
 * async plan, `wasi:io/poll` waits are async too, so a guest blocking on a pollable (an outgoing HTTP
 * response) suspends instead of spinning the thread. Names are jco's: `ns:pkg/iface#func`,
 * `ns:pkg/iface#[method]resource.func`, `ns:pkg/iface#[static]resource.func`, unversioned.
 */

/** Every function of the standard network-backed interfaces the host serves. */
export const ASYNC_INTERFACE_FUNCTIONS: Readonly<Record<string, readonly string[]>> = {
  'wasi:keyvalue/store': [
    'open',
    '[method]bucket.get',
    '[method]bucket.set',
    '[method]bucket.delete',
    '[method]bucket.exists',
    '[method]bucket.list-keys',
  ],
  'wasi:keyvalue/atomics': ['increment'],
  'wasi:keyvalue/batch': ['get-many', 'set-many', 'delete-many'],
  // `handle` only starts the request; the guest waits on the response future's pollable.
  'wasi:http/outgoing-handler': [],
  'wasmcloud:messaging/consumer': ['request', 'publish'],
  'wasi:blobstore/blobstore': [
    'create-container',
    'get-container',
    'delete-container',
    'container-exists',
    'copy-object',
    'move-object',
  ],
  'wasi:blobstore/container': [
    '[method]container.get-data',
    '[method]container.write-data',
    '[method]container.list-objects',
    '[method]container.delete-object',
    '[method]container.delete-objects',
    '[method]container.has-object',
    '[method]container.object-info',
    '[method]container.clear',
  ],
  // write-data stores what the body holds; finish stores it again when bytes arrived after write-data.
  'wasi:blobstore/types': ['[static]outgoing-value.finish'],
};

const POLL_FUNCTIONS = ['wasi:io/poll#poll', 'wasi:io/poll#[method]pollable.block'];

/** Exports a guest enters while it may suspend in an async import. */
const ASYNC_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  'wasi:http/incoming-handler': ['handle'],
  'wasmcloud:messaging/handler': ['handle-message'],
};

export interface AsyncPlan {
  asyncImports: string[];
  asyncExports: string[];
}

function unversioned(name: string): string {
  const at = name.indexOf('@');
  return at === -1 ? name : name.slice(0, at);
}

/** A component's custom-interface functions in jco naming (`ns:pkg/iface#func`), from its binary's types. */
export interface CustomFunctions {
  imports: readonly string[];
  exports: readonly string[];
}

/** The plan for a component with these (versioned) imports and exports, or undefined: fully synchronous. */
export function asyncPlan(
  imports: readonly string[],
  exports: readonly string[],
  custom?: CustomFunctions,
): AsyncPlan | undefined {
  const asyncImports: string[] = [...(custom?.imports ?? [])];
  let network = asyncImports.length > 0;
  for (const name of imports) {
    const iface = unversioned(name);
    const functions = ASYNC_INTERFACE_FUNCTIONS[iface];
    if (!functions) continue;
    network = true;
    for (const fn of functions) asyncImports.push(`${iface}#${fn}`);
  }
  if (!network) return undefined;
  if (imports.some((name) => unversioned(name) === 'wasi:io/poll')) asyncImports.push(...POLL_FUNCTIONS);
  const asyncExports: string[] = [...(custom?.exports ?? [])];
  for (const name of exports) {
    const iface = unversioned(name);
    for (const fn of ASYNC_EXPORTS[iface] ?? []) asyncExports.push(`${iface}#${fn}`);
  }
  return { asyncImports: asyncImports.sort(), asyncExports: asyncExports.sort() };
}
