import { errorText } from './error-text.js';
import type { RuntimeFactory } from './runtime-port.js';

/** The jco runtime from `./runtime/`, imported on first use (it is heavy). */
export const defaultRuntimeFactory: RuntimeFactory = {
  async createRuntime(opts) {
    const { ComponentRuntime } = await import('./runtime/index.js');
    return new ComponentRuntime(opts);
  },
  async createIngress(opts) {
    const { HttpIngress } = await import('./runtime/index.js');
    return new HttpIngress({
      onError: (address, err) => opts.log?.('warn', `HTTP request on ${address} failed: ${errorText(err)}`),
    });
  },
};
