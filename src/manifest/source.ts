/**
 * Reading manifest text: YAML or JSON into plain data, with a source map from field paths to lines, size and
 * alias-bomb limits, and syntax errors as findings (file line:column, never hidden behind another parser's error).
 *
 * YAML in the plain subset manifests are written in is read by yaml-subset.ts (same data and positions, a fraction
 * of the start-up cost); anything else by the `yaml` package (parseYamlDocument). Loads `yaml` at import time
 * (the bundles defer it to first use: lazyYaml in scripts/bundle-cli.mjs): import this module lazily from anything
 * a command loads at start-up.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { MANIFEST_MAX_ALIAS_COUNT, MANIFEST_MAX_BYTES } from './constants.js';
import type { Finding } from './findings.js';
import type { PathSegment } from './paths.js';
import { SourceMap, type SourcePosition } from './source-map.js';
import { readYamlSubset } from './yaml-subset.js';

export { SourceMap, type SourcePosition } from './source-map.js';

export type SourceFormat = 'yaml' | 'json';

export interface ManifestSource {
  /** The parsed data; undefined when the text could not be read at all. */
  data?: unknown;
  format: SourceFormat;
  sourceMap: SourceMap;
  /** Size, syntax and alias findings (errors make `data` undefined). */
  findings: Finding[];
}

function positionAt(counter: LineCounter, offset: number): SourcePosition {
  const { line, col } = counter.linePos(offset);
  return { line: Math.max(line, 1), column: Math.max(col, 1) };
}

function offsetToPosition(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function syntaxFinding(msg: string, pos?: SourcePosition, level: Finding['level'] = 'Error'): Finding {
  return { level, msg, path: '', ...(pos ? { line: pos.line, column: pos.column } : {}) };
}

/** Walks the YAML tree (aliases are not followed) recording where each map key and sequence item starts. */
function buildSourceMap(doc: Document, counter: LineCounter): SourceMap {
  const map = new SourceMap();
  const visit = (node: unknown, path: PathSegment[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const childPath = [...path, key];
        const start = keyNode?.range?.[0] ?? (pair.value as YamlNode | null)?.range?.[0];
        if (start !== undefined) map.set(childPath, positionAt(counter, start));
        visit(pair.value, childPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const childPath = [...path, index];
        const start = (item as YamlNode | null)?.range?.[0];
        if (start !== undefined) map.set(childPath, positionAt(counter, start));
        visit(item, childPath);
      });
    }
  };
  const root = doc.contents as YamlNode | null;
  if (root?.range) map.set([], positionAt(counter, root.range[0]));
  visit(root, []);
  return map;
}

/**
 * wadm reads metadata straight from YAML, where an unquoted scalar still deserialises into a string field
 * (`version: 1.0` is the string "1.0"). Keep the source text for those scalars so nothing is lost to number
 * conversion. Everything below `spec` is read strictly by wadm, so it stays strict here too.
 */
function keepMetadataScalarsAsText(doc: Document): void {
  const asText = (node: unknown): void => {
    if (!isScalar(node) || node.type !== 'PLAIN' || node.tag !== undefined || typeof node.source !== 'string') return;
    if (typeof node.value === 'number' || typeof node.value === 'boolean') node.value = node.source;
  };
  const metadata = doc.get('metadata', true);
  if (!isMap(metadata)) return;
  asText(metadata.get('name', true));
  for (const key of ['annotations', 'labels']) {
    const entries = metadata.get(key, true);
    if (isMap(entries)) for (const pair of entries.items) asText(pair.value);
  }
}

/** Reads YAML text with the `yaml` package (readManifestSource first tries the subset reader, yaml-subset.ts). */
export function parseYamlDocument(text: string): ManifestSource {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const findings: Finding[] = [];
  for (const err of doc.errors)
    findings.push(syntaxFinding(`YAML syntax error: ${err.message}`, positionAt(counter, err.pos[0])));
  for (const warn of doc.warnings)
    findings.push(syntaxFinding(`YAML: ${warn.message}`, positionAt(counter, warn.pos[0]), 'Warning'));
  const sourceMap = buildSourceMap(doc, counter);
  if (doc.errors.length > 0) return { format: 'yaml', sourceMap, findings };
  keepMetadataScalarsAsText(doc);
  try {
    const data = doc.toJS({ maxAliasCount: MANIFEST_MAX_ALIAS_COUNT });
    return { data, format: 'yaml', sourceMap, findings };
  } catch (err) {
    const msg =
      err instanceof ReferenceError && /alias/i.test(err.message)
        ? `refusing to expand YAML aliases: more than ${MANIFEST_MAX_ALIAS_COUNT} expansions (a resource exhaustion attack, or a manifest that should not use anchors this way)`
        : `could not read the YAML document: ${(err as Error).message}`;
    findings.push(syntaxFinding(msg));
    return { format: 'yaml', sourceMap, findings };
  }
}

interface JsonSyntaxError {
  offset: number;
  message: string;
}

/** Finds where JSON text stops being valid (JSON.parse does not always say). */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (message: string): never => {
    throw { offset: i, message } satisfies JsonSyntaxError;
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const ch = text[i];
      if (ch === '"') {
        i++;
        return;
      }
      if (ch === '\\') {
        const next = text[i + 1];
        if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else fail('invalid escape sequence in string');
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) fail('control character in string (escape it)');
      i++;
    }
  };
  const numberRe = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === undefined) fail('unexpected end of input');
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a double-quoted property name');
        string();
        ws();
        if (text[i] !== ':') fail("expected ':' after the property name");
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(
          i >= text.length
            ? "unexpected end of input: expected ',' or '}'"
            : "expected ',' or '}' after the property value",
        );
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(
          i >= text.length
            ? "unexpected end of input: expected ',' or ']'"
            : "expected ',' or ']' after the array element",
        );
      }
    }
    if (ch === '"') {
      string();
      return;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      numberRe.lastIndex = i;
      if (!numberRe.test(text)) fail('invalid number');
      i = numberRe.lastIndex;
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    fail(`unexpected character ${JSON.stringify(ch)}`);
  };
  try {
    value();
    ws();
    if (i < text.length) fail('unexpected text after the JSON value');
    return undefined;
  } catch (err) {
    if (err instanceof RangeError) return undefined; // nesting too deep for this scanner
    return err as JsonSyntaxError;
  }
}

function parseJson(text: string): ManifestSource {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const located = locateJsonError(text);
    const msg = located ? `JSON syntax error: ${located.message}` : `JSON syntax error: ${(err as Error).message}`;
    const pos = located ? offsetToPosition(text, located.offset) : undefined;
    return { format: 'json', sourceMap: new SourceMap(), findings: [syntaxFinding(msg, pos)] };
  }
  // JSON is YAML: a second, tolerant parse gives the line numbers.
  const counter = new LineCounter();
  let sourceMap = new SourceMap();
  try {
    sourceMap = buildSourceMap(parseDocument(text, { lineCounter: counter, uniqueKeys: false }), counter);
  } catch {
    // line numbers are a convenience; the data is already read
  }
  return { data, format: 'json', sourceMap, findings: [] };
}

/**
 * JSON when the text opens an object whose first key is double-quoted (or that is empty). Such a file gets exact
 * JSON errors and no YAML second chance, which would quietly read a typo like `"kind": tru` as a string.
 * `{apiVersion: ...}` is YAML flow style and is read as YAML.
 */
function looksLikeJson(text: string): boolean {
  return /^\s*\{\s*("|\}|$)/.test(text);
}

/** Reads manifest text: JSON when it looks like JSON (see looksLikeJson), otherwise YAML. */
export function readManifestSource(input: string): ManifestSource {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MANIFEST_MAX_BYTES) {
    return {
      format: 'yaml',
      sourceMap: new SourceMap(),
      findings: [
        syntaxFinding(
          `manifest is too large: ${bytes} bytes, the limit is ${MANIFEST_MAX_BYTES} bytes (MANIFEST_MAX_BYTES)`,
        ),
      ],
    };
  }
  if (looksLikeJson(text)) return parseJson(text);
  const subset = readYamlSubset(text);
  if (subset) return { data: subset.data, format: 'yaml', sourceMap: subset.sourceMap, findings: [] };
  return parseYamlDocument(text);
}
