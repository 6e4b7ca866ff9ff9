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
 */
import * as z from 'zod';

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

const StringMap = z.record(z.string(), z.string());
const Uint = z.int().nonnegative();

// ---------------------------------------------------------------------------------------------------------
// Config and secrets

const ConfigPropertyInput = z
  .strictObject({
    name: z.string().meta({ description: 'Name of the configuration' }),
    properties: StringMap.nullish().meta({
      description:
        'Values wadm writes and owns. Without them the configuration is managed outside wadm and must already exist.',
    }),
  })
  .meta({ id: 'ConfigProperty', description: 'A named configuration for a component, provider or link end' });
export const ConfigPropertySchema = ConfigPropertyInput.transform(dropNulls);

const SecretSourcePropertyInput = z
  .object({
    policy: z
      .string()
      .meta({ description: 'Name of the secret policy (in spec.policies) that says which backend to ask' }),
    key: z.string().meta({ description: 'Key of the secret in the backend' }),
    field: z.string().nullish().meta({ description: 'A single field of the secret' }),
    version: z.string().nullish().meta({ description: 'Version of the secret; the latest when absent' }),
  })
  .meta({ id: 'SecretSourceProperty', description: 'Where a secret comes from' });

const SecretPropertyInput = z
  .object({
    name: z.string().meta({ description: 'Name the component or provider uses to look the secret up' }),
    properties: SecretSourcePropertyInput.transform(dropNulls),
  })
  .meta({ id: 'SecretProperty', description: 'A secret reference' });
export const SecretPropertySchema = SecretPropertyInput;

const ConfigList = z.array(ConfigPropertySchema).default([]);
const SecretList = z.array(SecretPropertySchema).default([]);

// ---------------------------------------------------------------------------------------------------------
// Components

const SharedApplicationRefSchema = z
  .object({
    name: z.string().meta({ description: 'Name of the shared application' }),
    component: z.string().meta({ description: 'Name of the component inside the shared application' }),
  })
  .meta({
    id: 'SharedApplicationComponentProperties',
    description: 'A component defined by another, shared, application',
  });

function workloadProperties(id: string, what: string) {
  return z
    .strictObject({
      image: z
        .string()
        .nullish()
        .meta({ description: 'OCI reference or file:// path of the image. Required unless `application` is given.' }),
      application: SharedApplicationRefSchema.nullish().meta({
        description: 'Use a component of a shared application instead of an image. Cannot be combined with `image`.',
      }),
      id: z
        .string()
        .nullish()
        .meta({ description: `Explicit ${what} ID. Derived from the application and component names when absent.` }),
      config: ConfigList.meta({ description: `Named configuration given to the ${what}` }),
      secrets: SecretList.meta({ description: `Secrets given to the ${what}` }),
    })
    .meta({ id, description: `Properties of a ${what}` })
    .transform(dropNulls);
}

// ---------------------------------------------------------------------------------------------------------
// Trait properties: an untagged union tried in the order Link, SpreadScaler, Custom (wadm.md §1.6).

const TargetConfigInput = z
  .object({
    name: z.string().meta({ description: 'Name of the target component in spec.components' }),
    config: ConfigList.meta({ description: 'Configuration for the target end of the link' }),
    secrets: SecretList.meta({ description: 'Secrets for the target end of the link' }),
  })
  .meta({ id: 'TargetConfig', description: 'The target of a link' });

const ConfigDefinitionInput = z
  .object({ config: ConfigList, secrets: SecretList })
  .meta({ id: 'ConfigDefinition', description: 'Configuration and secrets for the source end of a link' });

const LinkPropertyInput = z
  .object({
    namespace: z.string().meta({ description: 'WIT namespace, e.g. wasi' }),
    package: z.string().meta({ description: 'WIT package, e.g. http' }),
    interfaces: z.array(z.string()).meta({ description: 'WIT interfaces, e.g. [incoming-handler]' }),
    source: ConfigDefinitionInput.nullish().meta({ description: 'Configuration and secrets for the source end' }),
    target: z
      .union([
        z.string().meta({
          deprecated: true,
          description: 'Legacy form: the target component name (configuration goes in target_config)',
        }),
        TargetConfigInput,
      ])
      .optional(),
    name: z.string().nullish().meta({ description: 'Link name; "default" when absent' }),
    source_config: z
      .array(ConfigPropertySchema)
      .nullish()
      .meta({ deprecated: true, writeOnly: true, description: 'Deprecated: use source.config' }),
    target_config: z
      .array(ConfigPropertySchema)
      .nullish()
      .meta({ deprecated: true, writeOnly: true, description: 'Deprecated: use target.config' }),
  })
  .meta({ id: 'LinkProperty', description: 'Properties of a link trait' });

/** wadm only reads `target_config` when `target` is a bare string; otherwise it is ignored, even if malformed. */
function ignoreUnusedTargetConfig(value: unknown): unknown {
  if (isRecord(value) && 'target_config' in value && typeof value.target !== 'string') {
    const { target_config: _ignored, ...rest } = value;
    return rest;
  }
  return value;
}

type LinkPropertyParsed = z.output<typeof LinkPropertyInput>;
type TargetConfigParsed = z.output<typeof TargetConfigInput>;
type ConfigDefinitionParsed = z.output<typeof ConfigDefinitionInput>;

/** Legacy forms become the object form: string target + target_config → target{name,config}; source_config → source. */
function normalizeLink(link: LinkPropertyParsed) {
  const target: TargetConfigParsed =
    typeof link.target === 'string'
      ? { name: link.target, config: link.target_config ?? [], secrets: [] }
      : (link.target ?? { name: '', config: [], secrets: [] });
  let source: ConfigDefinitionParsed | undefined =
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

export const LinkPropertySchema = z.preprocess(ignoreUnusedTargetConfig, LinkPropertyInput).transform(normalizeLink);

const SpreadInput = z
  .strictObject({
    name: z.string().meta({ description: 'Name of the spread' }),
    requirements: StringMap.meta({
      description: 'Host labels a host must have (all of them) to receive instances of this spread',
    }),
    weight: Uint.nullish().meta({ description: 'Relative share of the instances (default 100)' }),
  })
  .meta({ id: 'Spread', description: 'A group of hosts selected by labels' });
export const SpreadSchema = SpreadInput.transform(dropNulls);

const SpreadScalerPropertyInput = z
  .strictObject({
    instances: Uint.meta({ description: 'Number of instances (alias: replicas)' }),
    spread: z.array(SpreadSchema).default([]).meta({ description: 'How instances are spread over hosts' }),
  })
  .meta({ id: 'SpreadScalerProperty', description: 'Properties of a spreadscaler or daemonscaler trait' });

/** `replicas` is an input alias of `instances`. With both present the alias stays and is rejected as unknown. */
function aliasReplicas(value: unknown): unknown {
  if (isRecord(value) && 'replicas' in value && !('instances' in value)) {
    const { replicas, ...rest } = value;
    return { instances: replicas, ...rest };
  }
  return value;
}

export const SpreadScalerPropertySchema = z.preprocess(aliasReplicas, SpreadScalerPropertyInput);

/** Any value other than a missing one: properties of traits wadm does not know (ignored by wadm). */
export type CustomTraitProperty = Record<string, unknown> | unknown[] | string | number | boolean | null;
const CustomTraitPropertySchema = z.custom<CustomTraitProperty>((value) => value !== undefined, {
  message: 'required',
});

export const TraitPropertySchema = z
  .union([LinkPropertySchema, SpreadScalerPropertySchema, CustomTraitPropertySchema])
  .meta({ id: 'TraitProperty', description: 'Link properties, scaler properties, or anything else for custom traits' });

export const TraitSchema = z
  .strictObject({
    type: z
      .string()
      .meta({ description: 'spreadscaler, daemonscaler or link; other types are accepted and ignored by wadm' }),
    properties: TraitPropertySchema,
  })
  .meta({ id: 'Trait', description: 'A trait: how a component is scaled or linked' });

const Traits = z.array(TraitSchema).nullish().meta({ description: 'Scalers and links of this component' });

const ComponentVariant = z.object({
  name: z.string().meta({ description: 'Name of the component, unique in the manifest' }),
  type: z
    .literal(['component', 'actor'])
    .meta({ description: 'A WebAssembly component ("actor" is a deprecated alias)' }),
  properties: workloadProperties('ComponentProperties', 'component'),
  traits: Traits,
});
const CapabilityVariant = z.object({
  name: z.string().meta({ description: 'Name of the capability provider, unique in the manifest' }),
  type: z.literal('capability').meta({ description: 'A capability provider' }),
  properties: workloadProperties('CapabilityProperties', 'capability provider'),
  traits: Traits,
});

export const ComponentSchema = z
  .discriminatedUnion('type', [ComponentVariant, CapabilityVariant])
  .meta({ id: 'Component', description: 'A component or capability provider of the application' })
  .transform((c) => ({
    name: c.name,
    type: c.type === 'actor' ? ('component' as const) : c.type,
    properties: c.properties,
    ...(c.traits != null ? { traits: c.traits } : {}),
  }));

// ---------------------------------------------------------------------------------------------------------
// Top level

export const PolicySchema = z
  .object({
    name: z.string().meta({ description: 'Name of the policy' }),
    properties: StringMap.meta({ description: 'Policy settings (a secret policy needs `backend`)' }),
    type: z.string().meta({ description: 'Policy type, e.g. policy.secret.wasmcloud.dev/v1alpha1' }),
  })
  .meta({ id: 'Policy', description: 'An application-wide policy' });

export const MetadataSchema = z
  .object({
    name: z.string().meta({ description: 'Application name, unique in the lattice' }),
    annotations: StringMap.meta({
      description: 'Annotations such as version and description (may be empty, but must be present)',
    }),
    labels: StringMap.default({}).meta({ description: 'Labels' }),
  })
  .meta({ id: 'Metadata', description: 'Name, annotations and labels of the application' });

export const SpecificationSchema = z
  .object({
    components: z.array(ComponentSchema).meta({ description: 'Components and capability providers' }),
    policies: z.array(PolicySchema).default([]).meta({ description: 'Policies (e.g. secret backends)' }),
  })
  .meta({ id: 'Specification', description: 'What the application is made of' });

export const ManifestSchema = z.strictObject({
  apiVersion: z.string().meta({ description: 'OAM API version (core.oam.dev/v1beta1)' }),
  kind: z.string().meta({ description: 'Manifest kind (Application)' }),
  metadata: MetadataSchema,
  spec: SpecificationSchema,
});

// ---------------------------------------------------------------------------------------------------------
// Types: the normalised (output) form. `ManifestInput` is what a file may contain.

export type Manifest = z.output<typeof ManifestSchema>;
export type ManifestInput = z.input<typeof ManifestSchema>;
export type Metadata = z.output<typeof MetadataSchema>;
export type Specification = z.output<typeof SpecificationSchema>;
export type Component = z.output<typeof ComponentSchema>;
export type ComponentProperties = Component['properties'];
export type SharedApplicationRef = z.output<typeof SharedApplicationRefSchema>;
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
