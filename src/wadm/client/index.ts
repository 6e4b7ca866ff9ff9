export {
  WadmClient,
  WadmApiError,
  NO_WADM_MESSAGE,
  NO_WADM_SUGGESTION,
  type WadmClientOptions,
  type StatusWatch,
  type StoreOutcome,
} from './client.js';
export {
  armAppWait,
  describeStatus,
  failureMessage,
  type AppTarget,
  type AppWait,
  type AppWaitOptions,
} from './wait.js';
export { rollbackTarget, type RollbackPlan } from './rollback.js';
