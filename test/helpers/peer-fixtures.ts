/**
 * The one locator of the peer fixtures (real wadm manifests and wasmCloud artifacts, read in place, never
 * copied into the repo). WASH_PEER_FIXTURES names the root holding `wadm/` and `wasmcloud/`; without it the
 * first of `<repo>/../shared/peer-fixtures` (CI clones the repo beside `shared/`) and `/work/shared/peer-fixtures`
 * that exists is used. Tests that need them skip, saying so in their name, when they are absent.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const candidates = process.env.WASH_PEER_FIXTURES
  ? [process.env.WASH_PEER_FIXTURES]
  : [join(repoRoot, '..', 'shared', 'peer-fixtures'), '/work/shared/peer-fixtures'];

/** The peer-fixtures root, or undefined when none is present. */
export const PEER_FIXTURES_ROOT: string | undefined = candidates.find((dir) => existsSync(dir));

/** How a skipped suite says why. */
export const PEER_FIXTURES_SKIP = `(skipped: peer fixtures not found in ${candidates.join(' or ')}; set WASH_PEER_FIXTURES)`;

/** A suite or test name that, when `present` is unset, says why it is skipped: `describe.skipIf(!x)(needing(x, '…'))`. */
export function needing(present: unknown, name: string): string {
  return present ? name : `${name} ${PEER_FIXTURES_SKIP}`;
}

/** `wadm/tests/fixtures/manifests` (wadm's own manifests and events.json), or undefined. */
export const WADM_MANIFESTS = existing(
  PEER_FIXTURES_ROOT && join(PEER_FIXTURES_ROOT, 'wadm', 'tests', 'fixtures', 'manifests'),
);
/** The wadm repository checkout (its JSON schema, manifests), or undefined. */
export const WADM_REPO = WADM_MANIFESTS && join(PEER_FIXTURES_ROOT!, 'wadm');
/** `wasmcloud/` (real component and provider artifacts), or undefined. */
export const WASMCLOUD_ARTIFACTS =
  existing(PEER_FIXTURES_ROOT && join(PEER_FIXTURES_ROOT, 'wasmcloud', 'hello_plugin_s.wasm')) &&
  join(PEER_FIXTURES_ROOT!, 'wasmcloud');

function existing(path: string | undefined): string | undefined {
  return path && existsSync(path) ? path : undefined;
}
