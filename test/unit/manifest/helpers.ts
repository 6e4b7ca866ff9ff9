import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is test/unit/manifest/helpers.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** wadm's own repository files (manifests, JSON schema), located by `test/helpers/peer-fixtures.ts`. */
export { needing, WADM_REPO, PEER_FIXTURES_SKIP } from '../../helpers/peer-fixtures.js';

/** A manifest with the given `spec.components` YAML (indented as list items under `components:`). */
export function manifestYaml(
  components: string,
  extra: { name?: string; annotations?: string; labels?: string; policies?: string } = {},
): string {
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
