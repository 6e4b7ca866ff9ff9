export {
  openManifestStore,
  openManifestBucket,
  manifestStoreOn,
  isCasConflict,
  StoreError,
  type ManifestStore,
  type ManifestStoreOptions,
  type PutOutcome,
  type DeployOutcome,
  type UndeployOutcome,
  type DeleteOutcome,
  type StoreChange,
} from './manifest-store.js';
export { ensureStatusStream, readLastStatus, parseStatus, statusStreamManager } from './status-stream.js';
export { deployedManifest, idCollision, missingSharedComponents } from './guards.js';
export { decodeAppRecord, encodeAppRecord, objectKeyOrder, DEPLOY_HISTORY_KEY } from './record.js';
export { componentFacts, descriptionOf, isShared, manifestVersionOf } from './manifest-info.js';
