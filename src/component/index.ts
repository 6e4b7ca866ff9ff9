/** WebAssembly binaries: classification, WIT imports/exports, embedded wasmCloud claims. */
export { classifyWasm, customSections, type CustomSection, type WasmClassification, type WasmKind } from './binary.js';
export {
  CLAIMS_SECTION_NAMES,
  claimsDocument,
  claimsProblems,
  claimsSummary,
  decodeClaimsToken,
  readClaims,
  MIN_HASHED_WASCAP_REVISION,
  type EmbeddedClaims,
  type ModuleHashCheck,
} from './claims.js';
export { legacyModuleHash, wascapModuleHash, withoutClaimsSections } from './module-hash.js';
export { stampToHuman, validateToken, validationProblems, type TokenValidation } from './wascap-token.js';
export { assertComponent, inspectComponent, readWasmFile, type InspectOptions, type InspectResult } from './inspect.js';
export {
  parseInterfaceName,
  parseWorldItems,
  unversionedName,
  type InterfaceName,
  type WorldItem,
  type WorldItemKind,
  type WorldItems,
} from './wit.js';
export { claimsText, claimsWarning, inspectDocument, inspectText } from './report.js';
