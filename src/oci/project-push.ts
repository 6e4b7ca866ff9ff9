/** `[registry]` of the project's wasmcloud.toml (read with the dev loop's parser) as `wash push` defaults. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { registryPushDefaults, type RegistryDefaults } from './cli-options.js';
import type { PushProject } from './push-target.js';

export interface ProjectPushSettings {
  defaults: RegistryDefaults;
  project: PushProject;
  /** Why the current directory's wasmcloud.toml was not used (only when the caller allowed skipping it). */
  skipped?: string;
}

/**
 * Reads `configPath` (a project directory or its wasmcloud.toml), or wasmcloud.toml in `cwd` when there is one.
 * No project is no defaults; a named project that is missing or invalid is a UserError. With `optional` (the
 * caller has a whole reference already) an invalid wasmcloud.toml found in `cwd` is skipped instead, so pushing
 * from inside a project the dev loop's parser rejects still works; `skipped` says why.
 */
export async function projectPushSettings(
  configPath: string | undefined,
  cwd: string = process.cwd(),
  opts: { optional?: boolean } = {},
): Promise<ProjectPushSettings> {
  const { loadProjectConfig, PROJECT_FILE } = await import('../dev/project-config.js');
  if (configPath === undefined && !existsSync(join(cwd, PROJECT_FILE))) return { defaults: {}, project: {} };
  let cfg;
  try {
    cfg = await loadProjectConfig(configPath ?? cwd);
  } catch (err) {
    if (configPath !== undefined || !opts.optional) throw err;
    return { defaults: {}, project: {}, skipped: (err as Error).message };
  }
  // Relative paths in [registry] resolve against the toml's directory, like file:// WIT sources.
  const defaults = registryPushDefaults(cfg.registry, dirname(cfg.file));
  return { defaults, project: { url: defaults.url, name: cfg.name, version: cfg.version, file: cfg.file } };
}
