/** The generated JSON Schema: draft-07, the same structure as wadm's oam.schema.json, and it validates sensibly. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { manifestJsonSchema } from '../../../src/manifest/sync.js';
import { needing, WADM_REPO } from './helpers.js';
import { validateJsonSchema } from './mini-json-schema.js';

const root = WADM_REPO ?? '';
const schema = manifestJsonSchema();
const simple = (): Record<string, any> =>
  parse(readFileSync(join(root, 'tests/fixtures/manifests/simple.yaml'), 'utf8'));
const defs = schema.definitions as Record<string, Record<string, unknown>>;

describe.skipIf(!WADM_REPO)(needing(WADM_REPO, 'manifest JSON Schema'), () => {
  it('is draft-07 with the definitions wadm publishes', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const upstream = JSON.parse(readFileSync(join(root, 'oam.schema.json'), 'utf8'));
    expect(Object.keys(defs).sort()).toEqual(Object.keys(upstream.definitions).sort());
    expect(schema.required).toEqual(upstream.required);
    expect(schema.additionalProperties).toBe(false);
    for (const name of ['Metadata', 'Spread', 'LinkProperty', 'ConfigProperty', 'Policy', 'SecretProperty', 'Trait']) {
      expect([name, [...((defs[name].required as string[]) ?? [])].sort()]).toEqual([
        name,
        [...(upstream.definitions[name].required ?? [])].sort(),
      ]);
    }
  });

  it('requires instances or its alias replicas in scaler properties', () => {
    const scaler = defs.SpreadScalerProperty;
    expect(scaler.oneOf).toEqual([{ required: ['instances'] }, { required: ['replicas'] }]);
    const alone = { definitions: schema.definitions, ...scaler };
    expect(validateJsonSchema(alone, { instances: 1 })).toEqual([]);
    expect(validateJsonSchema(alone, { replicas: 1, spread: [] })).toEqual([]);
    expect(validateJsonSchema(alone, { spread: [] })).toEqual(['/: does not match exactly one oneOf branch']);
    expect(validateJsonSchema(alone, { instances: 1, replicas: 1 })).toEqual([
      '/: does not match exactly one oneOf branch',
    ]);
    expect(validateJsonSchema(alone, { instances: 1, sprad: [] })).toEqual(['/sprad: nothing is allowed']);
  });

  it('accepts simple.yaml and every legacy form wadm still reads', () => {
    expect(validateJsonSchema(schema, simple())).toEqual([]);
    const legacy = simple();
    legacy.spec.components[0].type = 'actor';
    legacy.spec.components[0].traits[0].properties = { replicas: 2 };
    expect(validateJsonSchema(schema, legacy)).toEqual([]);
  });

  it.each([
    ['a missing apiVersion', (m: Record<string, any>) => delete m.apiVersion, '/: missing apiVersion'],
    [
      'a missing metadata.annotations',
      (m: Record<string, any>) => delete m.metadata.annotations,
      '/metadata: missing annotations',
    ],
    ['an unknown top-level key', (m: Record<string, any>) => (m.status = {}), '/status: nothing is allowed'],
    [
      'a trait without properties',
      (m: Record<string, any>) => delete m.spec.components[0].traits[0].properties,
      'oneOf',
    ],
    [
      'an unknown key in a trait',
      (m: Record<string, any>) => (m.spec.components[0].traits[0].incorrect = true),
      'oneOf',
    ],
    ['an unknown component type', (m: Record<string, any>) => (m.spec.components[0].type = 'widget'), 'oneOf'],
    [
      'a number as a component config value',
      (m: Record<string, any>) =>
        (m.spec.components[0].properties.config = [{ name: 'c', properties: { port: 8080 } }]),
      'oneOf',
    ],
  ])('rejects %s', (_what, mutate, expected) => {
    const m = simple();
    mutate(m);
    const errors = validateJsonSchema(schema, m);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toContain(expected);
  });
});
