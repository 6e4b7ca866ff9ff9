/** `[registry]` of the project's wasmcloud.toml (read with the dev loop's parser) as `wash push` defaults. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { registryPushDefaults, type RegistryDefaults } from './cli-options.js';
import type { PushProject } from './push-target.js';

export interface ProjectPushSettings {
  defaults: RegistryDefaults;
  project: PushProject;
}

/**
 * Reads `configPath` (a project directory or its wasmcloud.toml), or wasmcloud.toml in `cwd` when there is one.
 * No project is no defaults; a named project that is missing or invalid is a UserError.
 */
export async function projectPushSettings(configPath: string | undefined, cwd: string = process.cwd()): Promise<ProjectPushSettings> {
  const { loadProjectConfig, PROJECT_FILE } = await import('../dev/project-config.js');
  if (configPath === undefined && !existsSync(join(cwd, PROJECT_FILE))) return { defaults: {}, project: {} };
  const cfg = await loadProjectConfig(configPath ?? cwd);
  // Relative paths in [registry] resolve against the toml's directory, like file:// WIT sources.
  const defaults = registryPushDefaults(cfg.registry, dirname(cfg.file));
  return { defaults, project: { url: defaults.url, name: cfg.name, version: cfg.version, file: cfg.file } };
}
