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
