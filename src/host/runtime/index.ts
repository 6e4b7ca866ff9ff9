/**
 * The wash host's component runtime: jco-transpiled components served in process, with the host's own
 * wasi:http / wasi:io implementation (see ARCHITECTURE.md, "Component runtime").
 */
export { ComponentRuntime } from './runtime.js';
export { HttpIngress } from './http-ingress.js';
export { outgoingHandler, type HttpSender, type IncomingHttpResponse, type OutgoingHttpRequest } from './wasi/http.js';
export { parseListenAddress, addressKey, type ListenAddress } from './address.js';
export type {
  Capabilities,
  ImportResolver,
  LoadedComponent,
  LogLevel,
  RunningComponent,
  RunningComponentStats,
  RuntimeOptions,
  ServingStyle,
  StartOptions,
} from './types.js';
