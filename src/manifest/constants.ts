/** OAM/wadm constants (wadm.md §1.1). No imports: safe to load at command start-up. */

export const OAM_VERSION = 'core.oam.dev/v1beta1';
export const APPLICATION_KIND = 'Application';
export const VERSION_ANNOTATION = 'version';
export const DESCRIPTION_ANNOTATION = 'description';
export const SHARED_ANNOTATION = 'experimental.wasmcloud.dev/shared';
export const SPREADSCALER_TRAIT = 'spreadscaler';
export const DAEMONSCALER_TRAIT = 'daemonscaler';
export const LINK_TRAIT = 'link';
export const LATEST_VERSION = 'latest';
export const DEFAULT_LINK_NAME = 'default';
export const DEFAULT_SPREAD_WEIGHT = 100;
export const SECRET_POLICY_TYPE = 'policy.secret.wasmcloud.dev/v1alpha1';

/** Manifests larger than this are refused before parsing (2 MiB; real manifests are a few KiB). */
export const MANIFEST_MAX_BYTES = 2 * 1024 * 1024;

/** YAML alias expansions allowed while converting a document (guards against "billion laughs"). */
export const MANIFEST_MAX_ALIAS_COUNT = 100;

/**
 * namespace → package → interfaces that wasmCloud hosts know. Used by wadm rule 4: a known namespace with
 * an unknown package, or a known package with an unknown interface, is probably a typo (Warning).
 */
export const KNOWN_INTERFACES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  wrpc: {
    blobstore: ['blobstore'],
    keyvalue: ['atomics', 'store'],
    http: ['incoming-handler', 'outgoing-handler'],
  },
  wasi: {
    blobstore: ['blobstore'],
    config: ['runtime'],
    keyvalue: ['atomics', 'store', 'batch', 'watch'],
    http: ['incoming-handler', 'outgoing-handler'],
    logging: ['logging'],
  },
  wasmcloud: {
    messaging: ['consumer', 'handler'],
  },
};
