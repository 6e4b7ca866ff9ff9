/** wasi:config (runtime + store, 0.2.0-draft) from the host's merged named configs; wasi:logging to the runtime log. */
import type { LogLevel } from '../types.js';

const LEVELS = new Set<LogLevel>(['trace', 'debug', 'info', 'warn', 'error', 'critical']);

export function configImports(config: () => Record<string, string>): Record<string, Record<string, unknown>> {
  const read = (): Record<string, string> => {
    try {
      return config();
    } catch (err) {
      throw { tag: 'upstream', val: err instanceof Error ? err.message : String(err) };
    }
  };
  const api = {
    get: (key: string): string | undefined => {
      const values = read();
      return Object.hasOwn(values, key) ? values[key] : undefined;
    },
    getAll: (): [string, string][] => Object.entries(read()),
  };
  return { 'wasi:config/store': api, 'wasi:config/runtime': api };
}

export function loggingImports(
  log: (level: LogLevel, message: string) => void,
): Record<string, Record<string, unknown>> {
  return {
    'wasi:logging/logging': {
      log: (level: string, context: string, message: string) =>
        log(LEVELS.has(level as LogLevel) ? (level as LogLevel) : 'info', context ? `${context}: ${message}` : message),
    },
  };
}
