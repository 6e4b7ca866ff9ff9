/**
 * Argument checks shared by the lattice commands, with errors that name the argument the user typed.
 */
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { isSubjectToken } from './subjects.js';
import type { StringMap } from './types.js';
import { dict } from './dict.js';

/** nkey server public keys: `N` + 55 base32 characters. */
const HOST_ID = /^N[A-Z2-7]{55}$/;
const COMPONENT_ID = /^[\p{L}\p{N}_-]+$/u;

export function isHostId(value: string): boolean {
  return HOST_ID.test(value);
}

export function validateHostId(value: string, arg: string): string {
  if (isHostId(value)) return value;
  throw new UserError(`${arg} "${value}" is not a host id: host ids are 56-character nkeys starting with N`, {
    suggestion: 'list the hosts of the lattice with `wash get hosts`',
  });
}

/** Component and provider ids: letters, digits, `_` and `-` (as wash v1). */
export function isComponentId(value: string): boolean {
  return COMPONENT_ID.test(value);
}

export function validateComponentId(value: string, arg: string): string {
  if (isComponentId(value)) return value;
  throw new UserError(`${arg} "${value}" is not a valid id: use only letters, digits, "_" and "-"`, {
    suggestion: value ? `for example "${sanitizeComponentId(value)}"` : undefined,
  });
}

/** Replaces every character not allowed in an id with `_`. */
export function sanitizeComponentId(value: string): string {
  return Array.from(value, (c) => (COMPONENT_ID.test(c) ? c : '_')).join('');
}

/** Names that become one NATS subject token (config names): no dots, wildcards or spaces. */
export function validateSubjectToken(value: string, arg: string): string {
  if (isSubjectToken(value)) return value;
  throw new UserError(
    `${arg} "${value}" cannot be used: it must be non-empty and contain no ".", "*", ">" or whitespace`,
  );
}

/** Config names starting with `SECRET` hold secret references and are managed by `wash secrets`. */
export function refuseSecretConfigName(name: string, arg: string): void {
  if (name.startsWith('SECRET')) {
    throw new UserError(`${arg} "${name}" starts with SECRET, which is reserved for secret references`, {
      suggestion: 'manage secrets with `wash secrets`, or choose a name that does not start with SECRET',
    });
  }
}

/** Parses `key=value` items (values may be empty and may contain `=`). */
export function parseKeyValues(items: readonly string[], arg: string): StringMap {
  const out: StringMap = dict();
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new UserError(`${arg} "${item}" is not in key=value form`, {
        suggestion: `for example ${arg.startsWith('-') ? `${arg} ` : ''}zone=us-east-1`,
      });
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/**
 * Turns a local path into a `file://` URL the host can load (as wash v1): absolute paths, existing
 * relative paths and `file://` URLs with a relative path. Anything else (OCI refs, URLs) is returned as is.
 */
export function resolveImageRef(ref: string, cwd: string = process.cwd()): string {
  const canonical = (p: string) => `file://${realpathSync(p)}`;
  if (ref.startsWith('file://')) {
    const path = ref.slice('file://'.length);
    return !isAbsolute(path) && existsSync(resolve(cwd, path)) ? canonical(resolve(cwd, path)) : ref;
  }
  if (isAbsolute(ref)) return `file://${ref}`;
  const local = resolve(cwd, ref);
  if (!ref.includes('://') && existsSync(local)) return canonical(local);
  return ref;
}
