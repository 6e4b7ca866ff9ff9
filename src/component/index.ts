/** WebAssembly binaries: classification, WIT imports/exports, embedded wasmCloud claims. */
export { classifyWasm, customSections, type CustomSection, type WasmClassification, type WasmKind } from './binary.js';
export {
  CLAIMS_SECTION_NAMES,
  claimsDocument,
  claimsSummary,
  decodeClaimsToken,
  readClaims,
  type EmbeddedClaims,
} from './claims.js';
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
export { claimsText, inspectDocument, inspectText } from './report.js';
