/** The wasmCloud host protocol version our host implements and reports (v1 control interface + events). */
export const HOST_VERSION = '1.9.1';
/** The wadm API version our in-process engine is wire-compatible with. */
export const WADM_VERSION = '0.21.1';
