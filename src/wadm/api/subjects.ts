/** Decoding `{prefix}.{lattice}.{category}.{operation}[.{name}]` the way wadm does (wadm.md §2.1). */

export type ApiOperation = 'put' | 'get' | 'list' | 'versions' | 'del' | 'deploy' | 'undeploy' | 'status' | 'history';

export type ParsedApiSubject =
  | { kind: 'op'; lattice: string; op: ApiOperation; name?: string }
  /** Reply `Invalid subject: …`. */
  | { kind: 'invalid'; message: string }
  /** Reply `Unsupported subject: <subject>`. */
  | { kind: 'unsupported'; message: string };

/** Operations and whether they take a name (`get` works both ways: with a name = get one, without = list). */
const NAMED: Record<ApiOperation, 'required' | 'none' | 'optional'> = {
  put: 'none',
  get: 'optional',
  list: 'none',
  versions: 'required',
  del: 'required',
  deploy: 'required',
  undeploy: 'required',
  status: 'required',
  history: 'required',
};

export function parseApiSubject(subject: string, prefix: string): ParsedApiSubject {
  const rest = subject.startsWith(prefix) ? subject.slice(prefix.length).replace(/^\.+/, '') : subject;
  const tokens = rest === '' ? [] : rest.split('.');
  const missing = ['Expected to find lattice ID', 'Expected to find API category', 'Expected to find operation'];
  if (tokens.length < 3) return { kind: 'invalid', message: `Invalid subject: ${missing[tokens.length]}` };
  if (tokens.length > 4) {
    return {
      kind: 'invalid',
      message:
        'Invalid subject: Found extra components of subject, ensure your manifest name consists of only alphanumeric characters, dashes, and underscores.',
    };
  }
  const [lattice, category, operation, name] = tokens;
  const unsupported = { kind: 'unsupported', message: `Unsupported subject: ${subject}` } as const;
  if (category !== 'model' || !Object.hasOwn(NAMED, operation)) return unsupported;
  const op = operation as ApiOperation;
  const rule = NAMED[op];
  if ((rule === 'required' && name === undefined) || (rule === 'none' && name !== undefined)) return unsupported;
  return name === undefined ? { kind: 'op', lattice, op } : { kind: 'op', lattice, op, name };
}
