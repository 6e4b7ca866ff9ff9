/**
 * A small draft-07 validator for the keywords our manifest schema uses, so the schema can be exercised without
 * a dependency. Unknown keywords throw: the test must not silently skip what it cannot check.
 */
type Schema = boolean | Record<string, unknown>;

const ANNOTATIONS = new Set([
  '$schema',
  'title',
  'description',
  'default',
  'deprecated',
  'writeOnly',
  'readOnly',
  'definitions',
  '$id',
]);
const CHECKED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  'oneOf',
  'allOf',
  'enum',
  'const',
  'minimum',
  '$ref',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function validateJsonSchema(root: Record<string, unknown>, value: unknown): string[] {
  const errors: string[] = [];
  const check = (schema: Schema, v: unknown, at: string): boolean => {
    if (schema === true) return true;
    if (schema === false) return fail(at, 'nothing is allowed');
    let ok = true;
    for (const key of Object.keys(schema))
      if (!ANNOTATIONS.has(key) && !CHECKED.has(key))
        throw new Error(`mini validator: unsupported keyword ${key} at ${at}`);
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.replace('#/definitions/', '');
      const target = (root.definitions as Record<string, Schema>)[name];
      if (target === undefined) throw new Error(`unresolved $ref ${schema.$ref}`);
      ok = check(target, v, at) && ok;
    }
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      const actual = typeOf(v);
      if (!types.includes(actual) && !(actual === 'integer' && types.includes('number')))
        return fail(at, `expected ${types.join('|')}, got ${actual}`);
    }
    if (schema.enum !== undefined && !(schema.enum as unknown[]).includes(v)) ok = fail(at, `not in enum`);
    if (schema.const !== undefined && schema.const !== v) ok = fail(at, `not ${JSON.stringify(schema.const)}`);
    if (typeof schema.minimum === 'number' && typeof v === 'number' && v < schema.minimum)
      ok = fail(at, 'below minimum');
    if (typeOf(v) === 'object') {
      const obj = v as Record<string, unknown>;
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      for (const req of (schema.required ?? []) as string[]) if (!(req in obj)) ok = fail(at, `missing ${req}`);
      for (const [k, child] of Object.entries(obj)) {
        if (k in props) ok = check(props[k], child, `${at}/${k}`) && ok;
        else if (schema.additionalProperties !== undefined)
          ok = check(schema.additionalProperties as Schema, child, `${at}/${k}`) && ok;
      }
    }
    if (typeOf(v) === 'array' && schema.items !== undefined)
      (v as unknown[]).forEach((item, i) => (ok = check(schema.items as Schema, item, `${at}/${i}`) && ok));
    const quiet = (s: Schema): boolean => {
      const before = errors.length;
      const r = check(s, v, at);
      errors.length = before;
      return r;
    };
    if (Array.isArray(schema.allOf)) for (const s of schema.allOf as Schema[]) ok = check(s, v, at) && ok;
    if (Array.isArray(schema.anyOf) && !(schema.anyOf as Schema[]).some(quiet))
      ok = fail(at, 'matches no anyOf branch');
    if (Array.isArray(schema.oneOf) && (schema.oneOf as Schema[]).filter(quiet).length !== 1)
      ok = fail(at, 'does not match exactly one oneOf branch');
    return ok;
  };
  const fail = (at: string, msg: string): false => {
    errors.push(`${at || '/'}: ${msg}`);
    return false;
  };
  check(root, value, '');
  return errors;
}
