/** Media types of wasm OCI artifacts (CNCF wasm OCI artifact spec, as `oci-wasm` / wash push them) and their indexes. */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const WASM_CONFIG = 'application/vnd.wasm.config.v0+json';
export const WASM_LAYER = 'application/wasm';

/** Layer types the wasmCloud v1 host accepts for components (the first one is what current tools push). */
export const WASM_LAYER_TYPES = [
  WASM_LAYER,
  'application/vnd.module.wasm.content.layer.v1+wasm',
  'application/vnd.wasm.content.layer.v1+wasm',
  'application/vnd.oci.image.layer.v1.tar',
] as const;

export const PROVIDER_ARCHIVE_LAYER = 'application/vnd.wasmcloud.provider.archive.layer.v1+par';

export const MANIFEST_ACCEPT = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture?: string; os?: string };
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
}
