/** The wash host: a Node process that joins a wasmCloud lattice and runs components (public API). */
export { startHost, type WashHost, type HostStopped, type HostStopReason } from './host.js';
export { HOST_DEFAULTS, type HostOptions, type NatsEndpoint } from './options.js';
export { hostOptionsFromFlags, normalizeAllowFileLoadArgv, type HostFlagValues } from './settings.js';
export { createHostLogger, silentLogger, LOG_LEVELS, type HostLogger, type LogLevel } from './log.js';
export { builtinLabels, isProtectedLabelKey, labelsSatisfy, type Labels } from './labels.js';
export { BUILTIN_HTTP_SERVER_REF, DEFAULT_HTTP_ADDRESS, isHttpServerProviderRef } from './builtin-http-server.js';
export type { RuntimeFactory, ComponentRuntimeLike, RunningComponentLike, HttpIngressLike } from './runtime-port.js';
export { builtinKind, BUILTIN_KINDS, type BuiltinKind } from './capabilities/kinds.js';
