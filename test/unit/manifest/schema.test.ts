/** The zod schema: normalisation (aliases, legacy link forms), unknown-key rules per level, schema findings. */
import { describe, expect, it } from 'vitest';
import {
  classifyTraitProperty,
  parseManifestText,
  parseManifestValue,
  validateManifestText,
} from '../../../src/manifest/sync.js';
import { manifestYaml } from './helpers.js';

const base = (components: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'core.oam.dev/v1beta1',
  kind: 'Application',
  metadata: { name: 'app', annotations: {} },
  spec: { components },
  ...extra,
});
const cap = (name: string, traits?: unknown[]) => ({
  name,
  type: 'capability',
  properties: { image: `img/${name}` },
  ...(traits ? { traits } : {}),
});
const linkTrait = (properties: Record<string, unknown>) => ({
  type: 'link',
  properties: { namespace: 'wasi', package: 'http', interfaces: ['incoming-handler'], ...properties },
});

describe('normalisation', () => {
  it('reads type: actor as component and replicas as instances', () => {
    const { manifest } = parseManifestValue(
      base([
        {
          name: 'a',
          type: 'actor',
          properties: { image: 'x' },
          traits: [{ type: 'spreadscaler', properties: { replicas: 3 } }],
        },
      ]),
    );
    expect(manifest?.spec.components[0]).toEqual({
      name: 'a',
      type: 'component',
      properties: { image: 'x', config: [], secrets: [] },
      traits: [{ type: 'spreadscaler', properties: { instances: 3, spread: [] } }],
    });
  });

  it('fills defaults (labels, policies, config, secrets) and drops nulls', () => {
    const { manifest } = parseManifestValue(
      base([{ name: 'a', type: 'component', properties: { image: 'x', id: null, application: null }, traits: null }]),
    );
    expect(manifest).toEqual({
      apiVersion: 'core.oam.dev/v1beta1',
      kind: 'Application',
      metadata: { name: 'app', annotations: {}, labels: {} },
      spec: {
        components: [{ name: 'a', type: 'component', properties: { image: 'x', config: [], secrets: [] } }],
        policies: [],
      },
    });
  });

  it('turns a string target with target_config into the object form, and source_config into source', () => {
    const { manifest } = parseManifestValue(
      base([
        cap('t'),
        cap('s', [
          linkTrait({
            target: 't',
            target_config: [{ name: 'tc', properties: { a: 'b' } }],
            source_config: [{ name: 'sc' }],
          }),
        ]),
      ]),
    );
    expect(manifest?.spec.components[1].traits?.[0].properties).toEqual({
      namespace: 'wasi',
      package: 'http',
      interfaces: ['incoming-handler'],
      source: { config: [{ name: 'sc' }], secrets: [] },
      target: { name: 't', config: [{ name: 'tc', properties: { a: 'b' } }], secrets: [] },
    });
  });

  it('lets source win over source_config, and ignores target_config (even malformed) next to an object target', () => {
    const props = {
      target: { name: 't' },
      target_config: [{ bogus: true }],
      source: { config: [{ name: 'new' }] },
      source_config: [{ name: 'old' }],
      name: 'n',
      extra: 1,
    };
    const { manifest } = parseManifestValue(base([cap('t'), cap('s', [linkTrait(props)])]));
    expect(manifest?.spec.components[1].traits?.[0].properties).toEqual({
      namespace: 'wasi',
      package: 'http',
      interfaces: ['incoming-handler'],
      source: { config: [{ name: 'new' }], secrets: [] },
      target: { name: 't', config: [], secrets: [] },
      name: 'n',
    });
  });

  it('tries Link, then SpreadScaler, then Custom, whatever the trait type says', () => {
    const link = { namespace: 'a', package: 'b', interfaces: ['c'], target: 'x' };
    expect(classifyTraitProperty(link).kind).toBe('link');
    expect(classifyTraitProperty({ instances: 1 }).kind).toBe('spreadscaler');
    expect(classifyTraitProperty({ instances: 1, replicas: 2 }).kind).toBe('custom'); // both: the alias is an unknown key
    expect(classifyTraitProperty({ namespace: 'a', package: 'b', target: 'x' }).kind).toBe('custom');
    expect(classifyTraitProperty('anything').kind).toBe('custom');
    const { manifest } = parseManifestValue(base([cap('x', [{ type: 'customscaler', properties: link }])]));
    expect(classifyTraitProperty(manifest!.spec.components[0].traits![0].properties)).toMatchObject({
      kind: 'link',
      link: { target: { name: 'x' } },
    });
  });
});

describe('unknown keys, level by level (wadm.md §1)', () => {
  const findingsFor = (value: unknown) => parseManifestValue(value).findings;

  it('rejects them at the top level', () => {
    expect(findingsFor({ ...base([cap('a')]), status: {} }).map((f) => [f.path, f.msg])).toEqual([
      ['status', 'unknown field "status" is not allowed in the top level (allowed: apiVersion, kind, metadata, spec)'],
    ]);
  });

  it('ignores them in metadata, spec, components, links, targets, sources, secrets, policies and shared references', () => {
    const secret = { name: 's', properties: { policy: 'p', key: 'k', extra: 1 }, extra: 1 };
    const value = {
      ...base([
        { ...cap('t'), extra: 1 },
        { name: 'r', type: 'component', properties: { application: { name: 'app', component: 'c', extra: 1 } } },
        cap('s', [linkTrait({ target: { name: 't', extra: 1, secrets: [secret] }, source: { extra: 1 }, extra: 1 })]),
      ]),
      metadata: { name: 'app', annotations: {}, extra: 1 },
    };
    value.spec = {
      ...value.spec,
      extra: 1,
      policies: [{ name: 'p', type: 'x', properties: {}, extra: 1 }],
    } as typeof value.spec;
    const { manifest, findings } = parseManifestValue(value);
    expect(findings).toEqual([]);
    expect(JSON.stringify(manifest)).not.toContain('extra');
  });

  it.each([
    [
      'component properties',
      (c: Record<string, unknown>) => ({ ...c, properties: { image: 'x', imagee: 'y' } }),
      'spec.components[0].properties.imagee',
      'did you mean "image"?',
    ],
    [
      'a trait',
      (c: Record<string, unknown>) => ({ ...c, traits: [{ type: 'x', properties: {}, extra: 1 }] }),
      'spec.components[0].traits[0].extra',
      'allowed: type, properties',
    ],
    [
      'a config entry',
      (c: Record<string, unknown>) => ({ ...c, properties: { image: 'x', config: [{ name: 'c', value: 'v' }] } }),
      'spec.components[0].properties.config[0].value',
      'allowed: name, properties',
    ],
  ])('rejects them in %s', (_what, mutate, path, hint) => {
    const findings = findingsFor(base([mutate(cap('a'))]));
    expect(findings).toHaveLength(1);
    expect(findings[0].path).toBe(path);
    expect(findings[0].msg).toContain(hint);
  });

  it('rejects them in scaler properties and spreads (the trait becomes custom, then rule 7b)', () => {
    const text = manifestYaml(
      '    - name: a\n      type: component\n      properties:\n        image: x\n      traits:\n        - type: spreadscaler\n          properties:\n            instances: 1\n            spread:\n              - name: s\n                requirements: {}\n                wieght: 2',
    );
    const r = validateManifestText(text);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].msg).toContain(
      'spread[0].wieght: unknown field "wieght" is not allowed in a spread (allowed: name, requirements, weight); did you mean "weight"?',
    );
    expect(r.errors[0].line).toBe(20);
  });
});

describe('schema findings', () => {
  it('reports every schema problem with its path and line, not an exception', () => {
    const text = [
      'apiVersion: core.oam.dev/v1beta1',
      'kind: Application',
      'metadata:',
      '  name: app',
      'spec:',
      '  components:',
      '    - name: a',
      '      type: widget',
      '      properties: {}',
      '    - name: 7',
      '      type: capability',
      '      properties:',
      '        image: x',
      '        config:',
      '          - name: c',
      '            properties:',
      '              port: 8080',
    ].join('\n');
    const r = parseManifestText(text, { file: 'app.yaml' });
    expect(r.manifest).toBeUndefined();
    expect(r.findings.map((f) => [f.path, f.line, f.msg])).toEqual([
      ['metadata.annotations', 3, 'missing required field "annotations"'],
      ['spec.components[0].type', 8, 'type must be "component" or "capability", got the string "widget"'],
      ['spec.components[1].name', 10, 'expected a string, got the number 7 (quote it: "7")'],
      [
        'spec.components[1].properties.config[0].properties.port',
        17,
        'expected a string, got the number 8080 (quote it: "8080")',
      ],
    ]);
    expect(r.findings.every((f) => f.level === 'Error')).toBe(true);
  });

  it('reports a document that is not a map', () => {
    expect(parseManifestText('- a\n- b\n').findings.map((f) => f.msg)).toEqual(['expected a map, got a list']);
    expect(parseManifestText('').findings.map((f) => f.msg)).toEqual(['expected a map, got null']);
  });
});
