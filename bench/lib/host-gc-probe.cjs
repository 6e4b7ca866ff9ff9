// Preloaded into a `wash host` process by bench/host-latency.mjs (node --expose-gc --require <this file>):
// on SIGUSR2 it runs two full garbage collections and writes `bench-memory <n> {process.memoryUsage()}`
// (n counts the signals) to stderr, so memory figures are read from a collected heap instead of wherever the GC happened to be.
let count = 0;
process.on('SIGUSR2', () => {
  count += 1;
  globalThis.gc?.();
  globalThis.gc?.();
  process.stderr.write(`\nbench-memory ${count} ${JSON.stringify(process.memoryUsage())}\n`);
});
