/**
 * `wash build` release path for TypeScript: esbuild + componentize-js against the template's WIT world (slow:
 * 15 s to minutes on a loaded 2-core machine). The result exports wasi:http/incoming-handler and answers HTTP
 * when run by the wash component runtime.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ComponentRuntime, HttpIngress } from '../../../src/host/runtime/index.js';
import { freePort } from '../../../src/up/nats-server.js';
import { runWash } from '../../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wash-build-release-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wash build (TypeScript, release)', () => {
  it('builds a component that serves the template response', async () => {
    const made = await runWash([
      'new',
      'component',
      'rel',
      '-t',
      'hello-world-typescript',
      '--path',
      dir,
      '-o',
      'json',
    ]);
    const projectDir = made.json.project_path as string;
    const built = await runWash(['build', '-o', 'json'], { cwd: projectDir, timeoutMs: 600_000 });
    expect(built.code).toBe(0);
    expect(built.json).toMatchObject({
      component_path: join(projectDir, 'build', 'rel.wasm'),
      built: true,
      success: true,
    });
    const inspected = await runWash(['inspect', built.json.component_path, '-o', 'json']);
    expect(inspected.json.exports).toContain('wasi:http/incoming-handler@0.2.10');

    const cacheDir = join(dir, 'cache');
    const runtime = new ComponentRuntime({ cacheDir });
    const ingress = new HttpIngress();
    try {
      const running = await runtime.start(await runtime.load(new Uint8Array(readFileSync(built.json.component_path))), {
        componentId: 'rel',
        maxInstances: 1,
        capabilities: { config: () => ({}) },
      });
      const address = `127.0.0.1:${await freePort()}`;
      await ingress.listen(address);
      ingress.route(address, () => running);
      expect(await (await fetch(`http://${address}/`)).text()).toBe('Hello from TypeScript!\n');
    } finally {
      await ingress.close();
      await runtime.close();
    }
  }, 900_000);
});
