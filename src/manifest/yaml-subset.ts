/**
 * A reader for the plain subset of YAML that manifests are written in, giving exactly what the `yaml` package's
 * path in source.ts gives (data, and the line and column of each map key and sequence item) in a fraction of its
 * start-up cost: `yaml` runs cold, interpreted code through its lexer, parser, composer and Document (~9 ms for a
 * 1 KB manifest); this is one pass over the lines.
 *
 * The subset: one document (an optional `---` line first), a block mapping at the root, block mappings and
 * sequences (a sequence may sit at its key's indentation), keys of plain letters/digits/`_.-/`, single-line
 * plain, single-quoted and backslash-free double-quoted scalars, one-line flow sequences of such scalars, blank
 * lines and comments. Scalars are typed as the YAML 1.2 core schema does (null, booleans, decimal integers); a
 * plain scalar the core schema would read as any other number is left to `yaml`, as is everything else: anchors,
 * aliases, tags, flow mappings, block scalars, multi-line scalars, escapes, duplicate keys, tabs, CR, control and non-ASCII
 * whitespace characters, directives,
 * several documents and every syntax error. `readYamlSubset` then returns undefined and nothing has been decided.
 */
import type { PathSegment } from './paths.js';
import { SourceMap } from './source-map.js';

interface Line {
  /** 1-based line number. */
  no: number;
  indent: number;
  /** The line from its first non-space character. */
  text: string;
}

/** Thrown (and caught in readYamlSubset) when the text leaves the subset. */
const OUTSIDE = Symbol('outside the YAML subset');

function outside(): never {
  throw OUTSIDE;
}

const KEY = /^([A-Za-z_][\w./-]{0,199}):(?: |$)/;
const CORE_NULL = /^(?:~|[Nn]ull|NULL)$/;
const CORE_TRUE = /^(?:[Tt]rue|TRUE)$/;
const CORE_FALSE = /^(?:[Ff]alse|FALSE)$/;
const DECIMAL = /^[0-9]{1,15}$/;
/** The core schema's other numbers (long, octal, signed and hex integers, floats, exponents, .inf, .nan): left to yaml. */
const OTHER_NUMBER =
  /^(?:[0-9]+|0o[0-7]+|[-+][0-9]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/;
/** Characters a plain scalar may not start with (indicators); `[`, `'` and `"` are read separately. */
const PLAIN_START_EXCLUDED = '-?:,[]{}#&*!|>\'"%@`';
/**
 * Control characters, and whitespace other than the space that String#trim would remove (NBSP, NEL, U+2028…): the
 * reader trims lines with trimStart/trimEnd, where YAML trims only spaces and tabs.
 */
const UNUSUAL_CHARACTER =
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
/** What may follow a scalar on its line: spaces, then optionally a comment. */
const REST_OF_LINE = /^(?: +#.*| *)$/;

/** Metadata fields wadm reads as strings: a plain scalar there keeps its text (see keepMetadataScalarsAsText). */
function keepsText(path: readonly PathSegment[]): boolean {
  if (path[0] !== 'metadata') return false;
  if (path.length === 2) return path[1] === 'name';
  return path.length === 3 && (path[1] === 'annotations' || path[1] === 'labels') && typeof path[2] === 'string';
}

function plainScalar(text: string, path: readonly PathSegment[]): unknown {
  if (CORE_NULL.test(text)) return null;
  if (keepsText(path)) return text;
  if (CORE_TRUE.test(text)) return true;
  if (CORE_FALSE.test(text)) return false;
  if (DECIMAL.test(text)) return Number(text);
  if (OTHER_NUMBER.test(text)) outside();
  return text;
}

function checkPlain(text: string): void {
  if (text === '' || PLAIN_START_EXCLUDED.includes(text[0] as string)) outside();
  if (text.endsWith(':') || text.includes(': ') || /[[\]{}]/.test(text)) outside();
}

class Reader {
  private i = 0;
  readonly sourceMap = new SourceMap();

  constructor(private readonly lines: Line[]) {}

  read(): Record<string, unknown> {
    const first = this.lines[0];
    if (!first || !KEY.test(first.text)) outside();
    this.sourceMap.set([], { line: first.no, column: first.indent + 1 });
    const root = this.map(first.indent, []);
    if (this.i < this.lines.length) outside();
    return root;
  }

  private map(indent: number, path: PathSegment[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let line = this.lines[this.i]; line && line.indent >= indent; line = this.lines[this.i]) {
      if (line.indent > indent) outside();
      const match = KEY.exec(line.text);
      if (!match) {
        if (isSeqEntry(line.text)) break; // a sequence at its key's indentation ends here; the caller decides
        outside();
      }
      const key = match[1] as string;
      if (Object.hasOwn(out, key) || key === '__proto__' || CORE_NULL.test(key)) outside();
      if (CORE_TRUE.test(key) || CORE_FALSE.test(key)) outside();
      const childPath = [...path, key];
      this.sourceMap.set(childPath, { line: line.no, column: line.indent + 1 });
      const restAt = line.text.length - line.text.slice(match[0].length).trimStart().length;
      const rest = line.text.slice(restAt);
      this.i++;
      if (rest === '' || rest[0] === '#') out[key] = this.nestedValue(indent, childPath);
      else out[key] = this.inline(rest, line, line.indent + restAt, childPath);
    }
    return out;
  }

  /** The value of `key:` with nothing after it on its line. */
  private nestedValue(indent: number, path: PathSegment[]): unknown {
    const next = this.lines[this.i];
    if (!next || next.indent < indent) return null;
    if (next.indent === indent) return isSeqEntry(next.text) ? this.seq(indent, path) : null;
    if (isSeqEntry(next.text)) return this.seq(next.indent, path);
    if (!KEY.test(next.text)) outside();
    return this.map(next.indent, path);
  }

  private seq(indent: number, path: PathSegment[]): unknown[] {
    const out: unknown[] = [];
    for (let line = this.lines[this.i]; line && line.indent >= indent; line = this.lines[this.i]) {
      if (line.indent > indent) outside();
      if (!isSeqEntry(line.text)) break;
      const restAt = line.text.length - line.text.slice(1).trimStart().length;
      const rest = line.text.slice(restAt);
      if (rest === '' || rest[0] === '#' || isSeqEntry(rest)) outside();
      const column = line.indent + restAt;
      const childPath = [...path, out.length];
      this.sourceMap.set(childPath, { line: line.no, column: column + 1 });
      if (KEY.test(rest)) {
        // A compact mapping: its keys sit at the column of the first one.
        this.lines[this.i] = { no: line.no, indent: column, text: rest };
        out.push(this.map(column, childPath));
      } else {
        this.i++;
        out.push(this.inline(rest, line, column, childPath));
      }
    }
    return out;
  }

  /** A scalar or flow sequence that fills the rest of `line` from `column` (0-based). */
  private inline(text: string, line: Line, column: number, path: PathSegment[]): unknown {
    if (text[0] === '[') {
      const { items, end } = this.flowSeq(text, line, column, path);
      if (!REST_OF_LINE.test(text.slice(end))) outside();
      return items;
    }
    if (text[0] === "'" || text[0] === '"') {
      const { value, end } = quoted(text, 0);
      if (!REST_OF_LINE.test(text.slice(end))) outside();
      return value;
    }
    const comment = text.indexOf(' #');
    const plain = (comment === -1 ? text : text.slice(0, comment)).trimEnd();
    checkPlain(plain);
    return plainScalar(plain, path);
  }

  private flowSeq(text: string, line: Line, column: number, path: PathSegment[]): { items: unknown[]; end: number } {
    const items: unknown[] = [];
    let k = 1;
    const skipSpaces = (): void => {
      while (text[k] === ' ') k++;
    };
    skipSpaces();
    if (text[k] === ']') return { items, end: k + 1 };
    for (;;) {
      skipSpaces();
      const childPath = [...path, items.length];
      this.sourceMap.set(childPath, { line: line.no, column: column + k + 1 });
      if (text[k] === "'" || text[k] === '"') {
        const { value, end } = quoted(text, k);
        items.push(value);
        k = end;
      } else {
        let end = k;
        while (end < text.length && !',]'.includes(text[end] as string)) end++;
        const plain = text.slice(k, end).trimEnd();
        if (/[#:]/.test(plain)) outside();
        checkPlain(plain);
        items.push(plainScalar(plain, childPath));
        k = end;
      }
      skipSpaces();
      if (text[k] === ']') return { items, end: k + 1 };
      if (text[k] !== ',') outside();
      k++;
      skipSpaces();
      if (text[k] === ']' || text[k] === ',') outside(); // trailing or empty entries: left to yaml
    }
  }
}

function isSeqEntry(text: string): boolean {
  return text[0] === '-' && (text.length === 1 || text[1] === ' ');
}

/** A quoted scalar starting at `start` that closes on the same line; escapes are left to yaml. */
function quoted(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  for (let k = start + 1; k < text.length; k++) {
    const ch = text[k] as string;
    if (ch.charCodeAt(0) < 0x20) outside();
    if (ch === quote) {
      if (quote === "'" && text[k + 1] === "'") {
        value += "'";
        k++;
        continue;
      }
      return { value, end: k + 1 };
    }
    if (ch === '\\' && quote === '"') outside();
    value += ch;
  }
  return outside();
}

/** Splits the text into its content lines (no blank or comment-only lines), or leaves the subset. */
function contentLines(text: string): Line[] {
  if (text.includes('\t') || text.includes('\r') || UNUSUAL_CHARACTER.test(text)) outside();
  const lines: Line[] = [];
  const raw = text.split('\n');
  for (let n = 0; n < raw.length; n++) {
    const s = raw[n] as string;
    let indent = 0;
    while (s.charCodeAt(indent) === 0x20) indent++;
    if (indent === s.length || s[indent] === '#') continue;
    if (indent === 0 && (s.startsWith('---') || s.startsWith('...') || s[0] === '%')) {
      if (s.trimEnd() !== '---' || lines.length > 0 || sawDocumentStart(raw, n)) outside();
      continue;
    }
    lines.push({ no: n + 1, indent, text: s.slice(indent).trimEnd() });
  }
  return lines;
}

function sawDocumentStart(raw: string[], before: number): boolean {
  return raw.slice(0, before).some((s) => s.startsWith('---'));
}

/**
 * The manifest text read as data with its source map, when it is within the subset (see above); undefined when
 * it is not, and the caller must read it with the `yaml` package.
 */
export function readYamlSubset(text: string): { data: Record<string, unknown>; sourceMap: SourceMap } | undefined {
  try {
    const reader = new Reader(contentLines(text));
    const data = reader.read();
    return { data, sourceMap: reader.sourceMap };
  } catch (err) {
    // RangeError: nesting too deep for this recursive reader; yaml reports it as it always did.
    if (err === OUTSIDE || err instanceof RangeError) return undefined;
    throw err;
  }
}
