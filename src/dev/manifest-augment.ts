/**
 * `[dev].manifests` (§8.6): use the project's own manifests instead of generated ones. In every listed manifest,
 * each component that matches its entry (by `component_name`/`wadm_component_name`, `component_id` or
 * `component_ref`) gets the dev image and id; then `[dev].config` and the dev session's extra configs are
 * appended. An entry without matchers is deployed as written, as upstream does (e.g. a backend the app calls),
 * except when it is the only manifest: then its only component of type `component` takes the dev build. A matcher
 * that matches nothing is an error (a typo would otherwise deploy the old image). Pure.
 */
import { UserError } from '../errors.js';
import { configsFrom, DEV_OVERRIDES_CONFIG } from './manifest-gen.js';
import type { ConfigEntry } from './project-config.js';

export interface DevManifestEntry {
  component_name?: string;
  wadm_component_name?: string;
  component_id?: string;
  component_ref?: string;
}

interface Component {
  name?: string;
  type?: string;
  properties?: {
    image?: string;
    id?: string;
    config?: { name: string; properties?: Record<string, string> }[];
  } & Record<string, unknown>;
}

export interface DevBuild {
  componentId: string;
  image: string;
  devConfig?: readonly ConfigEntry[];
  extraConfigNames?: readonly string[];
}

export interface AugmentedManifest {
  manifest: Record<string, unknown>;
  name: string;
  /** Components that now run the dev build. */
  replaced: number;
}

function matchers(entry: DevManifestEntry): string {
  const parts = [
    entry.component_name !== undefined ? `component_name = "${entry.component_name}"` : '',
    entry.wadm_component_name !== undefined ? `wadm_component_name = "${entry.wadm_component_name}"` : '',
    entry.component_id !== undefined ? `component_id = "${entry.component_id}"` : '',
    entry.component_ref !== undefined ? `component_ref = "${entry.component_ref}"` : '',
  ].filter(Boolean);
  return parts.join(', ');
}

/** One manifest: swaps the dev build into the components its entry matches. */
export function augmentManifest(
  manifest: Record<string, unknown>,
  entry: DevManifestEntry,
  dev: DevBuild & { file: string; implicit?: boolean },
): AugmentedManifest {
  const out = structuredClone(manifest) as { metadata?: { name?: string }; spec?: { components?: Component[] } };
  const name = out.metadata?.name;
  if (typeof name !== 'string' || name === '') throw new UserError(`${dev.file} has no metadata.name`);
  const components = out.spec?.components ?? [];
  const wanted = entry.component_name ?? entry.wadm_component_name;
  const explicit = matchers(entry);
  const matches = components.filter((c) =>
    explicit
      ? (wanted !== undefined && c.name === wanted) ||
        (entry.component_id !== undefined && c.properties?.id === entry.component_id) ||
        (entry.component_ref !== undefined && c.properties?.image === entry.component_ref)
      : dev.implicit !== false && c.type === 'component',
  );
  if (explicit && matches.length === 0) {
    throw new UserError(`${dev.file}: no component matches the [dev].manifests entry (${explicit})`, {
      suggestion: `use the name, properties.id or properties.image of a component in ${dev.file}`,
    });
  }
  if (!explicit && dev.implicit !== false && matches.length !== 1) {
    throw new UserError(
      matches.length
        ? `${dev.file}: ${matches.length} components could take the dev build (${matches.map((c) => c.name).join(', ')})`
        : `${dev.file}: no component of type component to run the dev build`,
      { suggestion: 'set component_name (or component_id / component_ref) in its [dev].manifests entry' },
    );
  }
  const devConfig = configsFrom(dev.devConfig, DEV_OVERRIDES_CONFIG);
  for (const c of matches) {
    c.properties ??= {};
    c.properties.image = dev.image;
    c.properties.id = dev.componentId;
    const config = [...(c.properties.config ?? [])];
    for (const e of devConfig) {
      const at = config.findIndex((x) => x.name === e.name);
      if (at < 0) config.push(e);
      else if (e.properties) config[at] = e;
    }
    for (const n of dev.extraConfigNames ?? []) if (!config.some((x) => x.name === n)) config.push({ name: n });
    if (config.length) c.properties.config = config;
  }
  return { manifest: out as Record<string, unknown>, name, replaced: matches.length };
}

/** Every `[dev].manifests` entry; at least one must run the dev build, and app names must be distinct. */
export function augmentManifests(
  docs: readonly { doc: Record<string, unknown>; entry: DevManifestEntry; file: string }[],
  dev: DevBuild & { projectFile: string },
): AugmentedManifest[] {
  const implicit = docs.length === 1;
  const out = docs.map((d) => augmentManifest(d.doc, d.entry, { ...dev, file: d.file, implicit }));
  const seen = new Map<string, string>();
  out.forEach((m, i) => {
    const other = seen.get(m.name);
    if (other)
      throw new UserError(`${dev.projectFile}: [dev].manifests ${other} and ${docs[i].file} both name app ${m.name}`, {
        suggestion: 'give each manifest its own metadata.name',
      });
    seen.set(m.name, docs[i].file);
  });
  if (out.every((m) => m.replaced === 0))
    throw new UserError(`${dev.projectFile}: none of the [dev].manifests holds a component to run the dev build`, {
      suggestion: 'set component_name (or component_id / component_ref) in the entry of the manifest holding it',
    });
  return out;
}
