export { UserError, UsageError, errorChain } from './errors.js';
export { washDirs, type WashDirs } from './config/dirs.js';
export { resolveConnection, type ConnectionOptions } from './lattice/options.js';
export { connectLattice, natsConnect } from './lattice/connect.js';
export { startNatsServer, findNatsServer, natsServerVersion, freePort, type RunningNatsServer } from './up/nats-server.js';
export { HOST_VERSION, WADM_VERSION, washVersion, versionInfo } from './version.js';
export {
  classifyWasm,
  inspectComponent,
  readClaims,
  parseInterfaceName,
  parseWorldItems,
  unversionedName,
  type WasmKind,
  type WasmClassification,
  type InspectResult,
  type EmbeddedClaims,
  type InterfaceName,
  type WorldItem,
} from './component/index.js';
export { startHost, type WashHost, type HostOptions, type HostStopped, type NatsEndpoint } from './host/index.js';
export type * from './lattice/types.js';
export {
  CtlClient, CtlRequestFailed, waitForEvent, type CtlClientOptions, type CtlAck, type CollectOptions, type EventWait, type EventWaitOptions,
} from './lattice/ctl-client.js';
export {
  parseLatticeEvent, tryParseLatticeEvent, buildEvent, encodeEvent, eventType, eventNameOf, eventHostId, isEvent, EventParseError,
  LATTICE_EVENT_NAMES, WADM_EVENT_NAMES, type LatticeEvent, type ParsedEvent, type EventName, type LatticeEventName, type WadmEventName,
  type CloudEvent, type LatticeEventDataMap, type WadmEventDataMap,
} from './lattice/events.js';
export {
  ctlSubject, ctlSubjects, ctlQueueGroup, hostSubscriptions, parseCtlSubject, eventSubject, eventWildcard, rpcSubject, configServiceSubject,
  wadmApiSubject, wadmStatusSubject, wadmEventSubject, DEFAULT_CTL_PREFIX, type ParsedCtlSubject, type CtlOperation,
} from './lattice/subjects.js';
export { ulidUuid } from './lattice/ulid.js';
export {
  parseManifestText, validateManifestText, validateManifest, validateManifestFile, loadManifestFile, manifestJsonSchema, serializeManifest,
  manifestVersion, isSharedApp, sanitize, componentId, isValidManifestName, isValidLinkName, resolveFileImages, renderReportText,
  MANIFEST_MAX_BYTES, OAM_VERSION, APPLICATION_KIND,
  type Manifest, type ManifestInput, type Component, type ComponentProperties, type Trait, type TraitProperty, type LinkProperty,
  type TargetConfig, type ConfigDefinition, type SpreadScalerProperty, type Spread, type ConfigProperty, type SecretProperty, type Policy,
  type SharedApplicationRef, type Finding, type ValidationReport, type ManifestValidation, type ParseResult, type LoadedManifest,
} from './manifest/index.js';
export { ulid, isUlid } from './lattice/ulid.js';
export type * from './wadm/types.js';
export { normalizeStatusType, undeployedStatus, waitingNoHostsStatus, MANIFEST_BUCKET, STATUS_STREAM } from './wadm/types.js';
export {
  openManifestStore, openManifestBucket, manifestStoreOn, StoreError, ensureStatusStream, readLastStatus, parseStatus,
  type ManifestStore, type ManifestStoreOptions, type PutOutcome, type DeployOutcome, type UndeployOutcome, type DeleteOutcome, type StoreChange,
} from './wadm/store/index.js';
export { startApiServer, parseApiSubject, type ApiServer, type ApiServerOptions } from './wadm/api/index.js';
export {
  WadmClient, WadmApiError, NO_WADM_MESSAGE, armAppWait, describeStatus, rollbackTarget,
  type WadmClientOptions, type StatusWatch, type StoreOutcome, type AppTarget, type AppWait, type AppWaitOptions, type RollbackPlan,
} from './wadm/client/index.js';
export {
  ComponentRuntime, HttpIngress, parseListenAddress,
  type RuntimeOptions as ComponentRuntimeOptions, type Capabilities as ComponentCapabilitySet, type LoadedComponent, type RunningComponent,
  type RunningComponentStats, type ServingStyle, type StartOptions as ComponentStartOptions,
} from './host/runtime/index.js';
export { startWadm, type Wadm, type WadmOptions } from './wadm/index.js';
export {
  startEngine, createApp, reconcileApp, upgradeApp, undeployApp, manifestToScalers, reconcileScaler, cleanupScaler, computeSpread,
  createLatticeState, applyEvent as applyLatticeEvent, applyInventory, reapHosts, aggregateStatus, aggregateStatusType, describeCommand,
  workloadId, ownedConfigName, secretConfigName, scalerIdOf, workloadAnnotations,
  type Engine, type EngineOptions, type EngineLog, type AppRuntime, type Upgrade, type ScalerSpec, type ScalerResult, type LatticeState,
  type Command as WadmCommand, type TaggedCommand,
} from './wadm/engine/index.js';
export {
  pullComponent, pullArtifact, pushComponent, parseReference, formatReference, OciError, isOciError, parseMirrors, registryPushDefaults,
  ociWitSource, resolveOciWitSource,
  resolvePushReference, projectPushSettings, type PushProject,
  type OciReference, type OciSettings, type RegistryCredential, type PullOptions, type PulledArtifact, type PushOptions, type PushResult,
  type OciErrorKind, type RegistryDefaults,
} from './oci/index.js';
// wRPC over NATS, its value codec, and the TypeScript provider SDK (src/wrpc)
export {
  WrpcTransport, WrpcError, isWrpcError, runProvider, readHostData, invocationSubject, wrpcPrefix, rpcFuncName,
  encode as encodeWrpcValue, decode as decodeWrpcValue, encodeTuple as encodeWrpcTuple, decodeTuple as decodeWrpcTuple,
  type WrpcType, type FunctionType as WrpcFunctionType, type ProviderDefinition, type ProviderFunction, type RunningProvider, type CallContext,
  type HostData as ProviderHostData, type InterfaceLinkDefinition,
} from './wrpc/index.js';
// Developer loop (src/dev): wasmcloud.toml, builds, generated dev manifests, WIT source resolvers, the dev session.
export { parseProjectConfig, loadProjectConfig, projectSchema, type ProjectConfig, type ProjectFile, type OverrideEntry } from './dev/project-config.js';
export { generateDevManifest, PROVIDER_IMAGES, type GeneratedManifest, type GenerateInput, type Dependency, type Placeholder, type WitInterface } from './dev/manifest-gen.js';
export { buildProject, type BuildResult } from './dev/build/index.js';
export { registerWitSourceResolver, resolveWitDeps, type WitSource, type WitSourceResolver } from './dev/wit-deps.js';
export { DevSession, type DevEvent, type DevIo, type DevSessionOptions } from './dev/session.js';
export { createProject, listTemplates, type TemplateInfo } from './dev/templates.js';
