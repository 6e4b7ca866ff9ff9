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
