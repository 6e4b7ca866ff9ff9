export { RestartBackoff, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
export {
  buildHostData,
  encodeHostData,
  providerEnvironment,
  providerLinks,
  resolveLink,
  type HostData,
  type InterfaceLinkDefinition,
} from './host-data.js';
export { providerSubjects } from './subjects.js';
export { SupervisedProvider, exitReason, type SupervisedProviderOptions } from './supervised-provider.js';
export { readProviderArchive, hostTarget, storedProviderClaims, type ProviderClaims } from './archive.js';
export { resolveProviderFile, type ProviderExecutable } from './provider-file.js';
