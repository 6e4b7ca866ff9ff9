/**
 * Deploy-time guards (wadm.md §2.5), pure: given the manifest about to be deployed and the other apps of the
 * lattice, say why it must not be deployed.
 */
import type { StoredApp, WadmManifest } from '../types.js';
import { componentFacts, isShared } from './manifest-info.js';

/** The manifest of the deployed version of an app, if any. */
export function deployedManifest(app: Pick<StoredApp, 'versions' | 'deployed_version'>): WadmManifest | undefined {
  if (app.deployed_version === null) return undefined;
  return app.versions.find((v) => v.version === app.deployed_version)?.manifest;
}

/**
 * Guard 1: explicit ids of `staged` already used by the deployed version of ANOTHER app. Returns the wadm error
 * message, or undefined. Computed ids are not checked (as in wadm).
 */
export function idCollision(appName: string, staged: WadmManifest, apps: readonly StoredApp[]): string | undefined {
  const owners = new Map<string, string>();
  for (const app of apps) {
    if (app.name === appName) continue;
    const deployed = deployedManifest(app);
    if (!deployed) continue;
    for (const c of componentFacts(deployed)) if (c.id) owners.set(c.id, app.name);
  }
  for (const c of componentFacts(staged)) {
    const owner = c.id === undefined ? undefined : owners.get(c.id);
    if (owner !== undefined)
      return `Component identifier '${c.id}' is already deployed in a different application '${owner}'.`;
  }
  return undefined;
}

/**
 * Guard 2: names of the components of `staged` that refer (`application: {name, component}`, no image) to a
 * shared component that no deployed shared app provides with the same name and kind.
 */
export function missingSharedComponents(staged: WadmManifest, apps: readonly StoredApp[]): string[] {
  const deployedShared = new Map<string, WadmManifest>();
  for (const app of apps) {
    const m = deployedManifest(app);
    if (m && isShared(m)) deployedShared.set(app.name, m);
  }
  const missing: string[] = [];
  for (const c of componentFacts(staged)) {
    if (!c.application || c.image !== undefined) continue;
    const provider = deployedShared.get(c.application.name);
    const ok =
      provider !== undefined &&
      componentFacts(provider).some((p) => p.name === c.application!.component && p.kind === c.kind);
    if (!ok) missing.push(c.name);
  }
  return missing;
}

/** `["a", "b"]`, the way wadm prints name lists in messages. */
export function debugList(names: readonly string[]): string {
  return `[${names.map((n) => JSON.stringify(n)).join(', ')}]`;
}

export function sharedMissingMessage(names: readonly string[]): string {
  return `Application contains shared components that are not deployed in other applications: ${debugList(names)}`;
}
