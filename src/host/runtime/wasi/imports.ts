/**
 * The import object one instance gets: what `capabilities.imports` resolves (link-selected capabilities,
 * later wRPC clients), else the host's own WASI, config and logging, and for every other interface the
 * component imports, a stand-in whose functions fail with an error naming the interface.
 * So a component with an unlinked import still loads and serves; only the call to it traps (500).
 */
import type { Capabilities, LogLevel } from '../types.js';
import { cliImports, clockAndRandomImports } from './cli.js';
import { configImports, loggingImports } from './config-logging.js';
import { deniedImports } from './denied.js';
import { httpImports } from './http.js';
import { ioImports } from './io.js';

export type ImportObject = Record<string, Record<string, unknown>>;

export class MissingCapability extends Error {
  override name = 'MissingCapability';
}

/** `wasi:http/types@0.2.10` → `wasi:http/types` (jco keys its import object without versions). */
export function unversioned(name: string): string {
  const at = name.indexOf('@');
  return at === -1 ? name : name.slice(0, at);
}

function missingInterface(iface: string, componentId: string): Record<string, unknown> {
  const fail = (member: string): never => {
    throw new MissingCapability(
      `component ${componentId} called ${iface}#${member}, but no capability provides ${iface} to it (link a provider or remove the import)`,
    );
  };
  const stand = (member: string): unknown =>
    new Proxy(() => {}, {
      apply: () => fail(member),
      construct: () => fail(member),
      get: (_t, prop) => {
        if (prop === 'prototype')
          return new Proxy({}, { get: (_p, m) => (typeof m === 'string' ? () => fail(`${member}.${m}`) : undefined) });
        return typeof prop === 'string' ? () => fail(`${member}.${prop}`) : undefined;
      },
    });
  return new Proxy({}, { get: (_t, prop) => (typeof prop === 'string' ? stand(prop) : undefined) });
}

export function buildImports(
  componentImports: string[],
  componentId: string,
  capabilities: Capabilities,
  log: (level: LogLevel, message: string) => void,
): ImportObject {
  const provided: ImportObject = {
    ...ioImports(),
    ...httpImports(componentId),
    ...cliImports(log),
    ...clockAndRandomImports(),
    ...deniedImports(),
    ...configImports(capabilities.config),
    ...loggingImports(log),
  };
  const result: ImportObject = {};
  for (const name of componentImports) {
    const key = unversioned(name);
    result[key] = capabilities.imports?.(name) ?? provided[key] ?? missingInterface(key, componentId);
  }
  return result;
}
