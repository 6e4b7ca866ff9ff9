/** The wadm reconciliation engine: a pure core (state, scalers, upgrade diff, status) and its NATS shell. */
export { startEngine, type Engine, type EngineOptions, type EngineLog, type EngineLogLevel } from './engine.js';
export {
  createApp,
  reconcileApp,
  upgradeApp,
  undeployApp,
  observeAppEvent,
  type AppRuntime,
  type AppPass,
  type Upgrade,
} from './app.js';
export { manifestToScalers, type ManifestScalers } from './manifest-to-scalers.js';
export {
  reconcileScaler,
  cleanupScaler,
  computeSpread,
  type ScalerSpec,
  type ComponentScalerSpec,
  type ProviderScalerSpec,
  type LinkScalerSpec,
  type StatusScalerSpec,
  type Prerequisite,
  type ScalerResult,
  type ReconcileContext,
} from './scalers/index.js';
export {
  createLatticeState,
  applyEvent,
  applyInventory,
  applyLinks,
  applyConfig,
  reapHosts,
  type LatticeState,
  type HostState,
  type ComponentOnHost,
  type ProviderOnHost,
  type ConfigObservation,
  type Touched,
} from './state.js';
export {
  describeCommand,
  expectationFor,
  matchExpectation,
  type Command,
  type TaggedCommand,
  type Expectation,
} from './commands.js';
export { aggregateStatus, aggregateStatusType } from './status.js';
export { workloadId, ownedConfigName, secretConfigName, scalerIdOf, workloadAnnotations } from './ids.js';
export * from './constants.js';
export { startLease, LEASE_BUCKET, type Lease, type LeaseOptions } from './lease.js';
