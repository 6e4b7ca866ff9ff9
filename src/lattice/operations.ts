/**
 * What the lattice commands do, as library functions over a `CtlClient`, one file per topic: pick a host
 * (id, prefix, friendly name or auction), send the ctl request, and wait for the event that reports the outcome
 * (`request-and-confirm.ts`: always subscribed before the request is sent).
 */
export * from './component-operations.js';
export * from './host-operations.js';
export * from './link-operations.js';
export * from './provider-operations.js';
export { noProgress, requestAndConfirm, type ConfirmedRequest, type ProgressFn } from './request-and-confirm.js';
