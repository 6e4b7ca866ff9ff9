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
declare module 'wasi:logging/logging@0.1.0-draft' {
  export function log(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'critical', context: string, message: string): void;
}
