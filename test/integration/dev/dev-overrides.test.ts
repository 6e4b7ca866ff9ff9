/**
 * Overrides and generated manifests, through the real CLI: a JavaScript (FetchEvent) project whose world also
 * imports a custom interface resolved from a `file://` pull source. The export override moves the listen
 * address; the custom import becomes a placeholder with a paste-ready snippet; the manifest written to
 * --manifest-output-dir passes `wash app validate` and deploys unchanged with `wash app deploy`.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/up/nats-server.js';
import { devEnv, startDev, untilBody, type DevProcess } from './dev-process.js';
import { requireBuild, type WashEnv } from '../up/wash-env.js';

describe('wash dev overrides (JavaScript template, custom interface)', () => {
  let env: WashEnv;
  let dev: DevProcess | undefined;

  beforeAll(async () => {
    requireBuild();
    env = await devEnv();
  });
  afterAll(async () => {
    if (dev && dev.child.exitCode === null) dev.child.kill('SIGKILL');
    await env?.cleanup();
  });

  it('export override sets the address, custom import gets a placeholder, written manifest validates and deploys', async () => {
    const created = await env.run([
      'new',
      'component',
      'shop',
      '-t',
      'hello-world-javascript',
      '--path',
      env.dataDir,
      '-o',
      'json',
    ]);
    expect(created.code).toBe(0);
    const projectDir = created.json!.project_path as string;
    mkdirSync(join(projectDir, 'extra'));
    writeFileSync(
      join(projectDir, 'extra', 'inventory.wit'),
      'package acme:inventory@0.1.0;\n\ninterface lookup {\n  find: func(sku: string) -> option<string>;\n}\n',
    );
    const world = join(projectDir, 'wit', 'world.wit');
    writeFileSync(
      world,
      readFileSync(world, 'utf8').replace('world hello {', 'world hello {\n  import acme:inventory/lookup@0.1.0;'),
    );
    const port = await freePort();
    writeFileSync(
      join(projectDir, 'wasmcloud.toml'),
      readFileSync(join(projectDir, 'wasmcloud.toml'), 'utf8') +
        `\n[[registry.pull.sources]]\ntarget = "acme:inventory"\nsource = "file://extra/inventory.wit"\n` +
        `\n[[dev.overrides.exports]]\ninterface = "wasi:http/incoming-handler@0.2.10"\nlink_config = { values = { address = "127.0.0.1:${port}" } }\n`,
    );
    const outDir = join(env.dataDir, 'manifests');
    mkdirSync(outDir);

    ({ dev } = await startDev(env, projectDir, ['--manifest-output-dir', outDir], { httpAddressFlag: false }));
    const ready = await dev.next((e) => e.event === 'started', 600_000);
    expect(existsSync(join(projectDir, 'wit', 'deps', 'acme-inventory', 'inventory.wit'))).toBe(true);
    expect(ready.urls).toEqual([`http://127.0.0.1:${port}/`]);
    expect(ready.placeholders).toEqual([
      {
        direction: 'import',
        interfaces: ['acme:inventory/lookup@0.1.0'],
        snippet: expect.stringContaining('[[dev.overrides.imports]]\ninterface = "acme:inventory/lookup@0.1.0"'),
      },
    ]);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('Hello from JavaScript!\n');

    const manifestPath = ready.manifest_path as string;
    expect(manifestPath).toBe(join(outDir, `${ready.app}.yaml`));
    const yaml = readFileSync(manifestPath, 'utf8');
    expect(yaml).toContain('# PLACEHOLDER (import) acme:inventory/lookup@0.1.0');
    const validate = await env.run(['app', 'validate', manifestPath, '-o', 'json']);
    expect(validate.json).toMatchObject({ valid: true, errors: [] });
    const deploy = await env.run(['app', 'deploy', manifestPath, '--ctl-port', String(env.port), '-o', 'json']);
    expect(deploy.code).toBe(0);
    expect(await untilBody(`http://127.0.0.1:${port}/`, (b) => b === 'Hello from JavaScript!\n', 30_000)).toBe(
      'Hello from JavaScript!\n',
    );

    // FetchEvent code reloads like the handler style.
    const source = join(projectDir, 'src', 'index.js');
    writeFileSync(source, readFileSync(source, 'utf8').replace('Hello from JavaScript!', 'Hello again'));
    expect(await untilBody(`http://127.0.0.1:${port}/`, (b) => b === 'Hello again\n', 30_000)).toBe('Hello again\n');

    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(await env.natsReachable()).toBe(false);
  }, 900_000);
});
