/**
 * The few facts the store and the API read from a manifest (version, description, shared flag, explicit ids,
 * shared references), on the loosely typed stored form: stored records may come from other wadm versions, so
 * nothing here assumes the manifest passed today's schema.
 */
import type { WadmManifest } from '../types.js';

export const VERSION_ANNOTATION = 'version';
export const DESCRIPTION_ANNOTATION = 'description';
export const SHARED_ANNOTATION = 'experimental.wasmcloud.dev/shared';
export const LATEST_VERSION = 'latest';

export function annotations(m: WadmManifest): Record<string, string> {
  const a = m.metadata?.annotations;
  return a && typeof a === 'object' ? a : {};
}

/** The `version` annotation, or undefined when absent/empty. */
export function manifestVersionOf(m: WadmManifest): string | undefined {
  const v = annotations(m)[VERSION_ANNOTATION];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function descriptionOf(m: WadmManifest): string | null {
  const d = annotations(m)[DESCRIPTION_ANNOTATION];
  return typeof d === 'string' ? d : null;
}

/** wadm parses the annotation as a bool: only the exact string `true` means shared. */
export function isShared(m: WadmManifest): boolean {
  return annotations(m)[SHARED_ANNOTATION] === 'true';
}

/** A copy of `m` with the version annotation set (the stored copy of an unversioned put). */
export function withVersion(m: WadmManifest, version: string): WadmManifest {
  return { ...m, metadata: { ...m.metadata, annotations: { ...annotations(m), [VERSION_ANNOTATION]: version } } };
}

export type ComponentKind = 'component' | 'capability';

export interface ComponentFacts {
  name: string;
  kind: ComponentKind;
  id?: string;
  image?: string;
  application?: { name: string; component: string };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Components of a manifest with the fields the store needs (`actor` counts as `component`). */
export function componentFacts(m: WadmManifest): ComponentFacts[] {
  const list = Array.isArray(m.spec?.components) ? m.spec.components : [];
  return list.filter(isObject).map((c) => {
    const props = isObject(c.properties) ? c.properties : {};
    const app = isObject(props.application) ? props.application : undefined;
    return {
      name: String(c.name ?? ''),
      kind: c.type === 'capability' ? 'capability' : 'component',
      id: typeof props.id === 'string' ? props.id : undefined,
      image: typeof props.image === 'string' ? props.image : undefined,
      application:
        app && typeof app.name === 'string' && typeof app.component === 'string'
          ? { name: app.name, component: app.component }
          : undefined,
    };
  });
}
