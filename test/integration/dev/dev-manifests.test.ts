/** `[dev].manifests`: wash dev deploys the project's own manifest with the dev build swapped in, and reloads. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/up/nats-server.js';
import { devEnv, startDev, untilBody, type DevProcess } from './dev-process.js';
import { requireBuild, type WashEnv } from '../up/wash-env.js';

describe('wash dev with [dev].manifests', () => {
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

  it('deploys the own manifest (its http address) and hot-reloads the code', async () => {
    const created = await env.run([
      'new',
      'component',
      'own',
      '-t',
      'hello-world-typescript',
      '--path',
      env.dataDir,
      '-o',
      'json',
    ]);
    const projectDir = created.json!.project_path as string;
    const port = await freePort();
    writeFileSync(
      join(projectDir, 'wadm.yaml'),
      `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: own-app
  annotations: { description: my own manifest }
spec:
  components:
    - name: api
      type: component
      properties: { image: ghcr.io/acme/own:0.1.0 }
      traits:
        - type: spreadscaler
          properties: { instances: 1 }
    - name: httpserver
      type: capability
      properties: { image: ghcr.io/wasmcloud/http-server:0.24.0 }
      traits:
        - type: link
          properties:
            namespace: wasi
            package: http
            interfaces: [incoming-handler]
            target: { name: api }
            source: { config: [{ name: own-http, properties: { address: 127.0.0.1:${port} } }] }
`,
    );
    writeFileSync(
      join(projectDir, 'wasmcloud.toml'),
      readFileSync(join(projectDir, 'wasmcloud.toml'), 'utf8') +
        '\n[dev]\nmanifests = [{ component_name = "api", path = "wadm.yaml" }]\n',
    );
    ({ dev } = await startDev(env, projectDir, [], { httpAddressFlag: false }));
    const ready = await dev.next((e) => e.event === 'started', 600_000);
    expect(ready).toMatchObject({ app: 'own-app', urls: [`http://127.0.0.1:${port}/`] });
    const url = `http://127.0.0.1:${port}/`;
    expect(await (await fetch(url)).text()).toBe('Hello from TypeScript!\n');
    const source = join(projectDir, 'src', 'index.ts');
    writeFileSync(source, readFileSync(source, 'utf8').replace('Hello from TypeScript!', 'Own v2'));
    expect(await untilBody(url, (b) => b === 'Own v2\n', 30_000)).toBe('Own v2\n');
    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(await env.natsReachable()).toBe(false);
  }, 900_000);
});
