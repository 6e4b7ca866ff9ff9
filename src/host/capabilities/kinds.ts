/**
 * The capability providers built into every wash host, recognised by the references users already write:
 * `wasmcloud+builtin://<name>` or the upstream provider image `ghcr.io/wasmcloud/<name>[:tag][@digest]`.
 */
export const BUILTIN_KINDS = [
  'http-server',
  'http-client',
  'keyvalue-nats',
  'keyvalue-redis',
  'keyvalue-inmemory',
  'messaging-nats',
  'blobstore-fs',
  'blobstore-nats',
] as const;

export type BuiltinKind = (typeof BUILTIN_KINDS)[number];

const UPSTREAM_IMAGE = /^ghcr\.io\/wasmcloud\/([a-z0-9-]+)(?::[^/@]*)?(?:@sha256:[0-9a-f]+)?$/;
const BUILTIN_REF = /^wasmcloud\+builtin:\/\/([a-z0-9-]+)$/;

/** The built-in capability a provider reference names, or undefined for anything else. */
export function builtinKind(ref: string): BuiltinKind | undefined {
  const r = ref.trim().replace(/^oci:\/\//, '');
  const name = BUILTIN_REF.exec(r)?.[1] ?? UPSTREAM_IMAGE.exec(r)?.[1];
  return (BUILTIN_KINDS as readonly string[]).includes(name ?? '') ? (name as BuiltinKind) : undefined;
}

/** `wasmcloud+builtin://keyvalue-redis, ghcr.io/wasmcloud/keyvalue-redis:<version>, …` for messages. */
export function builtinRefsText(): string {
  return BUILTIN_KINDS.map((k) => `wasmcloud+builtin://${k}`).join(', ') + ' (or ghcr.io/wasmcloud/<name>:<version>)';
}
