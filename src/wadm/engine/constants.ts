/** Annotation keys, scaler kinds, timeouts and status messages of the engine (wadm.md §4.2–4.9). */

/** Set on every workload wadm starts. */
export const MANAGED_BY_KEY = 'wasmcloud.dev/managed-by';
export const MANAGED_BY_VALUE = 'wadm';
/** The app (model) a workload belongs to. */
export const APPSPEC_KEY = 'wasmcloud.dev/appspec';
/** The scaler (sha256 id) that started a workload; scalers count "their" instances by it. */
export const SCALER_KEY = 'wasmcloud.dev/scaler';
/** The spread a workload was placed for. */
export const SPREAD_KEY = 'wasmcloud.dev/spread_name';
/** Name of the implicit spread used when a scaler lists none. */
export const DEFAULT_SPREAD_NAME = 'default';

export type ScalerKind = 'SpreadScaler' | 'DaemonScaler' | 'LinkScaler' | 'ConfigScaler' | 'SecretScaler';
export const SPREAD_SCALER_KIND = 'SpreadScaler';
export const DAEMON_SCALER_KIND = 'DaemonScaler';
export const LINK_SCALER_KIND = 'LinkScaler';
export const CONFIG_SCALER_KIND = 'ConfigScaler';
export const SECRET_SCALER_KIND = 'SecretScaler';

/** How long a scaler waits for the events its commands should cause (§4.9). */
export const COMPONENT_EXPECT_MS = 5_000;
export const LINK_EXPECT_MS = 5_000;
export const PROVIDER_EXPECT_MS = 60_000;
export const DEFAULT_EXPECT_MS = 30_000;
/** A `component.update` fetches a new image: give it the default window rather than the 5 s scale window. */
export const UPDATE_EXPECT_MS = DEFAULT_EXPECT_MS;
/** A failure event (or a failed control request) holds the scaler in `failed` this long (§4.3). */
export const FAILURE_BACKOFF_MS = 5_000;

/** Host heartbeat interval of wasmCloud hosts; the reaper drops hosts silent for about two of them. */
export const HEARTBEAT_INTERVAL_MS = 30_000;
export const HOST_TTL_MS = 2 * HEARTBEAT_INTERVAL_MS + HEARTBEAT_INTERVAL_MS / 3;

/** Secret references stored as config (wasmcloud-secrets-types ≥ 0.4). */
export const SECRET_CONFIG_PREFIX = 'SECRET_';
export const SECRET_REFERENCE_TYPE = 'secret.wasmcloud.dev/v1alpha1';
export const SECRET_POLICY_PROPERTIES_TYPE = 'properties.secret.wasmcloud.dev/v1alpha1';

export const UNDEPLOYED_MESSAGE = 'Manifest has been undeployed';
