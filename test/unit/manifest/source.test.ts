/** Reading text: YAML/JSON syntax errors with line:column, limits, source-map lines, metadata scalars. */
import { describe, expect, it } from 'vitest';
import { MANIFEST_MAX_ALIAS_COUNT, MANIFEST_MAX_BYTES } from '../../../src/manifest/constants.js';
import { locateJsonError, readManifestSource } from '../../../src/manifest/source.js';
import { parseManifestText, validateManifestText } from '../../../src/manifest/sync.js';
import { capability, manifestYaml } from './helpers.js';

describe('YAML syntax errors', () => {
  it('are reported with line and column', () => {
    const text = [
      'apiVersion: core.oam.dev/v1beta1',
      'kind: Application',
      'metadata:',
      '  name: app',
      '  annotations: {}',
      'spec:',
      '  components: [',
      '    - x',
    ].join('\n');
    const r = validateManifestText(text, { file: 'app.yaml' });
    expect(r.valid).toBe(false);
    expect(r.manifest).toBeUndefined();
    expect(r.errors[0]).toMatchObject({ level: 'Error', path: '', line: 8, column: 5 });
    expect(r.errors[0].msg).toMatch(/^YAML syntax error: /);
  });

  it('point at tabs used as indentation and at misaligned items', () => {
    const tabs = parseManifestText('metadata:\n\tname: a\n');
    expect(tabs.findings[0]).toMatchObject({ line: 2, column: 1 });
    expect(tabs.findings[0].msg).toContain('Tabs are not allowed as indentation');
    expect(parseManifestText('spec:\n  components:\n    - name: a\n   type: component\n').findings[0]).toMatchObject({
      line: 4,
    });
  });

  it('reject duplicate keys and several documents', () => {
    expect(parseManifestText('kind: a\nkind: b\n').findings[0]).toMatchObject({ line: 2, column: 1 });
    expect(parseManifestText('kind: a\n---\nkind: b\n').findings[0].msg).toContain('multiple documents');
  });

  it('are not hidden behind a JSON error when the text is YAML', () => {
    const r = parseManifestText('kind: Application\nspec: [1, 2\n');
    expect(r.format).toBe('yaml');
    expect(r.findings[0].msg).toMatch(/^YAML syntax error/);
  });
});

describe('JSON', () => {
  it('is parsed as JSON first when the text starts with {, with exact syntax error positions', () => {
    const r = parseManifestText('{\n  "apiVersion": "v",\n  "kind": tru\n}\n');
    expect(r.format).toBe('json');
    expect(r.findings).toEqual([
      { level: 'Error', msg: 'JSON syntax error: unexpected character "t"', path: '', line: 3, column: 11 },
    ]);
    expect(parseManifestText('{"a": 1,}').findings[0]).toMatchObject({
      msg: 'JSON syntax error: expected a double-quoted property name',
      line: 1,
      column: 9,
    });
  });

  it('locates the error where JSON.parse does not say', () => {
    expect(locateJsonError('{"a": [1, 2}')).toEqual({
      offset: 11,
      message: "expected ',' or ']' after the array element",
    });
    expect(locateJsonError('{"a": "x\ny"}')).toMatchObject({ message: 'control character in string (escape it)' });
    expect(locateJsonError('{"a": 1} x')).toMatchObject({ message: 'unexpected text after the JSON value' });
    expect(locateJsonError('{"a": [1, {"b": null}], "c": -1.5e3}')).toBeUndefined();
  });

  it('accepts flow-style YAML that starts with { and an unquoted key', () => {
    const r = parseManifestText(
      '{apiVersion: v1, kind: Application, metadata: {name: a, annotations: {}}, spec: {components: []}}',
    );
    expect(r.findings).toEqual([]);
    expect(r.manifest?.metadata.name).toBe('a');
  });

  it('keeps line numbers for findings in JSON files', () => {
    const json = JSON.stringify(
      {
        apiVersion: 'v',
        kind: 'Application',
        metadata: { name: 'bad name', annotations: {} },
        spec: { components: [] },
      },
      null,
      2,
    );
    const r = validateManifestText(json);
    expect(r.errors[0]).toMatchObject({ path: 'metadata.name', line: 5 });
  });
});

describe('limits', () => {
  it('refuses YAML alias bombs', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
    ])
      lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    const r = parseManifestText(lines.join('\n'));
    expect(r.manifest).toBeUndefined();
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].msg).toContain(`more than ${MANIFEST_MAX_ALIAS_COUNT} expansions`);
  });

  it('still allows a few anchors and aliases', () => {
    const text = manifestYaml(
      `${capability('kv')}\n        config: &cfg\n          - name: c\n${capability('kv2')}\n        config: *cfg`,
    );
    const r = validateManifestText(text);
    expect(r.errors).toEqual([]);
    expect(r.manifest?.spec.components[1].properties.config).toEqual([{ name: 'c' }]);
  });

  it(`refuses text over MANIFEST_MAX_BYTES (${MANIFEST_MAX_BYTES}) before parsing it`, () => {
    const text = manifestYaml(capability('kv')) + `# ${'x'.repeat(MANIFEST_MAX_BYTES)}\n`;
    const r = readManifestSource(text);
    expect(r.data).toBeUndefined();
    expect(r.findings[0].msg).toMatch(/^manifest is too large: \d+ bytes, the limit is 2097152 bytes/);
  });
});

describe('source map and scalars', () => {
  it('gives each finding the line of its field, falling back to the closest parent present', () => {
    const text = manifestYaml(`${capability('kv')}\n${capability('kv')}`);
    const r = validateManifestText(text);
    expect(r.errors[0]).toMatchObject({ path: 'spec.components[1].name', line: 13 });
    expect(r.sourceMap.lineOf(['spec', 'components', 1, 'properties', 'nothing', 'here'])).toBe(15);
  });

  it('keeps unquoted metadata scalars as written (wadm reads them as strings), but not spec values', () => {
    const text = manifestYaml(capability('kv'), { annotations: '    version: 1.10\n    enabled: true' });
    const r = validateManifestText(text);
    expect(r.manifest?.metadata.annotations).toEqual({ version: '1.10', enabled: 'true' });
  });

  it('strips a byte order mark', () => {
    expect(parseManifestText(`\uFEFF${manifestYaml(capability('kv'))}`).findings).toEqual([]);
  });
});
