/**
 * IDs and names exactly as wadm computes them (wadm.md §4.6), so workloads started by Rust wadm are
 * recognised by their `wasmcloud.dev/scaler` annotation and vice versa.
 */
import { createHash } from 'node:crypto';
import { sanitize } from '../../manifest/names.js';
import {
  APPSPEC_KEY,
  MANAGED_BY_KEY,
  MANAGED_BY_VALUE,
  SCALER_KEY,
  SECRET_CONFIG_PREFIX,
  SPREAD_KEY,
} from './constants.js';
import type { StringMap } from '../../lattice/types.js';

export { sanitize };

/** `id` when given, else `sanitize(app)-sanitize(component)`. */
export function workloadId(appName: string, componentName: string, explicitId?: string): string {
  return explicitId ?? `${sanitize(appName)}-${sanitize(componentName)}`;
}

/** Name of a wadm-owned config (one with `properties`); external configs keep their raw name. */
export function ownedConfigName(manifestName: string, configName: string): string {
  return `${sanitize(manifestName)}-${sanitize(configName)}`;
}

/** Name of the config entry holding a secret reference. */
export function secretConfigName(manifestName: string, secretName: string): string {
  return `${SECRET_CONFIG_PREFIX}${sanitize(manifestName)}-${sanitize(secretName)}`;
}

/** Lower-case hex SHA-256 of the plain concatenation of `parts` (no separators). */
export function scalerIdOf(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part, 'utf8');
  return hash.digest('hex');
}

/** Annotations a scaler puts on what it starts: ownership (scaler, spread) plus the managed pair. */
export function workloadAnnotations(modelName: string, scalerId: string, spreadName: string): StringMap {
  return {
    [MANAGED_BY_KEY]: MANAGED_BY_VALUE,
    [APPSPEC_KEY]: modelName,
    [SCALER_KEY]: scalerId,
    [SPREAD_KEY]: spreadName,
  };
}

/** Only the two managed annotations (used when a scaler stops something without spread context). */
export function managedAnnotations(modelName: string): StringMap {
  return { [MANAGED_BY_KEY]: MANAGED_BY_VALUE, [APPSPEC_KEY]: modelName };
}
