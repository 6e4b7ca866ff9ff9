/**
 * Function signatures of a component's imported and exported interfaces, read from the component binary
 * (jco's `componentWit` prints only the root world, without the interfaces' types). Only the outer
 * component's sections are read: type, import, alias, canon, instance and export; core modules and nested
 * components are skipped by size, so a 12 MB componentize-js component costs a few section headers.
 *
 * Binary format: component-model `Binary.md`. Types it cannot express (async functions, `error-context`)
 * make the whole read fail with `WrpcCodecError` (the host then starts the component without wRPC wiring and
 * logs why); canonical builtins it cannot size leave later exported functions untyped (absent).
 */
import { decodeS33Leb, decodeU32Leb } from '../component/leb128.js';
import { WrpcCodecError } from './codec.js';
import type { Field, FunctionType, WrpcType } from './types.js';

export interface InterfaceFunctions {
  /** WIT function name (`greet`, `[method]counter.add`) → signature. */
  functions: Map<string, FunctionType>;
}

export interface ComponentTypes {
  /** Versioned instance name (`example:greeter/greet@0.1.0`) → its functions. */
  imports: Map<string, InterfaceFunctions>;
  exports: Map<string, InterfaceFunctions>;
}

const PRIMITIVES: Record<number, WrpcType> = {
  127: 'bool',
  126: 's8',
  125: 'u8',
  124: 's16',
  123: 'u16',
  122: 's32',
  121: 'u32',
  120: 's64',
  119: 'u64',
  118: 'f32',
  117: 'f64',
  116: 'char',
  115: 'string',
};

/** A type as the binary defines it: resolved lazily, because indices refer to earlier entries. */
type TypeDef =
  | { kind: 'value'; type: WrpcType }
  | { kind: 'func'; func: FunctionType }
  | { kind: 'instance'; exports: Map<string, TypeDef> }
  | { kind: 'resource'; name: string }
  | { kind: 'unknown' };

const UNKNOWN: TypeDef = { kind: 'unknown' };

class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly end = buf.length,
  ) {}
  byte(): number {
    if (this.pos >= this.end) throw new WrpcCodecError('component binary ends inside a section');
    return this.buf[this.pos++];
  }
  peek(): number {
    return this.buf[this.pos];
  }
  u32(): number {
    return decodeU32Leb(() => this.byte());
  }
  s33(): number {
    return decodeS33Leb(() => this.byte());
  }
  string(): string {
    const n = this.u32();
    const s = new TextDecoder().decode(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  vec<T>(item: () => T): T[] {
    const n = this.u32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  }
  optional<T>(item: () => T): T | undefined {
    return this.byte() === 1 ? item() : undefined;
  }
}

/** One type index space (the component's, or an instance type's while it is being read). */
class Scope {
  readonly types: TypeDef[] = [];
  constructor(readonly parent?: Scope) {}

  value(t: TypeDef | undefined, what: string): WrpcType {
    if (t?.kind === 'value') return t.type;
    if (t?.kind === 'resource') throw new WrpcCodecError(`${what}: a resource used as a value`);
    throw new WrpcCodecError(`${what}: type not understood`);
  }
}

function readValType(r: Reader, scope: Scope): WrpcType {
  const b = r.peek();
  if (PRIMITIVES[b] !== undefined) {
    r.pos++;
    return PRIMITIVES[b];
  }
  if (b === 0x64) throw new WrpcCodecError('error-context values are not supported');
  const index = r.s33();
  return scope.value(scope.types[index], `type ${index}`);
}

function resourceName(scope: Scope, index: number): string {
  const t = scope.types[index];
  return t?.kind === 'resource' ? t.name : `resource-${index}`;
}

function readDefValType(r: Reader, tag: number, scope: Scope): WrpcType {
  switch (tag) {
    case 0x72:
      return { record: r.vec(() => ({ name: r.string(), type: readValType(r, scope) })) };
    case 0x71:
      return {
        variant: r.vec(() => {
          const name = r.string();
          const type = r.optional(() => readValType(r, scope));
          r.optional(() => r.u32()); // refines (unused)
          return type ? { name, type } : { name };
        }),
      };
    case 0x70:
      return { list: readValType(r, scope) };
    case 0x67: {
      const list = readValType(r, scope);
      r.u32();
      return { list };
    }
    case 0x6f:
      return { tuple: r.vec(() => readValType(r, scope)) };
    case 0x6e:
      return { flags: r.vec(() => r.string()) };
    case 0x6d:
      return { enum: r.vec(() => r.string()) };
    case 0x6b:
      return { option: readValType(r, scope) };
    case 0x6a: {
      const ok = r.optional(() => readValType(r, scope));
      const err = r.optional(() => readValType(r, scope));
      return { result: { ...(ok ? { ok } : {}), ...(err ? { err } : {}) } };
    }
    case 0x69:
      return { own: resourceName(scope, r.u32()) };
    case 0x68:
      return { borrow: resourceName(scope, r.u32()) };
    case 0x66:
      return { stream: r.optional(() => readValType(r, scope)) ?? null };
    case 0x65:
      return { future: r.optional(() => readValType(r, scope)) ?? null };
    default:
      if (PRIMITIVES[tag] !== undefined) return PRIMITIVES[tag];
      throw new WrpcCodecError(`unknown value type 0x${tag.toString(16)}`);
  }
}

function readFuncType(r: Reader, scope: Scope): FunctionType {
  const params: Field[] = r.vec(() => ({ name: r.string(), type: readValType(r, scope) }));
  const kind = r.byte();
  if (kind === 0x00) return { params, results: [readValType(r, scope)] };
  return {
    params,
    results: r.vec(() => {
      r.string();
      return readValType(r, scope);
    }),
  };
}

/** importname' / exportname': a 0x00 or 0x01 (with version suffix) prefix, then the name. */
function readExternName(r: Reader): string {
  const tag = r.byte();
  const name = r.string();
  if (tag === 0x01) r.string();
  return name;
}

type ExternDesc = { sort: 'func' | 'type' | 'instance' | 'other'; type?: TypeDef; index?: number };

function readExternDesc(r: Reader, scope: Scope, exportName: string): ExternDesc {
  const tag = r.byte();
  switch (tag) {
    case 0x00:
      r.byte();
      r.u32();
      return { sort: 'other' };
    case 0x01: {
      const i = r.u32();
      return { sort: 'func', type: scope.types[i], index: i };
    }
    case 0x02: {
      if (r.byte() === 0x00) r.u32();
      else readValType(r, scope);
      return { sort: 'other' };
    }
    case 0x03: {
      if (r.byte() === 0x00) return { sort: 'type', type: scope.types[r.u32()] };
      return { sort: 'type', type: { kind: 'resource', name: exportName } };
    }
    case 0x04:
      r.u32();
      return { sort: 'other' };
    case 0x05: {
      const i = r.u32();
      return { sort: 'instance', type: scope.types[i] };
    }
    default:
      throw new WrpcCodecError(`unknown extern descriptor 0x${tag.toString(16)}`);
  }
}

function readDefType(r: Reader, scope: Scope): TypeDef {
  const tag = r.byte();
  if (tag === 0x40) return { kind: 'func', func: readFuncType(r, scope) };
  if (tag === 0x43) throw new WrpcCodecError('async functions are not supported');
  if (tag === 0x42) return readInstanceType(r, scope);
  if (tag === 0x41) return skipComponentType(r, scope);
  if (tag === 0x3f || tag === 0x3e) {
    r.byte(); // rep i32
    r.optional(() => r.u32());
    if (tag === 0x3e) r.optional(() => r.u32());
    return { kind: 'resource', name: 'resource' };
  }
  return { kind: 'value', type: readDefValType(r, tag, scope) };
}

function readAlias(
  r: Reader,
  scope: Scope,
  instances: Array<Map<string, TypeDef> | undefined>,
): { sort: number; def?: TypeDef } {
  const sort = r.byte();
  if (sort === 0x00) r.byte();
  const target = r.byte();
  if (target === 0x00 || target === 0x01) {
    const inst = r.u32();
    const name = r.string();
    return { sort, def: target === 0x00 ? instances[inst]?.get(name) : undefined };
  }
  const count = r.u32();
  const index = r.u32();
  let s: Scope | undefined = scope;
  for (let i = 0; i < count && s; i++) s = s.parent;
  return { sort, def: sort === 0x03 ? s?.types[index] : undefined };
}

function readInstanceType(r: Reader, outer: Scope): TypeDef {
  const scope = new Scope(outer);
  const exports = new Map<string, TypeDef>();
  const n = r.u32();
  for (let i = 0; i < n; i++) {
    const tag = r.byte();
    if (tag === 0x00) throw new WrpcCodecError('core types in instance types are not supported');
    if (tag === 0x01) scope.types.push(readDefType(r, scope));
    else if (tag === 0x02) {
      const { sort, def } = readAlias(r, scope, []);
      if (sort === 0x03) scope.types.push(def ?? UNKNOWN);
    } else if (tag === 0x04) {
      const name = readExternName(r);
      const desc = readExternDesc(r, scope, name);
      if (desc.sort === 'type') {
        const def = desc.type?.kind === 'resource' ? { kind: 'resource' as const, name } : (desc.type ?? UNKNOWN);
        scope.types.push(def);
        exports.set(name, def);
      } else if (desc.sort === 'func') {
        exports.set(name, desc.type ?? UNKNOWN);
      }
    } else {
      throw new WrpcCodecError(`unknown instance declaration 0x${tag.toString(16)}`);
    }
  }
  return { kind: 'instance', exports };
}

function skipComponentType(r: Reader, outer: Scope): TypeDef {
  const scope = new Scope(outer);
  const n = r.u32();
  for (let i = 0; i < n; i++) {
    const tag = r.byte();
    if (tag === 0x03) {
      readExternName(r);
      readExternDesc(r, scope, '');
    } else if (tag === 0x01) scope.types.push(readDefType(r, scope));
    else if (tag === 0x02) {
      const { sort, def } = readAlias(r, scope, []);
      if (sort === 0x03) scope.types.push(def ?? UNKNOWN);
    } else if (tag === 0x04) {
      const name = readExternName(r);
      const desc = readExternDesc(r, scope, name);
      if (desc.sort === 'type') scope.types.push(desc.type ?? UNKNOWN);
    } else throw new WrpcCodecError(`unknown component declaration 0x${tag.toString(16)}`);
  }
  return UNKNOWN;
}

function functionsOf(exports: Map<string, TypeDef>): InterfaceFunctions {
  const functions = new Map<string, FunctionType>();
  for (const [name, def] of exports) if (def.kind === 'func') functions.set(name, def.func);
  return { functions };
}

/**
 * Reads the signatures of every function in the component's imported and exported instances.
 * Throws `WrpcCodecError` for bytes that are not a component or that it cannot read.
 */
export function componentFunctionTypes(bytes: Uint8Array): ComponentTypes {
  if (
    bytes.length < 8 ||
    bytes[0] !== 0 ||
    bytes[1] !== 0x61 ||
    bytes[2] !== 0x73 ||
    bytes[3] !== 0x6d ||
    bytes[6] !== 1 ||
    bytes[7] !== 0
  ) {
    throw new WrpcCodecError('not a WebAssembly component (bad preamble)');
  }
  const scope = new Scope();
  /** Instance index space: the named members of each instance, when known. */
  const instances: Array<Map<string, TypeDef> | undefined> = [];
  /** Component function index space → its type. */
  const funcs: TypeDef[] = [];
  const out: ComponentTypes = { imports: new Map(), exports: new Map() };
  let lostFuncs = false;
  const top = new Reader(bytes);
  top.pos = 8;
  while (top.pos < bytes.length) {
    const id = top.byte();
    const size = top.u32();
    const end = top.pos + size;
    const r = new Reader(bytes, end);
    r.pos = top.pos;
    switch (id) {
      case 7: {
        // type
        const n = r.u32();
        for (let i = 0; i < n; i++) scope.types.push(readDefType(r, scope));
        break;
      }
      case 10: {
        // import
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const name = readExternName(r);
          const desc = readExternDesc(r, scope, name);
          if (desc.sort === 'instance') {
            const members = desc.type?.kind === 'instance' ? desc.type.exports : undefined;
            instances.push(members);
            if (members) out.imports.set(name, functionsOf(members));
          } else if (desc.sort === 'func') funcs.push(desc.type ?? UNKNOWN);
          else if (desc.sort === 'type')
            scope.types.push(desc.type?.kind === 'resource' ? { kind: 'resource', name } : (desc.type ?? UNKNOWN));
        }
        break;
      }
      case 6: {
        // alias
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const { sort, def } = readAlias(r, scope, instances);
          if (sort === 0x03) scope.types.push(def ?? UNKNOWN);
          else if (sort === 0x01) funcs.push(def ?? UNKNOWN);
          else if (sort === 0x05) instances.push(undefined);
        }
        break;
      }
      case 8: {
        // canon: only `lift` makes a component function
        const n = r.u32();
        for (let i = 0; i < n && !lostFuncs; i++) {
          const op = r.byte();
          if (op === 0x00) {
            r.byte(); // 0x00
            r.u32(); // core func
            skipCanonOpts(r);
            funcs.push(scope.types[r.u32()] ?? UNKNOWN);
          } else if (!skipCanonBuiltin(r, op)) {
            // A builtin we cannot size: later component functions can no longer be told apart.
            lostFuncs = true;
          }
        }
        break;
      }
      case 5: {
        // instance
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const tag = r.byte();
          if (tag === 0x00) {
            // wit-component exports an interface through a shim component instantiated with the lifted
            // functions as `import-func-{name}` arguments; those carry the types.
            r.u32();
            const members = new Map<string, TypeDef>();
            r.vec(() => {
              const name = r.string();
              const sort = r.byte();
              if (sort === 0x00) r.byte();
              const index = r.u32();
              if (sort === 0x01 && name.startsWith('import-func-'))
                members.set(name.slice('import-func-'.length), lostFuncs ? UNKNOWN : (funcs[index] ?? UNKNOWN));
            });
            instances.push(members.size > 0 ? members : undefined);
          } else {
            const members = new Map<string, TypeDef>();
            r.vec(() => {
              const name = readExternName(r);
              const sort = r.byte();
              if (sort === 0x00) r.byte();
              const index = r.u32();
              if (sort === 0x01) members.set(name, lostFuncs ? UNKNOWN : (funcs[index] ?? UNKNOWN));
              else if (sort === 0x03) members.set(name, scope.types[index] ?? UNKNOWN);
            });
            instances.push(members);
          }
        }
        break;
      }
      case 11: {
        // export
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const name = readExternName(r);
          const sort = r.byte();
          if (sort === 0x00) r.byte();
          const index = r.u32();
          const ascribed = r.optional(() => readExternDesc(r, scope, name));
          if (sort === 0x05) {
            const members = ascribed?.type?.kind === 'instance' ? ascribed.type.exports : instances[index];
            if (members) out.exports.set(name, functionsOf(members));
            instances.push(members);
          } else if (sort === 0x01) funcs.push(funcs[index] ?? UNKNOWN);
          else if (sort === 0x03) scope.types.push(scope.types[index] ?? UNKNOWN);
        }
        break;
      }
      default:
        break; // custom, core module/instance/type, nested components, start, values: not needed
    }
    top.pos = end;
  }
  return out;
}

function skipCanonOpts(r: Reader): void {
  r.vec(() => {
    const opt = r.byte();
    if (opt === 0x03 || opt === 0x04 || opt === 0x05 || opt === 0x07) r.u32();
  });
}

/** Reads past a canonical builtin other than `lift`; false when its encoding is unknown here. */
function skipCanonBuiltin(r: Reader, op: number): boolean {
  switch (op) {
    case 0x01:
      r.byte();
      r.u32();
      skipCanonOpts(r);
      return true; // lower
    case 0x02:
    case 0x03:
    case 0x04:
    case 0x07:
      r.u32();
      return true; // resource.new / drop / rep / drop async
    default:
      return false;
  }
}
