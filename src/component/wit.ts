/** Reading the root world that `componentWit` prints: its imports and exports as names. */

export interface InterfaceName {
  namespace: string;
  package: string;
  interface: string;
  /** Semver text after `@` (e.g. `0.2.10`, `0.2.0-draft`), absent when unversioned. */
  version?: string;
}

/** `interface` = `ns:pkg/iface@ver`; `function` = `import name: func(…)`; `inline-interface` = `name: interface {…}`. */
export type WorldItemKind = 'interface' | 'function' | 'inline-interface';

export interface WorldItem {
  /** The versioned interface name, or the plain name for functions and inline interfaces. */
  name: string;
  kind: WorldItemKind;
}

export interface WorldItems {
  imports: WorldItem[];
  exports: WorldItem[];
}

const ID = '%?[a-z][a-z0-9]*(?:-[a-z0-9]+)*';
const INTERFACE_NAME = new RegExp(`^(${ID}):(${ID})/(${ID})(?:@([0-9A-Za-z.+-]+))?$`, 'i');

/** `wasi:http/incoming-handler@0.2.10` → parts; undefined for plain names such as `log` or `run`. */
export function parseInterfaceName(name: string): InterfaceName | undefined {
  const m = INTERFACE_NAME.exec(name.trim());
  if (!m) return undefined;
  const unescapeId = (id: string) => id.replace(/^%/, '');
  const parsed: InterfaceName = { namespace: unescapeId(m[1]), package: unescapeId(m[2]), interface: unescapeId(m[3]) };
  if (m[4] !== undefined) parsed.version = m[4];
  return parsed;
}

/** Name without the `@version` suffix: `wasi:http/types@0.2.10` → `wasi:http/types`. */
export function unversionedName(name: string): string {
  const at = name.indexOf('@');
  return at === -1 ? name : name.slice(0, at);
}

function stripComments(line: string): string {
  const at = line.indexOf('//');
  return at === -1 ? line : line.slice(0, at);
}

const PLAIN_ITEM = new RegExp(`^(${ID})\\s*:\\s*(?:async\\s+)?(func|interface)\\b`, 'i');

function parseItem(rest: string): WorldItem | undefined {
  const plain = PLAIN_ITEM.exec(rest);
  if (plain) return { name: plain[1].replace(/^%/, ''), kind: plain[2] === 'func' ? 'function' : 'inline-interface' };
  const ref = /^([^\s;]+)\s*;/.exec(rest);
  return ref ? { name: ref[1], kind: 'interface' } : undefined;
}

/**
 * Imports and exports of a WIT world, in source order. Reads the world named `worldName`, or the first
 * world in the text (`componentWit` prints exactly one, `root`). Nested bodies (inline interfaces) are
 * skipped by brace depth; `use`, `type` and `include` statements are ignored.
 */
export function parseWorldItems(wit: string, worldName?: string): WorldItems {
  const items: WorldItems = { imports: [], exports: [] };
  let inWorld = false;
  let depth = 0;
  for (const raw of wit.split('\n')) {
    const line = stripComments(raw).trim();
    if (!inWorld) {
      const m = /^world\s+(%?[\w-]+)\s*\{/.exec(line);
      if (m && (worldName === undefined || m[1].replace(/^%/, '') === worldName)) {
        inWorld = true;
        depth = 0;
      }
      continue;
    }
    if (depth === 0) {
      if (line.startsWith('}')) break;
      const stmt = /^(import|export)\s+(.*)$/.exec(line);
      const item = stmt ? parseItem(stmt[2]) : undefined;
      if (stmt && item) (stmt[1] === 'import' ? items.imports : items.exports).push(item);
    }
    for (const ch of line) {
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
    }
    if (depth < 0) break;
  }
  return items;
}
