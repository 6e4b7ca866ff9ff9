import { describe, expect, it } from 'vitest';
import { debugList, idCollision, missingSharedComponents } from '../../../src/wadm/store/guards.js';
import type { StoredApp, WadmManifest } from '../../../src/wadm/types.js';

const m = (name: string, components: Array<Record<string, unknown>>, shared = false): WadmManifest => ({
  apiVersion: 'core.oam.dev/v1beta1',
  kind: 'Application',
  metadata: {
    name,
    annotations: shared ? { version: 'v1', 'experimental.wasmcloud.dev/shared': 'true' } : { version: 'v1' },
  },
  spec: { components },
});
const app = (manifest: WadmManifest, deployed: boolean): StoredApp => ({
  name: manifest.metadata.name,
  versions: [{ version: 'v1', manifest }],
  deployed_version: deployed ? 'v1' : null,
  deploy_history: [],
  revision: 1,
});

describe('deploy guards', () => {
  const owner = m('owner', [{ name: 'a', type: 'component', properties: { image: 'i', id: 'fixed' } }]);
  const staged = m('mine', [{ name: 'b', type: 'component', properties: { image: 'j', id: 'fixed' } }]);

  it('flags an explicit id used by another DEPLOYED app only', () => {
    expect(idCollision('mine', staged, [app(owner, true)])).toBe(
      "Component identifier 'fixed' is already deployed in a different application 'owner'.",
    );
    expect(idCollision('mine', staged, [app(owner, false)])).toBeUndefined();
    // the app's own deployed version does not count (upgrades keep their ids)
    expect(idCollision('owner', owner, [app(owner, true)])).toBeUndefined();
  });

  it('shared references need a deployed shared app with a component of that name and kind', () => {
    const consumer = m('c', [
      { name: 'web', type: 'capability', properties: { application: { name: 'shared', component: 'http' } } },
      { name: 'logic', type: 'component', properties: { application: { name: 'shared', component: 'http' } } },
    ]);
    const sharedApp = m('shared', [{ name: 'http', type: 'capability', properties: { image: 'x' } }], true);
    expect(missingSharedComponents(consumer, [])).toEqual(['web', 'logic']);
    expect(missingSharedComponents(consumer, [app(sharedApp, false)])).toEqual(['web', 'logic']);
    expect(missingSharedComponents(consumer, [app(sharedApp, true)])).toEqual(['logic']); // kind mismatch
    const notShared = m('shared', [{ name: 'http', type: 'capability', properties: { image: 'x' } }]);
    expect(missingSharedComponents(consumer, [app(notShared, true)])).toEqual(['web', 'logic']);
  });

  it('prints name lists like wadm does', () => {
    expect(debugList(['a', 'b'])).toBe('["a", "b"]');
  });
});
