/** OCI registries: references, pull (digest-verified, cached by digest), push, auth, mirrors. */
export { OciError, isOciError, type OciErrorKind } from './errors.js';
export { formatReference, isLatest, isOciReference, parseReference, type OciReference } from './reference.js';
export {
  credentialFor,
  isInsecureAllowed,
  parseMirrors,
  parseRegistryList,
  resolveLocation,
  type CredentialSource,
  type OciSettings,
  type RegistryCredential,
  type ResolvedLocation,
} from './settings.js';
export { BlobCache, defaultOciCacheDir } from './blob-cache.js';
export {
  guessFromCache,
  pullArtifact,
  pullComponent,
  type CachedGuess,
  type PullOptions,
  type PulledArtifact,
} from './pull.js';
export { pushComponent, type PushOptions, type PushResult } from './push.js';
export * from './media-types.js';
export { cliCredentials, registryPushDefaults, type RegistryCliFlags, type RegistryDefaults } from './cli-options.js';
export { hasRegistry, resolvePushReference, splitPushArgs, type PushProject } from './push-target.js';
export { projectPushSettings, type ProjectPushSettings } from './project-push.js';
export {
  highestVersion,
  ociSettingsFromEnv,
  ociWitSource,
  resolveOciWitSource,
  type WitSource,
  type WitSourceResolver,
} from './wit-source.js';
