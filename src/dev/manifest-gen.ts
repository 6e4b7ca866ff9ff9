/**
 * The dev manifest, generated from a component's WIT imports/exports (reference §8.4 mapping, §8.5 shape) and
 * the `[dev]` overrides of wasmcloud.toml (§8.6). Pure: same inputs, same manifest.
 *
 * Deviation from upstream (better): an interface no provider is known for is not silently skipped; it becomes a
 * `placeholder` with the exact `[[dev.overrides.imports|exports]]` snippet that wires it.
 */
import type { ConfigEntry, InterfaceSpecInput, OverrideEntry } from './project-config.js';

export interface WitInterface {
  namespace: string;
  package: string;
  interface: string;
  /** e.g. "0.2.0" or "0.2.0-draft"; absent for unversioned packages. */
  version?: string;
}

export type Direction = 'import' | 'export';

/** A provider (or placeholder) the component needs, per ns:pkg (imports and exports of one package collapse). */
export interface Dependency {
  name: string;
  namespace: string;
  package: string;
  version?: string;
  imports: string[];
  exports: string[];
  image?: string;
  linkName?: string;
  /** Config on the provider component. */
  configs: ManifestConfig[];
  /** Link config on the component side of import links (target) / provider side of export links (source). */
  importLinkConfig: ManifestConfig[];
  exportLinkConfig: ManifestConfig[];
}

export interface ManifestConfig {
  name: string;
  properties?: Record<string, string>;
}

export interface Placeholder {
  direction: Direction;
  /** `ns:pkg/iface@ver` (one line per interface). */
  interfaces: string[];
  /** TOML to paste into wasmcloud.toml. */
  snippet: string;
}

export interface GenerateInput {
  componentId: string;
  /** Session id: dependency component names are `<session>-dep-<name>`. */
  sessionId: string;
  /** `file:///…` of the built (or dev) component. */
  image: string;
  imports: readonly WitInterface[];
  exports: readonly WitInterface[];
  overrides?: { imports: readonly OverrideEntry[]; exports: readonly OverrideEntry[] };
  /** `[dev].config`. */
  devConfig?: readonly ConfigEntry[];
  /** Extra named configs for the component (e.g. the dev source config), referenced by name only. */
  extraConfigNames?: readonly string[];
  generatedBy?: string;
}

export interface GeneratedManifest {
  manifest: Record<string, unknown>;
  name: string;
  dependencies: Dependency[];
  placeholders: Placeholder[];
  /** Addresses http-server links will listen on. */
  httpAddresses: string[];
  /** Stable description of what the manifest wires (changes ⇒ redeploy). */
  fingerprint: string;
}

/** Upstream's name for `[dev].config` values; wadm scopes it to the app (`<app>-dev-overrides`). */
export const DEV_OVERRIDES_CONFIG = 'dev-overrides';

export const DEFAULT_HTTP_ADDRESS = '127.0.0.1:8000';

export const PROVIDER_IMAGES = {
  'keyvalue-nats': 'ghcr.io/wasmcloud/keyvalue-nats:0.3.1',
  'http-client': 'ghcr.io/wasmcloud/http-client:0.12.1',
  'blobstore-fs': 'ghcr.io/wasmcloud/blobstore-fs:0.10.1',
  'messaging-nats': 'ghcr.io/wasmcloud/messaging-nats:0.23.1',
  'http-server': 'ghcr.io/wasmcloud/http-server:0.24.0',
} as const;

/** Served by the host itself or type-only: no dependency, no warning. */
export function isHostProvided(i: WitInterface): boolean {
  const pkg = `${i.namespace}:${i.package}`;
  if (
    i.namespace === 'wasi' &&
    ['cli', 'clocks', 'filesystem', 'io', 'logging', 'random', 'sockets', 'config'].includes(i.package)
  )
    return true;
  if (pkg === 'wasi:http' && i.interface === 'types') return true;
  if (pkg === 'wasi:blobstore' && ['container', 'types'].includes(i.interface)) return true;
  if (pkg === 'wasmcloud:messaging' && i.interface === 'types') return true;
  return i.namespace === 'wasmcloud' && ['secrets', 'bus'].includes(i.package);
}

interface Known {
  name: keyof typeof PROVIDER_IMAGES;
  importConfig?: ManifestConfig;
  exportConfig?: ManifestConfig;
}

/** §8.4: which known provider serves an interface in a direction (undefined: custom). */
export function knownProvider(i: WitInterface, dir: Direction): Known | undefined {
  const pkg = `${i.namespace}:${i.package}`;
  if (dir === 'import') {
    if (pkg === 'wasi:keyvalue' && ['atomics', 'store', 'batch'].includes(i.interface)) {
      return {
        name: 'keyvalue-nats',
        importConfig: {
          name: 'wasi-keyvalue-config',
          properties: { bucket: 'wasmcloud', enable_bucket_auto_create: 'true' },
        },
      };
    }
    if (pkg === 'wasi:http' && i.interface === 'outgoing-handler') return { name: 'http-client' };
    if ((pkg === 'wasi:blobstore' || pkg === 'wrpc:blobstore') && i.interface === 'blobstore') {
      return { name: 'blobstore-fs', importConfig: { name: 'wasi-blobstore-config', properties: { root: '/tmp' } } };
    }
    if (pkg === 'wasmcloud:messaging' && i.interface === 'consumer') return { name: 'messaging-nats' };
  } else {
    if (pkg === 'wasi:http' && i.interface === 'incoming-handler') {
      return {
        name: 'http-server',
        exportConfig: { name: 'wasi-http-config', properties: { address: DEFAULT_HTTP_ADDRESS } },
      };
    }
    if (pkg === 'wasmcloud:messaging' && i.interface === 'handler') {
      return {
        name: 'messaging-nats',
        exportConfig: { name: 'wasmcloud-messaging-config', properties: { subscriptions: 'wasmcloud.dev' } },
      };
    }
  }
  return undefined;
}

export function interfaceText(i: WitInterface): string {
  return `${i.namespace}:${i.package}/${i.interface}${i.version ? `@${i.version}` : ''}`;
}

/** Parses `ns:pkg/iface@ver`, `ns:pkg@ver` (wildcard) or `ns:pkg`, or the table form. */
export function parseInterfaceSpec(
  spec: InterfaceSpecInput,
): { namespace: string; package: string; interface?: string; version?: string } | undefined {
  if (typeof spec !== 'string')
    return { namespace: spec.namespace, package: spec.package, interface: spec.interface, version: spec.version };
  const m = /^([a-z][a-z0-9-]*):([a-z][a-z0-9-]*)(?:\/([a-z][a-z0-9-]*))?(?:@([0-9A-Za-z.+-]+))?$/.exec(spec.trim());
  if (!m) return undefined;
  return { namespace: m[1], package: m[2], interface: m[3], version: m[4] };
}

/** Versions are compatible when either is unspecified, or they share major (and minor for 0.x). */
export function versionsCompatible(a?: string, b?: string): boolean {
  if (!a || !b) return true;
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  if (pa[0] !== pb[0]) return false;
  return pa[0] !== '0' || pa[1] === pb[1];
}

/** `[dev].config` entries (§8.6): names appended once, values merged (later wins) into one config `valuesName`. */
export function configsFrom(entries: readonly ConfigEntry[] | undefined, valuesName: string): ManifestConfig[] {
  const out: ManifestConfig[] = [];
  let values: Record<string, string> | undefined;
  for (const e of entries ?? []) {
    if ('name' in e) {
      if (!out.some((c) => c.name === e.name)) out.push({ name: e.name });
    } else values = { ...(values ?? {}), ...e.values };
  }
  if (values) out.push({ name: valuesName, properties: values });
  return out;
}

function mergeConfigs(base: ManifestConfig[], extra: ManifestConfig[]): ManifestConfig[] {
  const out: ManifestConfig[] = base.map((c) =>
    c.properties ? { name: c.name, properties: { ...c.properties } } : { name: c.name },
  );
  for (const c of extra) {
    const same = out.find((o) => o.name === c.name);
    if (same)
      same.properties =
        c.properties || same.properties ? { ...(same.properties ?? {}), ...(c.properties ?? {}) } : undefined;
    else out.push(c);
  }
  return out;
}

function collectDependencies(imports: readonly WitInterface[], exports: readonly WitInterface[]): Dependency[] {
  const deps = new Map<string, Dependency>();
  const add = (i: WitInterface, dir: Direction) => {
    if (isHostProvided(i)) return;
    const known = knownProvider(i, dir);
    const key = known ? known.name : `custom:${i.namespace}:${i.package}`;
    let dep = deps.get(key);
    if (!dep) {
      dep = {
        name: key,
        namespace: i.namespace,
        package: i.package,
        version: i.version,
        imports: [],
        exports: [],
        image: known ? PROVIDER_IMAGES[known.name] : undefined,
        configs: [],
        importLinkConfig: [],
        exportLinkConfig: [],
      };
      deps.set(key, dep);
    }
    const list = dir === 'import' ? dep.imports : dep.exports;
    if (!list.includes(i.interface)) list.push(i.interface);
    if (known?.importConfig && !dep.importLinkConfig.length) dep.importLinkConfig = [known.importConfig];
    if (known?.exportConfig && !dep.exportLinkConfig.length) dep.exportLinkConfig = [known.exportConfig];
  };
  for (const i of imports) add(i, 'import');
  for (const i of exports) add(i, 'export');
  for (const dep of deps.values()) {
    dep.imports.sort();
    dep.exports.sort();
    if (dep.name.startsWith('custom:'))
      dep.name = `custom-${dep.namespace}-${dep.package}-${[...new Set([...dep.imports, ...dep.exports])].sort().join('/')}`;
  }
  return [...deps.values()];
}

/** §8.6 merge rule: same ns+pkg, interface unspecified or among the dependency's, versions compatible. */
function overrideMatches(o: ReturnType<typeof parseInterfaceSpec>, dep: Dependency, dir: Direction): boolean {
  if (!o || o.namespace !== dep.namespace || o.package !== dep.package) return false;
  const ifaces = dir === 'import' ? dep.imports : dep.exports;
  if (ifaces.length === 0) return false;
  if (o.interface && !ifaces.includes(o.interface)) return false;
  return versionsCompatible(o.version, dep.version);
}

function applyOverrides(deps: Dependency[], overrides: readonly OverrideEntry[], dir: Direction): Dependency[] {
  const out = [...deps];
  const appliedLinkName = new Map<Dependency, string | undefined>();
  const pristine = new Map<Dependency, Dependency>(deps.map((d) => [d, structuredClone(d)]));
  for (const o of overrides) {
    const spec = parseInterfaceSpec(o.interface);
    for (const original of deps) {
      if (!overrideMatches(spec, original, dir)) continue;
      let dep = original;
      // A second override with another link name: a second, separately named link to the same package.
      if (appliedLinkName.has(original) && appliedLinkName.get(original) !== o.link_name) {
        dep = structuredClone(pristine.get(original)!);
        dep.name = `${original.name}-${o.link_name ?? 'default'}`;
        // Config names are lattice-global: a second link's default config needs its own name.
        const rename = (c: ManifestConfig) =>
          c.properties ? { ...c, name: `${c.name}-${o.link_name ?? 'default'}` } : c;
        dep.importLinkConfig = dep.importLinkConfig.map(rename);
        dep.exportLinkConfig = dep.exportLinkConfig.map(rename);
        if (dir === 'import') dep.exports = [];
        else dep.imports = [];
        out.push(dep);
      } else appliedLinkName.set(original, o.link_name);
      if (spec?.interface) {
        // An exact-interface override narrows what this link carries.
        if (dir === 'import') dep.imports = [spec.interface];
        else dep.exports = [spec.interface];
      }
      if (o.image_ref) dep.image = o.image_ref;
      if (o.link_name) dep.linkName = o.link_name;
      if (o.config) dep.configs = mergeConfigs(dep.configs, configsFrom(o.config, `${dep.name}-default`));
      if (o.link_config) {
        const linkCfg = configsFrom(o.link_config, `${dep.name}-${dir === 'import' ? 'target' : 'source'}-config`);
        if (dir === 'import') dep.importLinkConfig = linkCfg;
        else dep.exportLinkConfig = linkCfg;
      }
    }
  }
  return out;
}

export function placeholderSnippet(dep: Dependency, dir: Direction): string {
  const ifaces = dir === 'import' ? dep.imports : dep.exports;
  const spec = ifaces.length === 1 ? `${dep.namespace}:${dep.package}/${ifaces[0]}` : `${dep.namespace}:${dep.package}`;
  return [
    `[[dev.overrides.${dir}s]]`,
    `interface = "${spec}${dep.version ? `@${dep.version}` : ''}"`,
    `image_ref = "<registry>/<provider-for-${dep.namespace}-${dep.package}>:<version>"`,
    `# config = { values = { key = "value" } }`,
  ].join('\n');
}

function depComponentName(sessionId: string, dep: Dependency): string {
  return `${sessionId}-dep-${dep.name.replace(/[^a-z0-9-]+/gi, '-').replace(/-+$/, '')}`.toLowerCase();
}

function stripEmpty(c: ManifestConfig): Record<string, unknown> {
  return c.properties ? { name: c.name, properties: c.properties } : { name: c.name };
}

/** Builds the dev application manifest. */
export function generateDevManifest(input: GenerateInput): GeneratedManifest {
  let deps = collectDependencies(input.imports, input.exports);
  deps = applyOverrides(deps, input.overrides?.imports ?? [], 'import');
  deps = applyOverrides(deps, input.overrides?.exports ?? [], 'export');

  const name = `dev-${input.componentId}`;
  const placeholders: Placeholder[] = [];
  const httpAddresses: string[] = [];
  const componentTraits: Record<string, unknown>[] = [{ type: 'spreadscaler', properties: { instances: 100 } }];
  const providers: Record<string, unknown>[] = [];

  for (const dep of deps) {
    if (!dep.image) {
      for (const dir of ['import', 'export'] as const) {
        const ifaces = dir === 'import' ? dep.imports : dep.exports;
        if (ifaces.length === 0) continue;
        placeholders.push({
          direction: dir,
          interfaces: ifaces.map((i) =>
            interfaceText({ namespace: dep.namespace, package: dep.package, interface: i, version: dep.version }),
          ),
          snippet: placeholderSnippet(dep, dir),
        });
      }
      continue;
    }
    const providerName = depComponentName(input.sessionId, dep);
    const providerTraits: Record<string, unknown>[] = [];
    if (dep.imports.length) {
      const target: Record<string, unknown> = { name: providerName };
      if (dep.importLinkConfig.length) target.config = dep.importLinkConfig.map(stripEmpty);
      componentTraits.push({
        type: 'link',
        properties: {
          namespace: dep.namespace,
          package: dep.package,
          interfaces: dep.imports,
          ...(dep.linkName ? { name: dep.linkName } : {}),
          target,
        },
      });
    }
    if (dep.exports.length) {
      const link: Record<string, unknown> = {
        namespace: dep.namespace,
        package: dep.package,
        interfaces: dep.exports,
        ...(dep.linkName ? { name: dep.linkName } : {}),
      };
      if (dep.exportLinkConfig.length) link.source = { config: dep.exportLinkConfig.map(stripEmpty) };
      link.target = { name: input.componentId };
      providerTraits.push({ type: 'link', properties: link });
      if (dep.namespace === 'wasi' && dep.package === 'http' && dep.exports.includes('incoming-handler')) {
        const address = dep.exportLinkConfig.find((c) => c.properties?.address)?.properties?.address;
        httpAddresses.push(address ?? DEFAULT_HTTP_ADDRESS);
      }
    }
    const provider: Record<string, unknown> = {
      name: providerName,
      type: 'capability',
      properties: { image: dep.image, ...(dep.configs.length ? { config: dep.configs.map(stripEmpty) } : {}) },
    };
    if (providerTraits.length) provider.traits = providerTraits;
    providers.push(provider);
  }

  const componentConfig = [
    ...configsFrom(input.devConfig, DEV_OVERRIDES_CONFIG).map(stripEmpty),
    ...(input.extraConfigNames ?? []).map((n) => ({ name: n })),
  ];
  const component = {
    name: input.componentId,
    type: 'component',
    properties: {
      image: input.image,
      id: input.componentId,
      ...(componentConfig.length ? { config: componentConfig } : {}),
    },
    traits: componentTraits,
  };
  const manifest = {
    apiVersion: 'core.oam.dev/v1beta1',
    kind: 'Application',
    metadata: {
      name,
      annotations: {
        'wasmcloud.dev/session-id': input.sessionId,
        description: `Generated by wash dev for ${input.componentId}`,
      },
      labels: { 'wasmcloud.dev/generated-by': input.generatedBy ?? 'wash-dev' },
    },
    spec: { components: [component, ...providers] },
  };
  const fingerprint = JSON.stringify({
    deps: deps.map((d) => [
      d.name,
      d.image,
      d.linkName,
      d.imports,
      d.exports,
      d.configs,
      d.importLinkConfig,
      d.exportLinkConfig,
    ]),
    componentConfig,
    image: input.image,
  });
  return { manifest, name, dependencies: deps, placeholders, httpAddresses, fingerprint };
}
