/**
 * The one schema of the OAM Application manifest (wadm.md §1), written once in zod. From it come the
 * TypeScript types (`z.output`, the normalised form every other module uses), runtime validation, and the
 * JSON Schema (`json-schema.ts`).
 *
 * Unknown keys follow wadm exactly: rejected at the top level and in component properties, traits, spreadscaler
 * properties, spreads and config entries (`z.strictObject`); ignored (stripped) in metadata, spec, components,
 * links, targets, sources, secrets, policies and shared-app references (`z.object`).
 *
 * Loads zod at import time: import this module lazily from anything a command loads at start-up.
 *
 * Written with `zod/mini` (the same core, checks and English messages as `zod`, without the classic method-chaining
 * layer): building the schemas is part of every `wash app validate`, and classic zod's larger module and schema
 * objects made that start-up several milliseconds slower. `meta` and `withoutNulls` below are classic zod's
 * `.meta()` and `.transform(dropNulls)`; the locale and memoizer are the ones classic zod installs.
 */
import * as z from 'zod/mini';
import { config, globalConfig, memoizer, type GlobalMeta } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

// Named imports, not `z.core.…`: the namespace object would bundle every locale into dist/validate.cjs.
if (!globalConfig.localeError) config(en());
if (!globalConfig.memoizer) config({ memoizer: memoizer() });

/** Turns `T | null | undefined` members into optional keys and drops them when null/undefined. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type DropNulls<T> = Simplify<
  { [K in keyof T as null extends T[K] ? never : undefined extends T[K] ? never : K]: T[K] } & {
    [K in keyof T as null extends T[K] ? K : undefined extends T[K] ? K : never]?: Exclude<T[K], null | undefined>;
  }
>;

function dropNulls<T extends object>(value: T): DropNulls<T> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, v] of Object.entries(value)) if (v !== null && v !== undefined) out[key] = v;
  return out as DropNulls<T>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Options for every safeParse of these schemas. `jitless`: zod would otherwise generate (with `new Function`) a
 * fast parser per object schema on its first use; a process parses a manifest once or a few times, and compiling
 * that generated code (never in V8's code cache) costs more than it saves. Results are the same either way.
 */
export const PARSE_OPTIONS = { jitless: true } as const;

/** Classic zod's `.meta(data)`: a copy carrying the metadata, so a schema reused with other metadata keeps its own. */
function meta<T extends z.ZodMiniType>(schema: T, data: GlobalMeta): T {
  const copy = schema.clone();
  z.globalRegistry.add(copy, data);
  return copy;
}

function withoutNulls<T extends z.ZodMiniType<object>>(schema: T) {
  return z.pipe(
    schema,
    z.transform((value: z.output<T>) => dropNulls(value)),
  );
}

/** wadm only reads `target_config` when `target` is a bare string; otherwise it is ignored, even if malformed. */
function ignoreUnusedTargetConfig(value: unknown): unknown {
  if (isRecord(value) && 'target_config' in value && typeof value.target !== 'string') {
    const { target_config: _ignored, ...rest } = value;
    return rest;
  }
  return value;
}

/** Classic zod's `z.preprocess(fn, schema)`: the function's result is parsed by the schema. */
function preprocess<T extends z.ZodMiniType>(fn: (value: unknown) => unknown, schema: T) {
  return z.pipe(z.transform(fn), schema);
}

/** `replicas` is an input alias of `instances`. With both present the alias stays and is rejected as unknown. */
function aliasReplicas(value: unknown): unknown {
  if (isRecord(value) && 'replicas' in value && !('instances' in value)) {
    const { replicas, ...rest } = value;
    return { instances: replicas, ...rest };
  }
  return value;
}

/** Any value other than a missing one: properties of traits wadm does not know (ignored by wadm). */
export type CustomTraitProperty = Record<string, unknown> | unknown[] | string | number | boolean | null;

type Meta = <T extends z.ZodMiniType>(schema: T, data: GlobalMeta) => T;

/**
 * Builds every schema, with `meta` attaching the JSON Schema descriptions. Validation uses a tree built with
 * `noMeta` (each classic `.meta()` clone is one more zod schema to construct: ~5% of an `app validate` start-up);
 * `describedManifestSchema` builds the described tree, identical to the other but for the metadata.
 */
function defineSchemas(meta: Meta) {
  const StringMap = z.record(z.string(), z.string());
  const Uint = z.int().check(z.nonnegative());

  // ---------------------------------------------------------------------------------------------------------
  // Config and secrets

  const ConfigPropertyInput = meta(
    z.strictObject({
      name: meta(z.string(), { description: 'Name of the configuration' }),
      properties: meta(z.nullish(StringMap), {
        description:
          'Values wadm writes and owns. Without them the configuration is managed outside wadm and must already exist.',
      }),
    }),
    { id: 'ConfigProperty', description: 'A named configuration for a component, provider or link end' },
  );
  const ConfigPropertySchema = withoutNulls(ConfigPropertyInput);

  const SecretSourcePropertyInput = meta(
    z.object({
      policy: meta(z.string(), {
        description: 'Name of the secret policy (in spec.policies) that says which backend to ask',
      }),
      key: meta(z.string(), { description: 'Key of the secret in the backend' }),
      field: meta(z.nullish(z.string()), { description: 'A single field of the secret' }),
      version: meta(z.nullish(z.string()), { description: 'Version of the secret; the latest when absent' }),
    }),
    { id: 'SecretSourceProperty', description: 'Where a secret comes from' },
  );

  const SecretPropertyInput = meta(
    z.object({
      name: meta(z.string(), { description: 'Name the component or provider uses to look the secret up' }),
      properties: withoutNulls(SecretSourcePropertyInput),
    }),
    { id: 'SecretProperty', description: 'A secret reference' },
  );
  const SecretPropertySchema = SecretPropertyInput;

  const ConfigList = z._default(z.array(ConfigPropertySchema), []);
  const SecretList = z._default(z.array(SecretPropertySchema), []);

  // ---------------------------------------------------------------------------------------------------------
  // Components

  const SharedApplicationRefSchema = meta(
    z.object({
      name: meta(z.string(), { description: 'Name of the shared application' }),
      component: meta(z.string(), { description: 'Name of the component inside the shared application' }),
    }),
    {
      id: 'SharedApplicationComponentProperties',
      description: 'A component defined by another, shared, application',
    },
  );

  function workloadProperties(id: string, what: string) {
    return withoutNulls(
      meta(
        z.strictObject({
          image: meta(z.nullish(z.string()), {
            description: 'OCI reference or file:// path of the image. Required unless `application` is given.',
          }),
          application: meta(z.nullish(SharedApplicationRefSchema), {
            description:
              'Use a component of a shared application instead of an image. Cannot be combined with `image`.',
          }),
          id: meta(z.nullish(z.string()), {
            description: `Explicit ${what} ID. Derived from the application and component names when absent.`,
          }),
          config: meta(ConfigList, { description: `Named configuration given to the ${what}` }),
          secrets: meta(SecretList, { description: `Secrets given to the ${what}` }),
        }),
        { id, description: `Properties of a ${what}` },
      ),
    );
  }

  // ---------------------------------------------------------------------------------------------------------
  // Trait properties: an untagged union tried in the order Link, SpreadScaler, Custom (wadm.md §1.6).

  const TargetConfigInput = meta(
    z.object({
      name: meta(z.string(), { description: 'Name of the target component in spec.components' }),
      config: meta(ConfigList, { description: 'Configuration for the target end of the link' }),
      secrets: meta(SecretList, { description: 'Secrets for the target end of the link' }),
    }),
    { id: 'TargetConfig', description: 'The target of a link' },
  );

  const ConfigDefinitionInput = meta(z.object({ config: ConfigList, secrets: SecretList }), {
    id: 'ConfigDefinition',
    description: 'Configuration and secrets for the source end of a link',
  });

  const LinkPropertyInput = meta(
    z.object({
      namespace: meta(z.string(), { description: 'WIT namespace, e.g. wasi' }),
      package: meta(z.string(), { description: 'WIT package, e.g. http' }),
      interfaces: meta(z.array(z.string()), { description: 'WIT interfaces, e.g. [incoming-handler]' }),
      source: meta(z.nullish(ConfigDefinitionInput), { description: 'Configuration and secrets for the source end' }),
      target: z.optional(
        z.union([
          meta(z.string(), {
            deprecated: true,
            description: 'Legacy form: the target component name (configuration goes in target_config)',
          }),
          TargetConfigInput,
        ]),
      ),
      name: meta(z.nullish(z.string()), { description: 'Link name; "default" when absent' }),
      source_config: meta(z.nullish(z.array(ConfigPropertySchema)), {
        deprecated: true,
        writeOnly: true,
        description: 'Deprecated: use source.config',
      }),
      target_config: meta(z.nullish(z.array(ConfigPropertySchema)), {
        deprecated: true,
        writeOnly: true,
        description: 'Deprecated: use target.config',
      }),
    }),
    { id: 'LinkProperty', description: 'Properties of a link trait' },
  );

  /** Legacy forms become the object form: string target + target_config → target{name,config}; source_config → source. */
  function normalizeLink(link: z.output<typeof LinkPropertyInput>) {
    const target: z.output<typeof TargetConfigInput> =
      typeof link.target === 'string'
        ? { name: link.target, config: link.target_config ?? [], secrets: [] }
        : (link.target ?? { name: '', config: [], secrets: [] });
    let source: z.output<typeof ConfigDefinitionInput> | undefined =
      link.source_config != null ? { config: link.source_config, secrets: [] } : undefined;
    if (link.source != null) source = link.source;
    return {
      namespace: link.namespace,
      package: link.package,
      interfaces: link.interfaces,
      ...(source !== undefined ? { source } : {}),
      target,
      ...(link.name != null ? { name: link.name } : {}),
    };
  }

  const LinkPropertySchema = z.pipe(
    preprocess(ignoreUnusedTargetConfig, LinkPropertyInput),
    z.transform(normalizeLink),
  );

  const SpreadInput = meta(
    z.strictObject({
      name: meta(z.string(), { description: 'Name of the spread' }),
      requirements: meta(StringMap, {
        description: 'Host labels a host must have (all of them) to receive instances of this spread',
      }),
      weight: meta(z.nullish(Uint), { description: 'Relative share of the instances (default 100)' }),
    }),
    { id: 'Spread', description: 'A group of hosts selected by labels' },
  );
  const SpreadSchema = withoutNulls(SpreadInput);

  const SpreadScalerPropertyInput = meta(
    z.strictObject({
      instances: meta(Uint, { description: 'Number of instances (alias: replicas)' }),
      spread: meta(z._default(z.array(SpreadSchema), []), { description: 'How instances are spread over hosts' }),
    }),
    { id: 'SpreadScalerProperty', description: 'Properties of a spreadscaler or daemonscaler trait' },
  );

  const SpreadScalerPropertySchema = preprocess(aliasReplicas, SpreadScalerPropertyInput);

  const CustomTraitPropertySchema = z.custom<CustomTraitProperty>((value) => value !== undefined, {
    message: 'required',
  });

  const TraitPropertySchema = meta(
    z.union([LinkPropertySchema, SpreadScalerPropertySchema, CustomTraitPropertySchema]),
    { id: 'TraitProperty', description: 'Link properties, scaler properties, or anything else for custom traits' },
  );

  const TraitSchema = meta(
    z.strictObject({
      type: meta(z.string(), {
        description: 'spreadscaler, daemonscaler or link; other types are accepted and ignored by wadm',
      }),
      properties: TraitPropertySchema,
    }),
    { id: 'Trait', description: 'A trait: how a component is scaled or linked' },
  );

  const Traits = meta(z.nullish(z.array(TraitSchema)), { description: 'Scalers and links of this component' });

  const ComponentVariant = z.object({
    name: meta(z.string(), { description: 'Name of the component, unique in the manifest' }),
    type: meta(z.literal(['component', 'actor']), {
      description: 'A WebAssembly component ("actor" is a deprecated alias)',
    }),
    properties: workloadProperties('ComponentProperties', 'component'),
    traits: Traits,
  });
  const CapabilityVariant = z.object({
    name: meta(z.string(), { description: 'Name of the capability provider, unique in the manifest' }),
    type: meta(z.literal('capability'), { description: 'A capability provider' }),
    properties: workloadProperties('CapabilityProperties', 'capability provider'),
    traits: Traits,
  });

  const ComponentSchema = z.pipe(
    meta(z.discriminatedUnion('type', [ComponentVariant, CapabilityVariant]), {
      id: 'Component',
      description: 'A component or capability provider of the application',
    }),
    z.transform((c) => ({
      name: c.name,
      type: c.type === 'actor' ? ('component' as const) : c.type,
      properties: c.properties,
      ...(c.traits != null ? { traits: c.traits } : {}),
    })),
  );

  // ---------------------------------------------------------------------------------------------------------
  // Top level

  const PolicySchema = meta(
    z.object({
      name: meta(z.string(), { description: 'Name of the policy' }),
      properties: meta(StringMap, { description: 'Policy settings (a secret policy needs `backend`)' }),
      type: meta(z.string(), { description: 'Policy type, e.g. policy.secret.wasmcloud.dev/v1alpha1' }),
    }),
    { id: 'Policy', description: 'An application-wide policy' },
  );

  const MetadataSchema = meta(
    z.object({
      name: meta(z.string(), { description: 'Application name, unique in the lattice' }),
      annotations: meta(StringMap, {
        description: 'Annotations such as version and description (may be empty, but must be present)',
      }),
      labels: meta(z._default(StringMap, {}), { description: 'Labels' }),
    }),
    { id: 'Metadata', description: 'Name, annotations and labels of the application' },
  );

  const SpecificationSchema = meta(
    z.object({
      components: meta(z.array(ComponentSchema), { description: 'Components and capability providers' }),
      policies: meta(z._default(z.array(PolicySchema), []), { description: 'Policies (e.g. secret backends)' }),
    }),
    { id: 'Specification', description: 'What the application is made of' },
  );

  const ManifestSchema = z.strictObject({
    apiVersion: meta(z.string(), { description: 'OAM API version (core.oam.dev/v1beta1)' }),
    kind: meta(z.string(), { description: 'Manifest kind (Application)' }),
    metadata: MetadataSchema,
    spec: SpecificationSchema,
  });

  return {
    ConfigPropertySchema,
    SecretPropertySchema,
    LinkPropertySchema,
    SpreadSchema,
    SpreadScalerPropertySchema,
    TraitPropertySchema,
    TraitSchema,
    ComponentSchema,
    PolicySchema,
    MetadataSchema,
    SpecificationSchema,
    ManifestSchema,
  };
}

const noMeta: Meta = (schema) => schema;

const schemas = defineSchemas(noMeta);
export const ConfigPropertySchema = schemas.ConfigPropertySchema;
export const SecretPropertySchema = schemas.SecretPropertySchema;
export const LinkPropertySchema = schemas.LinkPropertySchema;
export const SpreadSchema = schemas.SpreadSchema;
export const SpreadScalerPropertySchema = schemas.SpreadScalerPropertySchema;
export const TraitPropertySchema = schemas.TraitPropertySchema;
export const TraitSchema = schemas.TraitSchema;
export const ComponentSchema = schemas.ComponentSchema;
export const PolicySchema = schemas.PolicySchema;
export const MetadataSchema = schemas.MetadataSchema;
export const SpecificationSchema = schemas.SpecificationSchema;
export const ManifestSchema = schemas.ManifestSchema;

/** The manifest schema carrying the descriptions and ids of the JSON Schema (json-schema.ts); same checks. */
export function describedManifestSchema(): typeof ManifestSchema {
  return defineSchemas(meta).ManifestSchema;
}

// ---------------------------------------------------------------------------------------------------------
// Types: the normalised (output) form. `ManifestInput` is what a file may contain.

export type Manifest = z.output<typeof ManifestSchema>;
export type ManifestInput = z.input<typeof ManifestSchema>;
export type Metadata = z.output<typeof MetadataSchema>;
export type Specification = z.output<typeof SpecificationSchema>;
export type Component = z.output<typeof ComponentSchema>;
export type ComponentProperties = Component['properties'];
export type SharedApplicationRef = NonNullable<ComponentProperties['application']>;
export type Trait = z.output<typeof TraitSchema>;
export type TraitProperty = z.output<typeof TraitPropertySchema>;
export type LinkProperty = z.output<typeof LinkPropertySchema>;
export type TargetConfig = LinkProperty['target'];
export type ConfigDefinition = NonNullable<LinkProperty['source']>;
export type SpreadScalerProperty = z.output<typeof SpreadScalerPropertySchema>;
export type Spread = z.output<typeof SpreadSchema>;
export type ConfigProperty = z.output<typeof ConfigPropertySchema>;
export type SecretProperty = z.output<typeof SecretPropertySchema>;
export type Policy = z.output<typeof PolicySchema>;
