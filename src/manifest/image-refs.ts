/** `file://` image references: resolving relative paths against the manifest's folder, and checking they exist. */
import { access as accessCallback } from 'node:fs';
import { promisify } from 'node:util';
import { isAbsolute, resolve } from 'node:path';
import type { Finding } from './findings.js';
import { formatPath, type PathSegment } from './paths.js';
import type { Manifest } from './schema.js';
import type { SourceMap } from './source.js';

/** Promisified callback API: keeps node:fs/promises out of CLI start-up (see index.ts). */
const access = promisify(accessCallback);

const FILE_SCHEME = 'file://';

/** The local path of a `file://` image, resolved against `baseDir` when relative; undefined for other refs. */
export function fileImagePath(image: string, baseDir: string): string | undefined {
  if (!image.startsWith(FILE_SCHEME)) return undefined;
  const path = image.slice(FILE_SCHEME.length);
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** A copy of the manifest whose relative `file://` images are absolute (as `wash app put/deploy` sends them). */
export function resolveFileImages(manifest: Manifest, baseDir: string): Manifest {
  return {
    ...manifest,
    spec: {
      ...manifest.spec,
      components: manifest.spec.components.map((c) => {
        const path = c.properties.image !== undefined ? fileImagePath(c.properties.image, baseDir) : undefined;
        return path === undefined ? c : { ...c, properties: { ...c.properties, image: `${FILE_SCHEME}${path}` } };
      }),
    },
  };
}

/** One Error per `file://` image whose file does not exist. OCI references are not checked (that needs a registry). */
export async function checkFileImages(manifest: Manifest, baseDir: string, sourceMap?: SourceMap): Promise<Finding[]> {
  const findings: Finding[] = [];
  await Promise.all(
    manifest.spec.components.map(async (component, i) => {
      const image = component.properties.image;
      const path = image !== undefined ? fileImagePath(image, baseDir) : undefined;
      if (path === undefined) return;
      try {
        await access(path);
      } catch {
        const at: PathSegment[] = ['spec', 'components', i, 'properties', 'image'];
        const line = sourceMap?.lineOf(at);
        findings[i] = {
          level: 'Error',
          msg: `image file of component '${component.name}' not found: ${path} (from ${image})`,
          path: formatPath(at),
          ...(line !== undefined ? { line } : {}),
        };
      }
    }),
  );
  return findings.filter(Boolean);
}
