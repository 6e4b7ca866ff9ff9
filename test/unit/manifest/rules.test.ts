/** Each validation rule (wadm.md §1.9 rules 1–11, §1.10, and wash's additions) on small inline manifests. */
import { describe, expect, it } from 'vitest';
import { validateManifestText } from '../../../src/manifest/sync.js';
import type { Finding } from '../../../src/manifest/findings.js';
import { capability, manifestYaml } from './helpers.js';

const validate = (text: string) => validateManifestText(text);
const msgs = (findings: Finding[]) => findings.map((f) => f.msg);

/** A component with an image, a spreadscaler and the given extra traits (YAML list items at trait indent). */
function component(name: string, traits = '', extraProps = ''): string {
  return [
    `    - name: ${name}`,
    '      type: component',
    '      properties:',
    `        image: ghcr.io/example/${name}:1.0.0`,
    ...(extraProps ? [extraProps] : []),
    '      traits:',
    '        - type: spreadscaler',
    '          properties:',
    '            instances: 1',
    ...(traits ? [traits.replace(/^\n/, '').replace(/\s+$/, '')] : []),
  ].join('\n');
}

function link(
  target: string,
  opts: { ns?: string; pkg?: string; interfaces?: string[]; name?: string; type?: string; extra?: string } = {},
): string {
  return [
    `        - type: ${opts.type ?? 'link'}`,
    '          properties:',
    `            namespace: ${opts.ns ?? 'wasi'}`,
    `            package: ${opts.pkg ?? 'keyvalue'}`,
    `            interfaces: [${(opts.interfaces ?? ['atomics']).join(', ')}]`,
    ...(opts.name !== undefined ? [`            name: ${opts.name}`] : []),
    '            target:',
    `              name: ${target}`,
    ...(opts.extra ? [opts.extra] : []),
  ].join('\n');
}

describe('a clean manifest', () => {
  it('has no findings', () => {
    const r = validate(manifestYaml(`${component('app', link('kv'))}\n${capability('kv')}`));
    expect(r).toMatchObject({ valid: true, errors: [], warnings: [] });
  });
});

describe('rule 1: manifest name', () => {
  it.each(['my.app', 'my app', 'app!'])('rejects %j', (name) => {
    const r = validate(manifestYaml(capability('kv'), { name: JSON.stringify(name) }));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ path: 'metadata.name', line: 4 });
    expect(r.errors[0].msg).toBe(`manifest name [${name}] is not allowed (should match regex [^[-\\w]+$])`);
  });

  it.each(['my-app', 'my_app', 'MyApp2', '-x_'])('accepts %j', (name) => {
    expect(validate(manifestYaml(capability('kv'), { name })).valid).toBe(true);
  });

  // wadm's own check accepts Unicode word characters (Rust \w), but its store cannot hold them (NATS KV keys are ASCII).
  it.each(['héllo_wörld', 'приложение'])('rejects %j, which wadm could not store', (name) => {
    const r = validate(manifestYaml(capability('kv'), { name }));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ path: 'metadata.name', line: 4 });
    expect(r.errors[0].msg).toBe(
      `manifest name [${name}] cannot be stored: wadm keeps apps under NATS KV keys, which allow only ASCII letters, digits, '-' and '_'`,
    );
  });
});

describe('rule 2: version', () => {
  it('rejects the version "latest"', () => {
    const r = validate(manifestYaml(capability('kv'), { annotations: '    version: latest' }));
    expect(r.errors.map((e) => [e.msg, e.path, e.line])).toEqual([
      ['latest is not allowed in wadm', 'metadata.annotations.version', 6],
    ]);
  });
});

describe('rules 3a/3b: OAM label and annotation keys (§1.10)', () => {
  it.each(['foo', 'app.oam.io/name', 'dash-period.numb3r/any_v4lue'])('accepts %j', (key) => {
    const r = validate(manifestYaml(capability('kv'), { labels: `    ${key}: x`, annotations: `    ${key}: x` }));
    expect(r.errors).toEqual([]);
  });

  it.each(['my_prefix/app-name', '1my_prefix/app-name', 'my_prefix---/app-name', 'x/app-name...', 'a'.repeat(255)])(
    'rejects %j',
    (key) => {
      const r = validate(manifestYaml(capability('kv'), { labels: `    "${key}": x`, annotations: `    "${key}": y` }));
      expect(msgs(r.errors)).toEqual([
        `Invalid OAM label: (${JSON.stringify(key)}, "x")`,
        `Invalid OAM annotation: (${JSON.stringify(key)}, "y")`,
      ]);
      expect(r.errors[0].path).toMatch(/^metadata\.labels/);
      expect(r.errors[1].path).toMatch(/^metadata\.annotations/);
      for (const e of r.errors) expect(e.path).toContain(key);
    },
  );
});

describe('rules 3c/3d/3e: names, ids, link targets', () => {
  it('reports every duplicate component name', () => {
    const r = validate(manifestYaml([capability('kv'), capability('kv'), capability('kv')].join('\n')));
    expect(msgs(r.errors)).toEqual([
      'Duplicate component name in manifest: kv',
      'Duplicate component name in manifest: kv',
    ]);
    expect(r.errors.map((e) => e.path)).toEqual(['spec.components[1].name', 'spec.components[2].name']);
  });

  it('shares one id registry between components and capabilities', () => {
    const text = manifestYaml(
      `${component('a', '', '        id: shared-id')}\n${capability('kv')}\n        id: shared-id`,
    );
    const r = validate(text);
    expect(msgs(r.errors)).toEqual(['Duplicate component identifier in manifest: shared-id']);
    expect(r.errors[0].path).toBe('spec.components[1].properties.id');
  });

  it('reports a link target missing from the manifest, for any trait type whose properties are a link (legacy linkdef too)', () => {
    const r = validate(manifestYaml(component('app', link('nowhere', { type: 'linkdef' }))));
    expect(msgs(r.errors)).toEqual([
      'The following capability component(s) are missing from the manifest: ["nowhere"]',
    ]);
    expect(r.errors[0]).toMatchObject({ path: 'spec.components[0].traits[1].properties.target.name', line: 23 });
    expect(r.warnings).toEqual([]); // rule 5 looks at type: link only
  });

  it('reads a missing link target as "" (a missing component)', () => {
    const text = manifestYaml(
      `${component('app', '        - type: link\n          properties:\n            namespace: wasi\n            package: http\n            interfaces: [outgoing-handler]')}`,
    );
    const r = validate(text);
    expect(msgs(r.errors)).toEqual(['The following capability component(s) are missing from the manifest: [""]']);
  });
});

describe('rule 4: interfaces of known namespaces', () => {
  it('warns for an unknown interface of a known package, and an unknown package of a known namespace', () => {
    const traits = [
      link('kv', { interfaces: ['atomic', 'store'] }),
      link('kv', { pkg: 'keyvalues', name: 'other' }),
    ].join('\n');
    const r = validate(manifestYaml(`${component('app', traits)}\n${capability('kv')}`));
    expect(msgs(r.warnings)).toEqual([
      'unrecognized interface [wasi:keyvalue/atomic]',
      'unrecognized interface [wasi:keyvalues/atomics]',
    ]);
    expect(r.warnings[0].path).toBe('spec.components[0].traits[1].properties.interfaces[0]');
    expect(r.valid).toBe(true);
  });

  it('accepts unknown namespaces (custom interfaces) and does not look at non-link trait types', () => {
    const traits = [
      link('kv', { ns: 'my-wasi', pkg: 'my-kv', interfaces: ['anything'] }),
      link('kv', { type: 'linkdef', interfaces: ['atomic'], name: 'x' }),
    ].join('\n');
    const r = validate(manifestYaml(`${component('app', traits)}\n${capability('kv')}`));
    expect(r.warnings).toEqual([]);
  });
});

describe('rules 5/5b: dangling links', () => {
  it('warns with the link name when it has one, else the target', () => {
    const traits = [
      link('gone', { name: 'cache' }),
      link('gone2', { pkg: 'http', interfaces: ['outgoing-handler'] }),
    ].join('\n');
    const r = validate(manifestYaml(component('app', traits)));
    expect(msgs(r.warnings)).toEqual([
      'link (name [cache]) target [gone] is not a listed component',
      'link (target [gone2]) target [gone2] is not a listed component',
    ]);
    expect(r.errors).toHaveLength(2); // rule 3e, one per missing target
  });

  it('checks link traits whose properties fell through to custom properties', () => {
    const noTarget = '        - type: link\n          properties:\n            package: http';
    const stringTarget = '        - type: link\n          properties:\n            target: kv\n            values: {}';
    const unknownTarget = '        - type: link\n          properties:\n            target:\n              name: gone';
    const r = validate(
      manifestYaml(`${component('app', [noTarget, stringTarget, unknownTarget].join('\n'))}\n${capability('kv')}`),
    );
    expect(msgs(r.errors).filter((m) => m.startsWith('custom link'))).toEqual([
      "custom link is missing 'target' property",
      "custom link is missing 'target' name property",
    ]);
    expect(msgs(r.warnings)).toEqual(['custom link target [gone] is not a listed component']);
  });
});

describe('rule 6: secrets and policies', () => {
  const secret = (name: string, policy: string) =>
    `          - name: ${name}\n            properties:\n              policy: ${policy}\n              key: k`;
  const policies = [
    '    - name: vault\n      type: policy.secret.wasmcloud.dev/v1alpha1\n      properties:\n        backend: nats-kv',
    '    - name: other\n      type: a-sample-policy\n      properties:\n        x: y',
    '    - name: nobackend\n      type: policy.secret.wasmcloud.dev/v1alpha1\n      properties:\n        metadata: x',
  ].join('\n');

  it('checks component secrets against the policies', () => {
    const secrets = `        secrets:\n${[secret('ok', 'vault'), secret('s1', 'missing'), secret('s2', 'other'), secret('s3', 'nobackend')].join('\n')}`;
    const r = validate(manifestYaml(component('app', '', secrets), { policies }));
    expect(msgs(r.errors)).toEqual([
      "secret 's1' is mapped to unknown policy 'missing'",
      "secret 's2' is mapped to policy 'other' which is not a secret policy. Expected type 'policy.secret.wasmcloud.dev/v1alpha1'",
      "secret 's3' is mapped to policy 'nobackend' which does not include a 'backend' property",
    ]);
    expect(r.errors[0].path).toBe('spec.components[0].properties.secrets[1].properties.policy');
  });

  it('checks link target and source secrets before the component own secrets', () => {
    const linkSecrets = [
      '              secrets:',
      '                - name: t1',
      '                  properties: { policy: nope-t, key: k }',
      '            source:',
      '              secrets:',
      '                - name: s1',
      '                  properties: { policy: nope-s, key: k }',
    ].join('\n');
    const own = `        secrets:\n${secret('own', 'nope-own')}`;
    const r = validate(
      manifestYaml(`${component('app', link('kv', { extra: linkSecrets }), own)}\n${capability('kv')}`, { policies }),
    );
    expect(msgs(r.errors)).toEqual([
      "secret 't1' is mapped to unknown policy 'nope-t'",
      "secret 's1' is mapped to unknown policy 'nope-s'",
      "secret 'own' is mapped to unknown policy 'nope-own'",
    ]);
    expect(r.errors[0].path).toBe('spec.components[0].traits[1].properties.target.secrets[0].properties.policy');
  });

  it('does not check policies no secret refers to', () => {
    expect(validate(manifestYaml(capability('kv'), { policies })).valid).toBe(true);
  });
});

describe('rules 7/7b: link and scaler traits that are not what they say', () => {
  it('rejects a link trait that misses a required key, and says which', () => {
    const broken =
      '        - type: link\n          properties:\n            namespace: wasi\n            package: http\n            target:\n              name: kv';
    const r = validate(manifestYaml(`${component('app', broken)}\n${capability('kv')}`));
    const err = r.errors.find((e) => e.msg.startsWith('Link trait deserialized as custom trait'));
    expect(err?.msg).toContain('interfaces: missing required field "interfaces"');
    expect(err?.path).toBe('spec.components[0].traits[1].properties.interfaces');
    expect(err?.line).toBe(18); // the missing key's parent, `properties:`
  });

  it('rejects spreadscaler and daemonscaler properties with a typo', () => {
    const typo = '        - type: daemonscaler\n          properties:\n            instances: 1\n            sprad: []';
    const r = validate(manifestYaml(component('app', typo)));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].msg).toMatch(
      /^Scaler trait deserialized as custom trait, ensure fields are correct: \{"instances":1,"sprad":\[\]\}/,
    );
    expect(r.errors[0].msg).toContain('did you mean "spread"?');
    expect(r.errors[0].path).toBe('spec.components[0].traits[1].properties.sprad');
  });

  it('rejects a spread without requirements and negative instances', () => {
    const bad =
      '        - type: spreadscaler\n          properties:\n            instances: -1\n            spread:\n              - name: east';
    const r = validate(manifestYaml(component('app', bad)));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].msg).toContain('instances: must not be negative');
    expect(r.errors[0].msg).toContain('spread[0].requirements: missing required field "requirements"');
  });

  it('accepts any properties for other trait types (ignored by wadm)', () => {
    const custom =
      '        - type: customscaler\n          properties:\n            clouds: [aws]\n            instances: nope';
    expect(validate(manifestYaml(component('app', custom))).valid).toBe(true);
  });
});

describe('rule 8: image or application', () => {
  const props = (body: string) => `    - name: c\n      type: capability\n      properties:\n${body}`;
  const app = '        application:\n          name: shared\n          component: srv';

  it.each([
    ['both', `        image: x\n${app}`, "Component cannot have both 'image' and 'application' properties"],
    ['neither', '        id: x', "Component must have either 'image' or 'application' property"],
    [
      'shared with config',
      `${app}\n        config:\n          - name: c1`,
      "Shared component 'shared' cannot specify additional 'config'",
    ],
    [
      'shared with secrets',
      `${app}\n        secrets:\n          - name: s\n            properties: { policy: p, key: k }`,
      "Shared component 'shared' cannot specify additional 'secrets'",
    ],
  ])('%s', (_label, body, message) => {
    const r = validate(manifestYaml(props(body)));
    expect(msgs(r.errors)).toContain(message);
  });

  it('reports only the first matching case, and scaler traits of shared references', () => {
    const both = `${app}\n        config:\n          - name: c1\n        secrets:\n          - name: s\n            properties: { policy: p, key: k }`;
    const r = validate(manifestYaml(props(both)));
    expect(msgs(r.errors).filter((m) => m.startsWith('Shared'))).toEqual([
      "Shared component 'shared' cannot specify additional 'config'",
    ]);
    const scaled = validate(
      manifestYaml(
        `${props(app)}\n      traits:\n        - type: spreadscaler\n          properties:\n            instances: 1`,
      ),
    );
    expect(msgs(scaled.errors)).toEqual(["Shared component 'shared' cannot include a scaler trait"]);
    expect(scaled.errors[0].path).toBe('spec.components[0].traits[0]');
  });
});

describe('rule 9: duplicate links in one component', () => {
  it('reports each duplicated (name, namespace, package, interface)', () => {
    const traits = [link('kv', { interfaces: ['atomics', 'store'] }), link('kv', { interfaces: ['store'] })].join('\n');
    const r = validate(manifestYaml(`${component('app', traits)}\n${capability('kv')}`));
    expect(msgs(r.errors)).toEqual(["Duplicate link found inside component 'app': default (wasi:keyvalue/store)"]);
  });

  it('allows the same interface under different link names', () => {
    const traits = [link('kv', { name: 'one' }), link('kv2', { name: 'two' })].join('\n');
    expect(validate(manifestYaml(`${component('app', traits)}\n${capability('kv')}\n${capability('kv2')}`)).valid).toBe(
      true,
    );
  });
});

describe('rule 10: link config names', () => {
  it('requires unique names for link configs that carry properties, across the manifest', () => {
    const cfg = (name: string, withProps: boolean) =>
      `              config:\n                - name: ${name}${withProps ? '\n                  properties: { a: b }' : ''}`;
    const a = component('a', link('kv', { extra: cfg('shared', true) }));
    const b = component('b', link('kv', { extra: cfg('shared', true) }));
    const c = component('c', link('kv', { extra: cfg('external', false) }));
    const d = component('d', link('kv', { extra: cfg('external', false) }));
    const r = validate(manifestYaml([a, b, c, d, capability('kv')].join('\n')));
    expect(msgs(r.errors)).toEqual(["Duplicate link config name found: 'shared'"]);
    expect(r.errors[0].path).toBe('spec.components[1].traits[1].properties.target.config[0].name');
  });
});

describe('rule 11: deprecated link keys in the text', () => {
  it('warns for source_config and target_config on link traits (and traits without a type), not on other types', () => {
    const legacy = (type: string) =>
      `        - type: ${type}\n          properties:\n            target: kv\n            namespace: wasi\n            package: keyvalue\n            interfaces: [store]\n            name: ${type}\n            target_config:\n              - name: t-${type}\n            source_config:\n              - name: s-${type}`;
    const r = validate(
      manifestYaml(`${component('app', [legacy('link'), legacy('linkdef')].join('\n'))}\n${capability('kv')}`),
    );
    expect(r.warnings.map((w) => w.path)).toEqual([
      'spec.components[0].traits[1].properties.source_config',
      'spec.components[0].traits[1].properties.target_config',
    ]);
    expect(r.valid).toBe(true);
  });
});

describe('named links (wash addition, seed 004)', () => {
  it('requires each explicit link name to be a DNS label', () => {
    const traits = [
      link('kv', { name: 'Cache_1' }),
      link('kv2', { name: 'ok-name-2', pkg: 'blobstore', interfaces: ['blobstore'] }),
    ].join('\n');
    const r = validate(manifestYaml(`${component('app', traits)}\n${capability('kv')}\n${capability('kv2')}`));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].msg).toContain("link name 'Cache_1' is not a valid DNS label");
    expect(r.errors[0].path).toBe('spec.components[0].traits[1].properties.name');
  });

  it('requires distinct names when links to one namespace:package go to different targets', () => {
    const traits = [link('redis', { interfaces: ['atomics'] }), link('nats', { interfaces: ['store'] })].join('\n');
    const r = validate(manifestYaml(`${component('app', traits)}\n${capability('redis')}\n${capability('nats')}`));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].msg).toContain(
      "go to different targets ('redis' and 'nats') under the same link name 'default'",
    );
    expect(r.errors[0].path).toBe('spec.components[0].traits[2].properties');
  });

  it('accepts one binding split over several traits to the same target, and distinct names for different backends', () => {
    const sameTarget = [link('redis', { interfaces: ['atomics'] }), link('redis', { interfaces: ['store'] })].join(
      '\n',
    );
    expect(validate(manifestYaml(`${component('app', sameTarget)}\n${capability('redis')}`)).errors).toEqual([]);
    const named = [
      link('redis', { interfaces: ['store'] }),
      link('nats', { interfaces: ['store'], name: 'cache' }),
    ].join('\n');
    expect(
      validate(manifestYaml(`${component('app', named)}\n${capability('redis')}\n${capability('nats')}`)).errors,
    ).toEqual([]);
  });

  it('leaves pairs sharing an interface to rule 9 (reported once)', () => {
    const traits = [link('redis', { interfaces: ['atomics'] }), link('nats', { interfaces: ['atomics'] })].join('\n');
    const r = validate(manifestYaml(`${component('app', traits)}\n${capability('redis')}\n${capability('nats')}`));
    expect(msgs(r.errors)).toEqual(["Duplicate link found inside component 'app': default (wasi:keyvalue/atomics)"]);
  });
});

describe('spread weights (wash addition)', () => {
  const scaler = (type: string, weights: (number | undefined)[]) =>
    [
      `    - name: app`,
      '      type: component',
      '      properties:',
      '        image: x',
      '      traits:',
      `        - type: ${type}`,
      '          properties:',
      '            instances: 3',
      '            spread:',
      ...weights.map(
        (w, i) =>
          `              - name: s${i}\n                requirements: { zone: z${i} }${w === undefined ? '' : `\n                weight: ${w}`}`,
      ),
    ].join('\n');

  it('rejects a spreadscaler whose weights are all 0 (wadm would divide by zero)', () => {
    const r = validate(manifestYaml(scaler('spreadscaler', [0, 0])));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ path: 'spec.components[0].traits[0].properties.spread', line: 17 });
  });

  it('accepts some zero weights, a missing weight (100), and daemonscalers (weights unused)', () => {
    expect(validate(manifestYaml(scaler('spreadscaler', [0, 1]))).valid).toBe(true);
    expect(validate(manifestYaml(scaler('spreadscaler', [0, undefined]))).valid).toBe(true);
    expect(validate(manifestYaml(scaler('daemonscaler', [0, 0]))).valid).toBe(true);
  });
});

describe('trait shape versus type (wash addition)', () => {
  it('warns when a link trait has scaler properties or a scaler trait has link properties', () => {
    const wrong = '        - type: link\n          properties:\n            instances: 2';
    const r = validate(
      manifestYaml(component('app', `${wrong}\n${link('kv', { type: 'daemonscaler' })}`) + `\n${capability('kv')}`),
    );
    expect(r.warnings.map((w) => w.msg)).toEqual([
      "trait of type 'link' has scaler properties (instances/spread); wadm ignores it, so no link is made",
      "trait of type 'daemonscaler' has link properties (namespace/package/interfaces); wadm ignores it, so nothing is scaled",
    ]);
  });
});

describe('reporting', () => {
  it('reports all findings, not only the first, in wadm rule order', () => {
    const text = manifestYaml(`${capability('kv')}\n${capability('kv')}`, {
      name: 'bad.name',
      annotations: '    version: latest',
    });
    const r = validate(text);
    expect(msgs(r.errors)).toEqual([
      'manifest name [bad.name] is not allowed (should match regex [^[-\\w]+$])',
      'latest is not allowed in wadm',
      'Duplicate component name in manifest: kv',
    ]);
  });
});
