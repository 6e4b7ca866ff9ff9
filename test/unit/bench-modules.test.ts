// Every module bench/run.mjs lists exports bench({ quick, log }) and does nothing on import (each also runs
// alone as a script; the run must start only when it is the script Node was started with). Also checks row().
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const benchDir = join(import.meta.dirname, '..', '..', 'bench');

function registeredModules(): string[] {
  const source = readFileSync(join(benchDir, 'run.mjs'), 'utf8');
  const list = /const MODULES = \[([\s\S]*?)\];/.exec(source)?.[1];
  if (!list) throw new Error('MODULES not found in bench/run.mjs');
  return [...list.matchAll(/^\s*'([\w-]+)',/gm)].map((m) => m[1]);
}

describe('bench modules', () => {
  const names = registeredModules();

  it('registers the converted issue 9–12 benches', () => {
    for (const name of ['lattice-query', 'dev-reload', 'keyvalue', 'async-host-calls', 'wrpc-roundtrip', 'oci-pull']) {
      expect(names).toContain(name);
    }
  });

  it.each(names)('%s exports bench() and starts nothing when imported', async (name) => {
    const stdout = process.stdout.write;
    let printed = '';
    process.stdout.write = ((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      const mod = await import(pathToFileURL(join(benchDir, `${name}.mjs`)).href);
      expect(typeof mod.bench).toBe('function');
    } finally {
      process.stdout.write = stdout;
    }
    // A module that ran on import would have printed its JSON document.
    expect(printed).toBe('');
  });
});

describe('row()', () => {
  it('computes the ratio and pass/fail from a ratio target', async () => {
    const { row } = await import(pathToFileURL(join(benchDir, 'lib', 'rows.mjs')).href);
    const r = row({
      name: 'x',
      value: 300,
      unit: 'ms',
      baseline: 100,
      baselineName: 'node -e 0',
      target: { on: 'ratio', op: '<=', limit: 2 },
    });
    expect(r).toMatchObject({ ratio: 3, pass: false, target: 'ratio ≤ 2', baseline_name: 'node -e 0' });
    const zero = row({ name: 'failed', value: 0, unit: 'requests', target: { on: 'value', op: '<=', limit: 0 } });
    expect(zero).toMatchObject({ ratio: null, pass: true, baseline: null });
    expect(
      row({ name: 'missing', value: undefined, unit: 'ms', target: { on: 'value', op: '<=', limit: 1 } }).pass,
    ).toBeNull();
  });
});
