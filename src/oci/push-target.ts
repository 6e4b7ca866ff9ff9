/**
 * Which reference `wash push` writes to, from its arguments and the project's `[registry] url` (wasmcloud.toml §11).
 * Upstream wash completes a reference written without a registry from the project's registry; here `[registry] url`
 * may also be a whole reference (`ghcr.io/acme/api:0.2.0`), which then stands in for an omitted reference argument.
 */
import { UserError } from '../errors.js';
import { formatReference, parseReference } from './reference.js';

export interface PushProject {
  /** `[registry] url`: a full reference (with tag or digest) or a registry/namespace prefix (`127.0.0.1:5000/team`). */
  url?: string;
  /** Project `name` and `version`, naming the repository and tag under a prefix when no reference is given. */
  name?: string;
  version?: string;
  /** The wasmcloud.toml read, for messages. */
  file?: string;
}

/** `wash push [REF] COMPONENT`: one argument is the component file, two are the reference and the file. */
export function splitPushArgs(
  first: string | undefined,
  second: string | undefined,
): { ref?: string; component: string } {
  if (first !== undefined && second !== undefined) return { ref: first, component: second };
  if (first !== undefined) return { component: first };
  throw new UserError('wash push needs the component file to push', {
    suggestion:
      'e.g. wash push ghcr.io/org/name:0.1.0 build/name_s.wasm, or just wash push build/name_s.wasm in a project whose wasmcloud.toml has [registry] url',
  });
}

function stripScheme(ref: string): string {
  return ref.trim().replace(/^(oci|https?):\/\//, '');
}

/** True when the first path segment names a registry (Docker's rule: a `.` or `:` in it, or `localhost`). */
export function hasRegistry(ref: string): boolean {
  const rest = stripScheme(ref);
  const slash = rest.indexOf('/');
  if (slash < 0) return false;
  const first = rest.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[');
}

/** A url with a tag or digest is a whole reference; without one it is a prefix (registry, optionally namespace). */
function isWholeReference(url: string): boolean {
  const rest = stripScheme(url);
  return rest.includes('@') || rest.lastIndexOf(':') > rest.lastIndexOf('/');
}

export function resolvePushReference(ref: string | undefined, project: PushProject = {}): string {
  const where = project.file ? ` (${project.file})` : '';
  const url = project.url?.trim();
  if (ref !== undefined) {
    if (!url || hasRegistry(ref)) return ref;
    const prefix = isWholeReference(url) ? parseReference(url).registry : stripScheme(url).replace(/\/+$/, '');
    return `${prefix}/${stripScheme(ref)}`;
  }
  if (!url) {
    throw new UserError(
      `no reference to push to: none given and no [registry] url${where ? ` in ${project.file}` : ' (not in a project directory)'}`,
      {
        suggestion:
          'give one, e.g. wash push ghcr.io/org/name:0.1.0 build/name_s.wasm, or set [registry] url in wasmcloud.toml',
      },
    );
  }
  if (isWholeReference(url)) return url;
  if (!project.name || !project.version) {
    throw new UserError(
      `[registry] url '${url}'${where} has no tag, and the project has no name and version to complete it`,
      {
        suggestion: `give the reference (wash push ${url}/<name>:<version> <file>), or write [registry] url as a whole reference with a tag`,
      },
    );
  }
  const base = parseReference(
    `${stripScheme(url).replace(/\/+$/, '')}/${project.name.toLowerCase()}:${project.version}`,
  );
  return formatReference(base);
}
