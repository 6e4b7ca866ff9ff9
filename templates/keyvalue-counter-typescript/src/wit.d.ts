// Loose types for the WIT interfaces this component imports (the component provides them at run time).
// Generate exact ones with `npx jco guest-types wit -o src/types` if you want type checking.
declare module 'wasi:http/types@0.2.10' {
  export type IncomingRequest = { pathWithQuery(): string | undefined; method(): { tag: string; val?: string } };
  export type ResponseOutparam = unknown;
  export const Fields: { fromList(entries: [string, Uint8Array][]): unknown };
  export class OutgoingResponse {
    constructor(headers: unknown);
    setStatusCode(code: number): void;
    body(): { write(): { blockingWriteAndFlush(bytes: Uint8Array): void; [Symbol.dispose](): void } };
  }
  export const OutgoingBody: { finish(body: unknown, trailers: undefined): void };
  export const ResponseOutparam: { set(out: ResponseOutparam, result: { tag: 'ok'; val: OutgoingResponse }): void };
}
declare module 'wasi:keyvalue/store@0.2.0-draft' {
  export interface Bucket {
    get(key: string): Uint8Array | undefined;
    set(key: string, value: Uint8Array): void;
  }
  export function open(identifier: string): Bucket;
}
declare module 'wasi:keyvalue/atomics@0.2.0-draft' {
  import type { Bucket } from 'wasi:keyvalue/store@0.2.0-draft';
  export function increment(bucket: Bucket, key: string, delta: bigint): bigint;
}
