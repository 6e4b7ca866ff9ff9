/**
 * The manifest as it travels: store records, wadm API bodies and replies, `manifest_published` events. wadm's
 * wire form, passed through unchanged (keys this version does not know are kept). Its known fields take their
 * types from the schema's input side (`ManifestInput`), so there is one definition to change.
 */
import type { ManifestInput } from './schema.js';

type Loose<T> = T & { [key: string]: unknown };
type InputMetadata = ManifestInput['metadata'];

export type WireManifest = Loose<{
  apiVersion: ManifestInput['apiVersion'];
  kind: ManifestInput['kind'];
  metadata: Loose<{
    name: InputMetadata['name'];
    annotations?: InputMetadata['annotations'];
    labels?: NonNullable<InputMetadata['labels']>;
  }>;
  spec: Loose<{ components: Array<Record<string, unknown>>; policies?: Array<Record<string, unknown>> }>;
}>;
