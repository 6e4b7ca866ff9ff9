/** wRPC over NATS (wasmCloud 1.x wire protocol), the value codec, and the TypeScript provider SDK. */
export { encode, decode, encodeTuple, decodeTuple, Incomplete, WrpcCodecError } from './codec.js';
export { WrpcError, isWrpcError, type WrpcErrorKind } from './errors.js';
export {
  invocationSubject,
  rpcFuncName,
  wrpcPrefix,
  HEADER_LINK_NAME,
  HEADER_SOURCE_ID,
  HEADER_TARGET_ID,
} from './subjects.js';
export {
  WrpcTransport,
  type Handler,
  type InvocationContext,
  type InvokeOptions,
  type ServeOptions,
  type Served,
} from './transport.js';
export {
  lowerCamel,
  typeName,
  type Case,
  type Field,
  type FunctionType,
  type PrimitiveType,
  type WrpcType,
} from './types.js';
export {
  readHostData,
  runProvider,
  type CallContext,
  type HostData,
  type InterfaceLinkDefinition,
  type ProviderDefinition,
  type ProviderFunction,
  type RunProviderOptions,
  type RunningProvider,
} from './provider-sdk.js';
export { componentFunctionTypes, type ComponentTypes, type InterfaceFunctions } from './component-types.js';
export { wrpcImportResolver, ErrResult, type WrpcImportsOptions } from './component-imports.js';
export { serveComponentExports, type ServeExportsOptions } from './component-exports.js';
export {
  componentWrpc,
  customFunctionNames,
  isCustomInterface,
  linkTarget,
  type ComponentWrpc,
  type ComponentWrpcOptions,
} from './host-bridge.js';
export { rethrowAsyncImportErrors } from './jspi-glue.js';
