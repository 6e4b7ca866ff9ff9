import { describe, expect, it } from 'vitest';
import * as wash from '../../src/index.js';

describe('library surface (package exports)', () => {
  it('exposes the documented entry points', () => {
    for (const name of [
      'validateManifestText',
      'parseManifestText',
      'manifestJsonSchema',
      'inspectComponent',
      'startHost',
      'startWadm',
      'startApiServer',
      'WadmClient',
      'CtlClient',
      'natsConnect',
      'startNatsServer',
      'UserError',
      'pullComponent',
      'pushComponent',
      'parseReference',
      'ociWitSource',
      'registryPushDefaults',
    ] as const) {
      expect(typeof (wash as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('validates a manifest as the README shows', async () => {
    const report = await wash.validateManifestText(
      'apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: bad name\n  annotations: {}\nspec:\n  components: []\n',
      { file: 'wadm.yaml' },
    );
    expect(report.valid).toBe(false);
    expect(report.errors[0]).toMatchObject({ level: 'Error', path: 'metadata.name', line: 4 });
  });
});
