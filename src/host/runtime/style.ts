/**
 * Which serving style a component needs.
 *
 * componentize-js (StarlingMonkey) components export `wasi:http/incoming-handler` in one of two ways: a
 * hand-written `incomingHandler` export (reusable), or the built-in FetchEvent dispatcher, which serves
 * exactly one request per instance (StarlingMonkey#247). The component interface is identical; the core
 * module differs: componentize-js generates a binding (with a `cabi_post_…#handle` post-return export)
 * for a JS export, while the FetchEvent path exports StarlingMonkey's native `…#handle` with none.
 * Unknown future layouts fall to the safe side (fetch-event: always correct, just slower), and the
 * running component also switches at run time if a reused instance stops answering (see pool.ts).
 */
import type { ServingStyle } from './types.js';

const HANDLE_EXPORT = /^wasi:http\/incoming-handler@[^#]+#handle$/;

export interface StyleEvidence {
  /** The component's producers section names ComponentizeJS. */
  componentizeJs: boolean;
  /** Export names of each core module inside the component. */
  coreModuleExports: string[][];
}

export function detectServingStyle(evidence: StyleEvidence): ServingStyle {
  if (!evidence.componentizeJs) return 'reusable';
  for (const names of evidence.coreModuleExports) {
    const handle = names.find((n) => HANDLE_EXPORT.test(n));
    if (handle) return names.includes(`cabi_post_${handle}`) ? 'reusable' : 'fetch-event';
  }
  return 'fetch-event';
}

const MARKER = Buffer.from('ComponentizeJS');

/** Looks for the producers entry componentize-js writes (`processed-by: ComponentizeJS <version>`). */
export function producedByComponentizeJs(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).lastIndexOf(MARKER) !== -1;
}
