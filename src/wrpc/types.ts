/**
 * Type descriptions that drive the wRPC value codec (the Component Model value encoding; no type tags on the
 * wire, so both sides must know the WIT type). A `WrpcType` mirrors WIT: primitives by name, compound types as
 * one-key objects.
 *
 * JS values follow jco's conventions, so values can pass between jco glue and the wire unchanged:
 * integers up to 32 bits and floats are `number`, `u64`/`s64` are `bigint`, `char` is a one-character string,
 * `list<u8>` is a `Uint8Array` (other lists are arrays), tuples are arrays, records are objects keyed by the
 * lowerCamelCase field name, variants are `{ tag: 'case-name', val }`, enums the case name, `option<T>` is
 * `T | undefined` (a nested option's inner level is `{ tag: 'some' | 'none', val }`), `result` is
 * `{ tag: 'ok' | 'err', val }`, flags an object of lowerCamelCase booleans, and resource handles the opaque
 * handle bytes as a `Uint8Array`.
 */

export type PrimitiveType =
  | 'bool'
  | 'u8'
  | 'u16'
  | 'u32'
  | 'u64'
  | 's8'
  | 's16'
  | 's32'
  | 's64'
  | 'f32'
  | 'f64'
  | 'char'
  | 'string';

export interface Field {
  name: string;
  type: WrpcType;
}

export interface Case {
  name: string;
  /** Absent for a case without payload. */
  type?: WrpcType;
}

export type WrpcType =
  | PrimitiveType
  | { list: WrpcType }
  | { tuple: WrpcType[] }
  | { record: Field[] }
  | { variant: Case[] }
  | { enum: string[] }
  | { option: WrpcType }
  | { result: { ok?: WrpcType; err?: WrpcType } }
  | { flags: string[] }
  | { own: string }
  | { borrow: string }
  | { future: WrpcType | null }
  | { stream: WrpcType | null };

/** A function's signature: params and results are tuples (a single unnamed result is one entry). */
export interface FunctionType {
  params: Field[];
  results: WrpcType[];
}

/** `first-name` → `firstName` (jco's names for record fields and flags). */
export function lowerCamel(name: string): string {
  return name.replace(/^%/, '').replace(/-([a-z0-9])/gi, (_m, c: string) => c.toUpperCase());
}

const PRIMITIVES = new Set<string>([
  'bool',
  'u8',
  'u16',
  'u32',
  'u64',
  's8',
  's16',
  's32',
  's64',
  'f32',
  'f64',
  'char',
  'string',
]);

export function isPrimitive(t: WrpcType): t is PrimitiveType {
  return typeof t === 'string' && PRIMITIVES.has(t);
}

/** WIT-like text of a type, for error messages. */
export function typeName(t: WrpcType): string {
  if (typeof t === 'string') return t;
  if ('list' in t) return `list<${typeName(t.list)}>`;
  if ('tuple' in t) return `tuple<${t.tuple.map(typeName).join(', ')}>`;
  if ('record' in t) return `record{${t.record.map((f) => f.name).join(', ')}}`;
  if ('variant' in t) return `variant{${t.variant.map((c) => c.name).join(', ')}}`;
  if ('enum' in t) return `enum{${t.enum.join(', ')}}`;
  if ('option' in t) return `option<${typeName(t.option)}>`;
  if ('result' in t)
    return `result<${t.result.ok ? typeName(t.result.ok) : '_'}, ${t.result.err ? typeName(t.result.err) : '_'}>`;
  if ('flags' in t) return `flags{${t.flags.join(', ')}}`;
  if ('own' in t) return `own<${t.own}>`;
  if ('borrow' in t) return `borrow<${t.borrow}>`;
  if ('future' in t) return t.future ? `future<${typeName(t.future)}>` : 'future';
  return t.stream ? `stream<${typeName(t.stream)}>` : 'stream';
}
