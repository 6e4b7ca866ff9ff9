import type { RuntimeFactory } from './runtime-port.js';

// Until src/host/runtime/index.ts exists the specifier is opaque to the type checker.
const RUNTIME_MODULE = './runtime/index.js';

/** The jco runtime from `./runtime/`, imported on first use (it is heavy). */
export const defaultRuntimeFactory: RuntimeFactory = {
  async createRuntime(opts) {
    const mod = await import(RUNTIME_MODULE);
    return new mod.ComponentRuntime(opts);
  },
  async createIngress(opts) {
    const mod = await import(RUNTIME_MODULE);
    return new mod.HttpIngress(opts);
  },
};
