/**
 * The developer loop as a user runs it: wash new → wash dev (starting NATS + host + wadm itself) → curl v1 →
 * edit → v2 while a request loop sees zero failures → syntax error (old version keeps serving) → fix → v3 →
 * Ctrl+C leaves nothing running.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devEnv, startDev, untilBody, type DevProcess } from './dev-process.js';
import { requireBuild, type WashEnv } from '../up/wash-env.js';

describe('wash dev (TypeScript template, child process)', () => {
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

  it('serves v1, hot-reloads v2 and v3 with zero failed requests, survives a syntax error, stops cleanly', async () => {
    const created = await env.run([
      'new',
      'component',
      'hello',
      '--template',
      'hello-world-typescript',
      '--path',
      env.dataDir,
      '-o',
      'json',
    ]);
    expect(created.code).toBe(0);
    const projectDir = created.json!.project_path as string;
    const source = join(projectDir, 'src', 'index.ts');

    const started = await startDev(env, projectDir);
    dev = started.dev;
    const url = `http://${started.address}/`;
    const ready = await dev.next((e) => e.event === 'started', 600_000);
    expect(ready).toMatchObject({ engine: 'dev-engine', urls: [url], lattice_started: true, placeholders: [] });
    expect(await (await fetch(url)).text()).toBe('Hello from TypeScript!\n');

    // A request loop running through every reload.
    let requests = 0;
    const failures: string[] = [];
    let looping = true;
    const loop = (async () => {
      while (looping) {
        try {
          const res = await fetch(url);
          const body = await res.text();
          if (res.status !== 200 || !body.startsWith('Hello')) failures.push(`${res.status} ${body}`);
        } catch (err) {
          failures.push(String(err));
        }
        requests++;
      }
    })();

    // Each phase waits for the loop to have made more requests (a condition, not a sleep).
    const moreRequests = async (n: number) => {
      const target = requests + n;
      while (requests < target) await new Promise((r) => setTimeout(r, 20));
    };
    await moreRequests(10);
    const edit = (from: string, to: string) => writeFileSync(source, readFileSync(source, 'utf8').replace(from, to));
    let mark = dev.events.length;
    edit('Hello from TypeScript!', 'Hello v2');
    expect(await untilBody(url, (b) => b === 'Hello v2\n', 30_000)).toBe('Hello v2\n');
    const reloaded = await dev.next((e) => e.event === 'reloaded', 30_000, mark);
    expect(reloaded).toMatchObject({ kind: 'source', changed: ['src/index.ts'] });
    await moreRequests(10);

    mark = dev.events.length;
    writeFileSync(source, readFileSync(source, 'utf8') + '\nexport const broken = ;\n');
    const failed = await dev.next((e) => e.event === 'build_failed', 30_000, mark);
    expect(failed.error).toMatch(/src\/index\.ts:\d+:\d+: Unexpected ";"/);
    expect(await (await fetch(url)).text()).toBe('Hello v2\n');
    await moreRequests(10);

    writeFileSync(
      source,
      readFileSync(source, 'utf8').replace('\nexport const broken = ;\n', '').replace('Hello v2', 'Hello v3'),
    );
    expect(await untilBody(url, (b) => b === 'Hello v3\n', 30_000)).toBe('Hello v3\n');
    await moreRequests(10);

    looping = false;
    await loop;
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThanOrEqual(40);

    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(dev.events.at(-1)).toMatchObject({ event: 'stopped', lattice_stopped: true });
    // Every stdout line was a JSON event (parsed above); nothing else.
    expect(dev.events.map((e) => e.event)).toEqual(
      expect.arrayContaining(['started', 'reloaded', 'build_failed', 'stopped']),
    );
    await expect(fetch(url)).rejects.toThrow();
    expect(await env.natsReachable()).toBe(false);
    const { scanLocalState } = await import('../../../src/up/state.js');
    const state = scanLocalState(env.paths);
    expect(state.hosts).toEqual([]);
  }, 900_000);
});
