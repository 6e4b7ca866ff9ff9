/**
 * Compatibility suite: every manifest of wadm's repository (tests/fixtures/manifests/** and oam/*) is accepted,
 * accepted with warnings, or rejected as wadm.md §6 says, with exact counts. The fixtures are read in place.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifestText, serializeManifest, validateManifestText } from '../../../src/manifest/sync.js';
import { needing, WADM_REPO } from './helpers.js';

interface Expectation {
  /** Exact counts. */
  errors: number;
  warnings: number;
  /** Substrings that some error (resp. warning) message must contain. */
  errorIncludes?: string[];
  warningIncludes?: string[];
  /** Substring of the first error (wadm's server replies with the first error only). */
  firstError?: string;
}

const valid = (warnings = 0, warningIncludes?: string[]): Expectation => ({
  errors: 0,
  warnings,
  ...(warningIncludes ? { warningIncludes } : {}),
});

/** wadm.md §6.1 and §6.2, file by file. */
const EXPECTED: Record<string, Expectation> = {
  // §6.2 oam/ examples
  'oam/config.yaml': valid(),
  'oam/custom.yaml': valid(), // unknown trait type customscaler: accepted and ignored
  'oam/echo.yaml': valid(),
  'oam/hello.yaml': valid(),
  'oam/kvcounter.yaml': valid(2, ['[wasi:keyvalue/atomic]', '[wasi:keyvalue/eventual]']),
  'oam/simple1.json': valid(), // legacy type: actor
  'oam/simple1.yaml': valid(),
  'oam/simple2.yaml': valid(),
  'oam/sqldbpostgres.yaml': valid(1, ['[wasmcloud:postgres/query]']), // wasmcloud namespace known, postgres not

  // §6.1 tests/fixtures/manifests
  'tests/fixtures/manifests/all_hosts.yaml': valid(),
  'tests/fixtures/manifests/complex.yaml': valid(),
  'tests/fixtures/manifests/correct_unique_interface_links.yaml': valid(),
  'tests/fixtures/manifests/custom-interface.wadm.yaml': valid(), // no findings at all
  'tests/fixtures/manifests/dangling-link.wadm.yaml': {
    errors: 1,
    warnings: 1,
    errorIncludes: ['missing from the manifest: ["httpclient"]'],
    warningIncludes: ['target [httpclient] is not a listed component'],
  },
  'tests/fixtures/manifests/deprecated-source-and-target-config.yaml': valid(2, ['source_config', 'target_config']),
  'tests/fixtures/manifests/duplicate_component.yaml': {
    errors: 2,
    warnings: 0,
    firstError: 'Duplicate component name in manifest: ui',
    errorIncludes: ['Duplicate component name in manifest: vets'],
  },
  'tests/fixtures/manifests/duplicate_id1.yaml': {
    errors: 1,
    warnings: 0,
    firstError: 'Duplicate component identifier in manifest: httpserver',
  },
  'tests/fixtures/manifests/duplicate_id2.yaml': {
    errors: 1,
    warnings: 0,
    firstError: 'Duplicate component identifier in manifest: ui',
  },
  'tests/fixtures/manifests/duplicate_link_config_names.wadm.yaml': {
    errors: 3,
    warnings: 0,
    errorIncludes: ["Duplicate link config name found: 'redis-url'", "'alternate-port'", "'default-port'"],
  },
  // also two source_config deprecation warnings (rule 11)
  'tests/fixtures/manifests/duplicate_links.yaml': {
    errors: 1,
    warnings: 2,
    firstError: "Duplicate link found inside component 'httpserver'",
  },
  'tests/fixtures/manifests/host_stop.yaml': valid(),
  'tests/fixtures/manifests/incorrect_component.yaml': {
    errors: 3,
    warnings: 0,
    firstError: 'Duplicate component name in manifest: ui',
    errorIncludes: ['Scaler trait deserialized as custom trait'],
  },
  'tests/fixtures/manifests/incorrect_unique_interface_links.yaml': { errors: 1, warnings: 0, firstError: 'atomics' },
  'tests/fixtures/manifests/long_image_refs.yaml': valid(),
  'tests/fixtures/manifests/lotta_components.yaml': valid(),
  'tests/fixtures/manifests/made-up-key.wadm.yaml': { errors: 1, warnings: 0, firstError: 'unknown field "incorrect"' },
  'tests/fixtures/manifests/misnamed-interface.wadm.yaml': valid(1, ['[wasi:keyvalue/atomic]']),
  'tests/fixtures/manifests/missing_capability_component.yaml': {
    errors: 1,
    warnings: 0,
    firstError: 'missing from the manifest: ["httpclyent"]',
  },
  'tests/fixtures/manifests/outdatedapp.yaml': valid(),
  'tests/fixtures/manifests/policy.wadm.yaml': valid(), // unused policy without backend: not checked
  'tests/fixtures/manifests/shared/both_properties.yaml': {
    errors: 1,
    warnings: 0,
    firstError: "cannot have both 'image' and 'application'",
  },
  'tests/fixtures/manifests/shared/no_matching_app.yaml': valid(), // fails at deploy, not at put
  'tests/fixtures/manifests/shared/no_matching_component.yaml': valid(),
  'tests/fixtures/manifests/shared/no_properties.yaml': {
    errors: 1,
    warnings: 0,
    firstError: "must have either 'image' or 'application'",
  },
  'tests/fixtures/manifests/shared/notshared_http.yaml': valid(),
  'tests/fixtures/manifests/shared/notshared_http_dev.yaml': valid(),
  'tests/fixtures/manifests/shared/shared_component.yaml': valid(),
  'tests/fixtures/manifests/shared/shared_component_dev.yaml': valid(),
  'tests/fixtures/manifests/shared/shared_http.yaml': valid(),
  'tests/fixtures/manifests/shared/shared_http_dev.yaml': valid(),
  'tests/fixtures/manifests/simple.wadm.yaml': valid(),
  'tests/fixtures/manifests/simple.yaml': valid(),
  'tests/fixtures/manifests/simple2.yaml': valid(),
  'tests/fixtures/manifests/unknown-package.wadm.yaml': valid(1, ['[wasi:keyvalues/atomics]']),
  'tests/fixtures/manifests/upgradedapp.yaml': valid(),
  'tests/fixtures/manifests/upgradedapp2.yaml': valid(),
  'tests/fixtures/manifests/upgradedapp3.yaml': valid(),
};

function manifestFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ya?ml|json)$/.test(name) && name !== 'events.json') out.push(relative(root, path));
    }
  };
  walk(join(root, 'tests', 'fixtures', 'manifests'));
  walk(join(root, 'oam'));
  return out.sort();
}

const root = WADM_REPO ?? '';
const files = WADM_REPO ? manifestFiles(root) : [];
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

describe.skipIf(!WADM_REPO)(needing(WADM_REPO, 'wadm fixture compatibility'), () => {
  it('has an expectation for every manifest in the fixture folders (and no stale ones)', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s', (file) => {
    const expected = EXPECTED[file];
    const report = validateManifestText(read(file), { file });
    const summary = [...report.errors, ...report.warnings].map((f) => `${f.level}: ${f.msg}`);
    expect({ errors: report.errors.length, warnings: report.warnings.length }, summary.join('\n')).toEqual({
      errors: expected.errors,
      warnings: expected.warnings,
    });
    expect(report.valid).toBe(expected.errors === 0);
    if (expected.firstError) expect(report.errors[0].msg).toContain(expected.firstError);
    for (const text of expected.errorIncludes ?? []) expect(report.errors.map((e) => e.msg).join('\n')).toContain(text);
    for (const text of expected.warningIncludes ?? [])
      expect(report.warnings.map((w) => w.msg).join('\n')).toContain(text);
    // every finding points at a field and a line of the file
    for (const f of [...report.errors, ...report.warnings]) {
      expect(f.path).not.toBe('');
      expect(f.line).toBeGreaterThan(0);
    }
  });

  it('reads the JSON and YAML forms of simple1 (legacy type: actor) to the same normalised manifest', () => {
    const fromJson = parseManifestText(read('oam/simple1.json')).manifest;
    const fromYaml = parseManifestText(read('oam/simple1.yaml')).manifest;
    expect(fromJson).toBeDefined();
    expect(fromJson).toEqual(fromYaml);
    expect(fromJson!.spec.components.map((c) => c.type)).toEqual(['component', 'capability', 'capability']);
  });

  it('normalises the deprecated link forms of deprecated-source-and-target-config.yaml to the object form', () => {
    const m = parseManifestText(read('tests/fixtures/manifests/deprecated-source-and-target-config.yaml')).manifest!;
    expect(m.spec.components[0].traits![1].properties).toEqual({
      namespace: 'wasi',
      package: 'blobstore',
      interfaces: ['blobstore'],
      target: { name: 'blobstore-fs', config: [{ name: 'root-directory', properties: { root: '/tmp' } }], secrets: [] },
    });
    expect(m.spec.components[1].traits![0].properties).toMatchObject({
      source: { config: [{ name: 'default-http', properties: { address: '0.0.0.0:8000' } }], secrets: [] },
      target: { name: 'http-blobstore', config: [], secrets: [] },
    });
  });

  it.each(files.filter((f) => EXPECTED[f].errors === 0))(
    '%s survives a YAML and a JSON round trip unchanged',
    (file) => {
      const manifest = parseManifestText(read(file)).manifest!;
      for (const format of ['yaml', 'json'] as const) {
        const text = serializeManifest(manifest, format);
        expect(text).not.toMatch(/source_config|target_config|replicas|\bactor\b/);
        const again = validateManifestText(text);
        expect(again.errors).toEqual([]);
        expect(again.manifest).toEqual(manifest);
      }
    },
  );
});
