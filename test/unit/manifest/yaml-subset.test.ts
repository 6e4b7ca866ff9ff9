/**
 * The subset reader (src/manifest/yaml-subset.ts) must give exactly what the `yaml` package path gives — data,
 * key order, and every source-map position — or decline. Compared on every manifest we have (test/fixtures,
 * bench/fixtures, templates, the wadm peer fixtures) and on generated variants, including each construct that
 * must fall back.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYamlDocument, readManifestSource } from '../../../src/manifest/source.js';
import { readYamlSubset } from '../../../src/manifest/yaml-subset.js';
import { PEER_FIXTURES_ROOT } from '../../helpers/peer-fixtures.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');

function yamlFiles(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(yamlFiles(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

const roots = [join(repo, 'test', 'fixtures'), join(repo, 'bench', 'fixtures'), join(repo, 'templates')];
if (PEER_FIXTURES_ROOT) roots.push(join(PEER_FIXTURES_ROOT, 'wadm'));
const files = roots.flatMap(yamlFiles).sort();

/** Asserts the subset reader agrees with yaml on `text`; returns whether it read it (false: it declined). */
function agrees(text: string): boolean {
  const subset = readYamlSubset(text);
  if (!subset) return false;
  const reference = parseYamlDocument(text);
  expect(reference.findings).toEqual([]);
  expect(JSON.stringify(subset.data)).toBe(JSON.stringify(reference.data));
  expect(subset.data).toStrictEqual(reference.data);
  expect(subset.sourceMap.entries()).toEqual(reference.sourceMap.entries());
  return true;
}

describe('yaml subset reader', () => {
  it('finds the manifests', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [f.replace(`${repo}/`, '')]))('agrees with yaml (or declines) on %s', (file) => {
    const path = file.startsWith('/') ? file : join(repo, file);
    const text = readFileSync(path, 'utf8');
    if (!agrees(text)) expect(parseYamlDocument(text)).toBeDefined();
  });

  it('reads the manifests the benchmark and template use', () => {
    expect(agrees(readFileSync(join(repo, 'bench', 'fixtures', 'three-components.yaml'), 'utf8'))).toBe(true);
    expect(agrees(readFileSync(join(repo, 'templates', 'hello', 'wadm.yaml'), 'utf8'))).toBe(true);
  });

  const read = [
    'a: 1\nb: two\n',
    '---\n# c\na: 1 # trailing\n\n  # indented comment\nb:\n  c: d\n',
    'a:\n- x\n- y\nb: z\n',
    'a:\n  - x\n  -   k: v\n      l: w\n',
    "a: 'it''s'\nb: \"q # not a comment\"\nc: ''\n",
    'a: [x, y , "z", \'w\']\nb: []\nc: [ x ]\n',
    'a: 0\nb: 007\nc: 123456789012345\nd: true\ne: False\nf: ~\ng: null\nh:\ni: NULL\n',
    'a: 1.0.0\nb: v1\nc: 127.0.0.1:8000\nd: file://./x.wasm\ne: a,b\nf: a#b\n',
    'metadata:\n  name: 1\n  annotations:\n    version: 1.0\n    on: true\n    n: ~\n  labels:\n    x: 0x1f\n',
    'spec:\n  metadata:\n    name: 12\n',
    'a:\n  b:\n    c:\n      - d: 1\n        e:\n        - f\n  g: h\n',
    '  a: 1\n  b: 2\n',
    'a: x y  z   \n',
    'a: caf\u00e9 \u00fcber \u65e5\u672c\n',
  ];
  it.each(read.map((t) => [t]))('reads %j as yaml does', (text) => {
    expect(agrees(text)).toBe(true);
  });

  const declined = {
    anchor: 'a: &x 1\nb: *x\n',
    tag: 'a: !!str 1\n',
    'flow mapping': 'a: {b: 1}\n',
    'block scalar': 'a: |\n  text\n',
    'folded scalar': 'a: >\n  text\n',
    'multi-line plain scalar': 'a: one\n  two\n',
    'multi-line quoted scalar': 'a: "one\n  two"\n',
    'multi-line flow sequence': 'a: [x,\n  y]\n',
    escape: 'a: "x\\ny"\n',
    'duplicate key': 'a: 1\na: 2\n',
    tab: 'a:\t1\n',
    CR: 'a: 1\r\nb: 2\r\n',
    'no-break space': 'a: b\u00a0\n',
    'next line (NEL)': 'a: b\u0085c\n',
    'line separator': 'a: b\u2028c: d\n',
    'control character': 'a: b\u0001\n',
    'byte order mark inside': 'a: 1\n\ufeffb: 2\n',
    directive: '%YAML 1.2\n---\na: 1\n',
    'two documents': 'a: 1\n---\nb: 2\n',
    'document end': 'a: 1\n...\n',
    float: 'a: 1.5\n',
    exponent: 'a: 1e3\n',
    'signed integer': 'a: -1\n',
    hex: 'a: 0x10\n',
    octal: 'a: 0o7\n',
    infinity: 'a: .inf\n',
    'long integer': 'a: 1234567890123456\n',
    'quoted key': '"a": 1\n',
    'complex key': '? a\n: 1\n',
    'null key': 'null: 1\n',
    'bool key': 'true: 1\n',
    'proto key': '__proto__: 1\n',
    'merge key': 'a: 1\n<<: {b: 2}\n',
    'plain starting with a dash': 'a: -x\n',
    'root sequence': '- a\n',
    'root scalar': 'a\n',
    empty: '',
    'comments only': '# nothing\n',
    'nested sequence entry': 'a:\n  - - x\n',
    'empty sequence entry': 'a:\n  -\n  - x\n',
    'bad indentation': 'a:\n    b: 1\n  c: 2\n',
    'nested mapping on one line': 'a: b: c\n',
    'flow trailing comma': 'a: [x, ]\n',
    'flow item with colon': 'a: [x:y]\n',
    'text after quote': 'a: "x" y\n',
    'plain with bracket': 'a: x]\n',
    'plain starting with indicator': 'a: @x\n',
    'value then deeper key': 'a: 1\n  b: 2\n',
    'sequence inside mapping at its indentation': 'a: 1\n- x\n',
    'nesting deeper than the stack': Array.from({ length: 20_000 }, (_, n) => `${' '.repeat(n)}k:`).join('\n'),
  };
  it.each(Object.entries(declined))('declines (leaves to yaml): %s', (_name, text) => {
    expect(readYamlSubset(text)).toBeUndefined();
  });

  // Line-by-line mutations of real manifests: whatever the subset reader accepts, yaml must read without a
  // finding and to the same data and positions.
  const mutations: Array<(line: string) => string> = [
    (l) => ` ${l}`,
    (l) => l.slice(1),
    (l) => `${l} # c`,
    (l) => `${l}:`,
    (l) => `${l} x`,
    (l) => l.replace(/:( |$).*/, ':'),
    ...['1.0', 'yes', '-1', '12', 'true', '"a b"', "'c'", '[a, b]', '[]', '~', 'a: b', '- x', '"', '[a'].map(
      (v) => (l: string) => l.replace(/: .*/, `: ${v}`),
    ),
  ];
  const mutated = files
    .filter((f) => /three-components|templates\/hello|manifests\/(simple|all_)/.test(f))
    .map((f) => readFileSync(f, 'utf8'));
  it('agrees with yaml (or declines) on mutated manifests', () => {
    expect(mutated.length).toBeGreaterThan(2);
    let read = 0;
    let cases = 0;
    for (const text of mutated) {
      const lines = text.split('\n');
      lines.forEach((line, n) => {
        for (const mutate of mutations) {
          const copy = [...lines];
          copy[n] = mutate(line);
          cases++;
          if (agrees(copy.join('\n'))) read++;
        }
      });
    }
    expect(read).toBeGreaterThan(cases / 4);
    expect(read).toBeLessThan(cases);
  });

  it('readManifestSource gives the same result either way', () => {
    const text = readFileSync(join(repo, 'templates', 'hello', 'wadm.yaml'), 'utf8');
    const viaSubset = readManifestSource(text);
    const viaYaml = parseYamlDocument(text);
    expect(viaSubset.data).toStrictEqual(viaYaml.data);
    expect(viaSubset.sourceMap.entries()).toEqual(viaYaml.sourceMap.entries());
    expect(viaSubset.findings).toEqual(viaYaml.findings);
  });
});
