/** What bench/wadm-scale.mjs needs from the sources; bundled on the fly with esbuild (no build step needed). */
export { startNatsServer } from '../../src/up/nats-server.js';
export { natsConnect } from '../../src/lattice/connect.js';
export { startEngine } from '../../src/wadm/engine/engine.js';
export { openManifestBucket } from '../../src/wadm/store/manifest-store.js';
export { encodeAppRecord, encodeIndex } from '../../src/wadm/store/record.js';
export { startSimHost, createSimLattice } from '../../src/testing/sim-host.js';
