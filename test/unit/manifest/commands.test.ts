/** `wash app validate` and `wash app schema`: output shapes, exit codes, user errors. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import AppSchema from '../../../src/commands/app/schema.js';
import AppValidate from '../../../src/commands/app/validate.js';
import { runCommandInProcess } from '../../helpers/run-command.js';
import { capability, manifestYaml, REPO_ROOT } from './helpers.js';

const run = (command: typeof AppValidate | typeof AppSchema, argv: string[]) =>
  runCommandInProcess(command, argv, REPO_ROOT);

let dir: string;
let good: string;
let bad: string;
let warned: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wash-app-validate-'));
  good = join(dir, 'good.yaml');
  bad = join(dir, 'bad.yaml');
  warned = join(dir, 'warned.yaml');
  writeFileSync(good, manifestYaml(capability('kv')));
  writeFileSync(bad, manifestYaml(`${capability('kv')}\n${capability('kv')}`));
  writeFileSync(
    warned,
    manifestYaml(
      `${capability('kv')}\n      traits:\n        - type: link\n          properties:\n            namespace: wasi\n            package: keyvalue\n            interfaces: [atomic]\n            target:\n              name: kv`,
    ),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wash app validate', () => {
  it('prints wash v1 JSON for one file, with path and line on each finding', async () => {
    const { stdout, exitCode } = await run(AppValidate, [warned, '-o', 'json']);
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      valid: true,
      warnings: [
        {
          level: 'Warning',
          msg: 'unrecognized interface [wasi:keyvalue/atomic]',
          path: 'spec.components[0].traits[0].properties.interfaces[0]',
          line: 18,
        },
      ],
      errors: [],
      success: true,
    });
  });

  it('exits 1 when a manifest is invalid, and reports several files with a files array', async () => {
    const { stdout, exitCode } = await run(AppValidate, [good, bad, '-o', 'json']);
    expect(exitCode).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc.valid).toBe(false);
    expect(doc.files.map((f: { file: string; valid: boolean }) => [f.file, f.valid])).toEqual([
      [good, true],
      [bad, false],
    ]);
    expect(doc.errors).toEqual([
      {
        file: bad,
        level: 'Error',
        msg: 'Duplicate component name in manifest: kv',
        path: 'spec.components[1].name',
        line: 13,
      },
    ]);
    expect(doc.success).toBe(true);
  });

  it('prints a text report with file:line per finding', async () => {
    const { stdout, exitCode } = await run(AppValidate, [bad, warned]);
    expect(exitCode).toBe(1);
    expect(stdout).toContain(
      `${bad}: invalid (1 error)\n  ${bad}:13: error: Duplicate component name in manifest: kv [spec.components[1].name]\n`,
    );
    expect(stdout).toContain(`${warned}: valid (1 warning)`);
    expect(stdout).toContain('1 of 2 manifests are invalid');
  });

  it('reports a YAML syntax error with file:line:column', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'metadata:\n\tname: x\n');
    const { stdout, exitCode } = await run(AppValidate, [broken]);
    expect(exitCode).toBe(1);
    expect(stdout).toContain(`${broken}:2:1: error: YAML syntax error: Tabs are not allowed as indentation`);
  });

  it('names a missing file in a JSON error on stderr', async () => {
    const { stdout, stderr, exitCode } = await run(AppValidate, [join(dir, 'nope.yaml'), '-o', 'json']);
    expect(stdout).toBe('');
    expect(exitCode).toBe(1);
    expect(JSON.parse(stderr)).toMatchObject({
      success: false,
      error: `manifest file not found: ${join(dir, 'nope.yaml')}`,
    });
  });
});

describe('wash app schema', () => {
  it('prints the schema itself in text mode and wraps it in JSON mode', async () => {
    const text = await run(AppSchema, []);
    const schema = JSON.parse(text.stdout);
    expect(schema.title).toBe('Manifest');
    const json = JSON.parse((await run(AppSchema, ['-o', 'json'])).stdout);
    expect(json).toEqual({ schema, success: true });
  });
});
