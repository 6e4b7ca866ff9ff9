/**
 * `[dev].manifests` (§8.6): use the project's own manifests instead of generated ones. Every component that
 * matches the entry (by `component_name`/`wadm_component_name`, `component_id` or `component_ref`, or — with
 * none given — the only component of type `component`) gets the dev image and id; then `[dev].config` and the
 * dev session's extra configs are appended. Pure.
 */
import { UserError } from '../errors.js';
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

export function augmentManifest(
  manifest: Record<string, unknown>,
  entry: DevManifestEntry,
  dev: {
    componentId: string;
    image: string;
    devConfig?: readonly ConfigEntry[];
    extraConfigNames?: readonly string[];
    file: string;
  },
): { manifest: Record<string, unknown>; name: string } {
  const out = structuredClone(manifest) as { metadata?: { name?: string }; spec?: { components?: Component[] } };
  const components = out.spec?.components ?? [];
  const wanted = entry.component_name ?? entry.wadm_component_name;
  const explicit = wanted !== undefined || entry.component_id !== undefined || entry.component_ref !== undefined;
  const matches = components.filter((c) =>
    explicit
      ? (wanted !== undefined && c.name === wanted) ||
        (entry.component_id !== undefined && c.properties?.id === entry.component_id) ||
        (entry.component_ref !== undefined && c.properties?.image === entry.component_ref)
      : c.type === 'component',
  );
  if (matches.length === 0 || (!explicit && matches.length > 1)) {
    throw new UserError(`${dev.file}: no single component to replace with the dev build (${matches.length} match)`, {
      suggestion: 'set component_name (or component_id / component_ref) in the [dev].manifests entry',
    });
  }
  for (const c of matches) {
    c.properties ??= {};
    c.properties.image = dev.image;
    c.properties.id = dev.componentId;
    const config = [...(c.properties.config ?? [])];
    let values: Record<string, string> | undefined;
    for (const e of dev.devConfig ?? []) {
      if ('name' in e) {
        if (!config.some((x) => x.name === e.name)) config.push({ name: e.name });
      } else values = { ...(values ?? {}), ...e.values };
    }
    if (values) config.push({ name: `${dev.componentId}-dev-overrides`, properties: values });
    for (const n of dev.extraConfigNames ?? []) if (!config.some((x) => x.name === n)) config.push({ name: n });
    if (config.length) c.properties.config = config;
  }
  const name = out.metadata?.name;
  if (typeof name !== 'string' || name === '') throw new UserError(`${dev.file} has no metadata.name`);
  return { manifest: out as Record<string, unknown>, name };
}
