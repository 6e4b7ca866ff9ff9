import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is test/unit/manifest/helpers.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * wadm's own manifests, read in place (never copied into the repo): `<repo>/../shared/peer-fixtures/wadm`, where CI
 * clones the repo beside `shared/`. WASH_WADM_FIXTURES overrides it.
 */
export const WADM_FIXTURES = process.env.WASH_WADM_FIXTURES ?? join(REPO_ROOT, '..', 'shared', 'peer-fixtures', 'wadm');

export function requireWadmFixtures(): string {
  if (!existsSync(join(WADM_FIXTURES, 'tests', 'fixtures', 'manifests'))) {
    throw new Error(`wadm fixtures not found at ${WADM_FIXTURES} (expected beside the repo in ../shared; set WASH_WADM_FIXTURES)`);
  }
  return WADM_FIXTURES;
}

/** A manifest with the given `spec.components` YAML (indented as list items under `components:`). */
export function manifestYaml(components: string, extra: { name?: string; annotations?: string; labels?: string; policies?: string } = {}): string {
  return [
    'apiVersion: core.oam.dev/v1beta1',
    'kind: Application',
    'metadata:',
    `  name: ${extra.name ?? 'test-app'}`,
    '  annotations:',
    extra.annotations ?? '    version: v0.0.1',
    ...(extra.labels ? ['  labels:', extra.labels] : []),
    'spec:',
    ...(extra.policies ? ['  policies:', extra.policies] : []),
    '  components:',
    components.replace(/^\n/, '').replace(/\s+$/, ''),
    '',
  ].join('\n');
}

/** A capability `name` with an image and no traits, as a components list item. */
export function capability(name: string): string {
  return `    - name: ${name}\n      type: capability\n      properties:\n        image: ghcr.io/example/${name}:1.0.0`;
}
