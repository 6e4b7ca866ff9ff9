/**
 * JSON Schema (draft-07, like wadm's `oam.schema.json`) generated from the zod schema. It describes the
 * *input* a file may contain, including the legacy forms wadm still reads (string `target`, `source_config`,
 * `target_config`, `type: actor`, `replicas`), which are marked deprecated.
 */
import * as z from 'zod/mini';
import { describedManifestSchema } from './schema.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** zod spells the safe-integer bound and string map keys out; neither helps a reader or an editor. */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) continue;
    if (key === 'propertyNames' && isObject(value) && value.type === 'string' && Object.keys(value).length === 1)
      continue;
    out[key] = tidy(value);
  }
  // `{allOf: [{$ref}]}` with nothing else is just the reference.
  const allOf = out.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && Object.keys(out).length === 1) return allOf[0];
  return out;
}

function definition(schema: JsonObject, name: string): JsonObject {
  const defs = schema.definitions as Record<string, JsonObject> | undefined;
  const def = defs?.[name];
  if (!def) throw new Error(`manifest JSON Schema: definition ${name} missing`);
  return def;
}

function addRequired(def: JsonObject, key: string): void {
  const required = Array.isArray(def.required) ? (def.required as string[]) : [];
  if (!required.includes(key)) def.required = [...required, key];
}

let cached: JsonObject | undefined;

export function buildManifestJsonSchema(): JsonObject {
  if (cached) return structuredClone(cached);
  const generated = z.toJSONSchema(describedManifestSchema(), {
    target: 'draft-07',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonObject;
  const { $schema, ...body } = tidy(generated) as JsonObject;
  const schema: JsonObject = {
    $schema,
    title: 'Manifest',
    description: 'wasmCloud application manifest (OAM Application, core.oam.dev/v1beta1) as read by wadm',
    ...body,
  };

  // A `properties` key is required on every trait; zod cannot see that through the catch-all union member.
  addRequired(definition(schema, 'Trait'), 'properties');
  // wadm reads a missing link target as "" and then rejects it in validation: required for editors.
  addRequired(definition(schema, 'LinkProperty'), 'target');

  // `replicas` is an input alias of `instances` (one of the two is required).
  const scaler = definition(schema, 'SpreadScalerProperty');
  const props = scaler.properties as JsonObject;
  props.replicas = {
    ...(props.instances as JsonObject),
    deprecated: true,
    description: 'Deprecated alias of instances',
  };
  scaler.required = ((scaler.required as string[]) ?? []).filter((k) => k !== 'instances');
  if ((scaler.required as string[]).length === 0) delete scaler.required;
  scaler.oneOf = [{ required: ['instances'] }, { required: ['replicas'] }];

  cached = schema;
  return structuredClone(schema);
}
