/**
 * Pure helpers on names, IDs and annotations (wadm.md §1.1, §1.9 rule 1, §1.10, §4.6). No runtime imports:
 * safe to import anywhere, including at command start-up.
 */
import { SHARED_ANNOTATION, VERSION_ANNOTATION } from './constants.js';
import type { Component, Manifest } from './schema.js';

/** wadm's `^[-\w]+$` with Rust's Unicode-aware `\w` (letters, marks, digits, connector punctuation). */
let manifestName: RegExp | undefined;

export function isValidManifestName(name: string): boolean {
  // ASCII `[-\w]` is a subset of the Unicode class, and creating that class costs ~1 ms of `app validate`'s
  // start-up: only names with other characters need it.
  if (/^[-\w]+$/.test(name)) return true;
  manifestName ??= /^[-\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+$/u;
  return manifestName.test(name);
}

/**
 * Whether wadm can store the app: its manifest key is `{lattice}-{name}` in a NATS KV bucket, and KV keys allow
 * only ASCII (`[-/_=.a-zA-Z0-9]`). Unicode names pass wadm's name check and then fail at the store.
 */
export function isStorableManifestName(name: string): boolean {
  return /^[-_A-Za-z0-9]+$/.test(name);
}

/** The version annotation, or undefined when the manifest has none (wadm then assigns a ULID on put). */
export function manifestVersion(manifest: Pick<Manifest, 'metadata'>): string | undefined {
  return manifest.metadata.annotations[VERSION_ANNOTATION];
}

/** True when the shared annotation parses as the boolean true (exactly "true", like Rust's `bool::from_str`). */
export function isSharedApp(manifest: Pick<Manifest, 'metadata'>): boolean {
  return manifest.metadata.annotations[SHARED_ANNOTATION] === 'true';
}

/** Lower-case, then every character that is not an ASCII letter or digit becomes `_`. */
export function sanitize(value: string): string {
  let out = '';
  for (const ch of value.toLowerCase()) out += /^[a-z0-9]$/.test(ch) ? ch : '_';
  return out;
}

/**
 * The ID wadm gives a component or provider: its explicit `id`, else `sanitize(app)-sanitize(component)`.
 * For a shared reference (`application: {name, component}`) the shared app and component names are used.
 */
export function componentId(appName: string, component: Pick<Component, 'name' | 'properties'>): string {
  const { id, application } = component.properties;
  if (id !== undefined) return id;
  if (application) return `${sanitize(application.name)}-${sanitize(application.component)}`;
  return `${sanitize(appName)}-${sanitize(component.name)}`;
}

function isAsciiAlpha(ch: string): boolean {
  return /^[A-Za-z]$/.test(ch);
}

function isAsciiAlnum(ch: string): boolean {
  return /^[A-Za-z0-9]$/.test(ch);
}

/** DNS subdomain as wadm checks it: 1–253 chars; parts of 1–63 chars, letter first, alphanumeric last, `[A-Za-z0-9-]`. */
function isDnsSubdomain(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  return value
    .split('.')
    .every(
      (part) =>
        part.length > 0 &&
        part.length <= 63 &&
        isAsciiAlpha(part[0]) &&
        isAsciiAlnum(part[part.length - 1]) &&
        /^[A-Za-z0-9-]+$/.test(part),
    );
}

/** Label name: 1–63 chars, alphanumeric at both ends, `[A-Za-z0-9._-]` inside. */
function isLabelName(value: string): boolean {
  return (
    value.length > 0 &&
    value.length <= 63 &&
    isAsciiAlnum(value[0]) &&
    isAsciiAlnum(value[value.length - 1]) &&
    /^[A-Za-z0-9._-]+$/.test(value)
  );
}

/** OAM key check for label and annotation keys (§1.10): `[dns-subdomain/]name`, split at the first `/`. */
export function isValidOamKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash === -1) return isLabelName(key);
  return isDnsSubdomain(key.slice(0, slash)) && isLabelName(key.slice(slash + 1));
}

const LINK_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Named-link rule: a link name is a DNS label (`[a-z0-9][a-z0-9-]*`, at most 63 characters). */
export function isValidLinkName(name: string): boolean {
  return name.length <= 63 && LINK_NAME.test(name);
}
