import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import {
  ComponentRuntime,
  HttpIngress,
  type LogLevel,
  type RunningComponent,
} from '../../../src/host/runtime/index.js';
import { ensureJsFixtures, FIXTURE_BODIES, fixturePath } from '../../helpers/fixtures.js';
import { buildProbeComponents, type ProbeName } from './probe-components.js';

interface LogLine {
  level: LogLevel;
  componentId: string;
  message: string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('component runtime over real HTTP', () => {
  let cacheDir: string;
  let runtime: ComponentRuntime;
  let ingress: HttpIngress;
  let probes: Record<ProbeName, Uint8Array>;
  const logs: LogLine[] = [];
  const config: Record<string, string> = { greeting: 'hello config' };

  beforeAll(async () => {
    await ensureJsFixtures();
    probes = await buildProbeComponents();
    cacheDir = mkdtempSync(join(tmpdir(), 'wash-runtime-test-'));
    runtime = new ComponentRuntime({
      cacheDir,
      maxExecutionTimeMs: 300,
      log: (level, componentId, message) => logs.push({ level, componentId, message }),
    });
    ingress = new HttpIngress();
  }, 240_000);

  afterAll(async () => {
    await ingress?.close();
    await runtime?.close();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  async function serve(
    bytes: Uint8Array,
    componentId: string,
    maxInstances = 4,
  ): Promise<{ url: string; running: RunningComponent }> {
    const component = await runtime.load(bytes);
    const running = await runtime.start(component, {
      componentId,
      maxInstances,
      capabilities: { config: () => config },
    });
    const address = `127.0.0.1:${await freePort()}`;
    await ingress.listen(address);
    ingress.route(address, () => running);
    return { url: `http://${address}`, running };
  }

  const fixture = (name: Parameters<typeof fixturePath>[0]) => new Uint8Array(readFileSync(fixturePath(name)));

  it('serves a minimal WAT component: 200 with the exact body', async () => {
    const { url, running } = await serve(fixture('http-hello-v1'), 'hello-v1');
    const res = await fetch(`${url}/anything?x=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe(FIXTURE_BODIES['http-hello-v1']);
    expect(running.stats()).toMatchObject({ style: 'reusable', served: 1, instances: 1 });
  });

  it('answers 500 when the guest traps, and keeps serving', async () => {
    const trap = await serve(fixture('http-trap'), 'trap');
    const hello = await serve(fixture('http-hello-v2'), 'hello-v2');
    for (let i = 0; i < 3; i++) {
      const res = await fetch(trap.url);
      expect(res.status).toBe(500);
      await res.text();
      const ok = await fetch(hello.url);
      expect(await ok.text()).toBe(FIXTURE_BODIES['http-hello-v2']);
    }
    expect(trap.running.stats()).toMatchObject({ failed: 3, served: 0 });
    expect(logs.some((l) => l.componentId === 'trap' && l.level === 'error' && /unreachable/.test(l.message))).toBe(
      true,
    );
  });

  it('serves a FetchEvent component for many sequential and concurrent requests', async () => {
    const { url, running } = await serve(fixture('js-hello-fetch'), 'js-fetch', 3);
    expect(running.stats().style).toBe('fetch-event');
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${url}/seq/${i}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(FIXTURE_BODIES['js-hello-fetch']);
    }
    const bodies = await Promise.all(
      Array.from({ length: 25 }, (_, i) => fetch(`${url}/par/${i}`).then(async (r) => `${r.status} ${await r.text()}`)),
    );
    expect(bodies).toEqual(Array(25).fill(`200 ${FIXTURE_BODIES['js-hello-fetch']}`));
    expect(running.stats()).toMatchObject({ served: 30, failed: 0 });
    expect(logs.some((l) => l.componentId === 'js-fetch' && /FetchEvent/.test(l.message))).toBe(true);
  });

  it('resets FetchEvent instances through the pages they wrote, missing none (checked against a full compare)', async () => {
    const verified = new ComponentRuntime({ cacheDir, verifyInstanceReset: true });
    const running = await verified.start(await verified.load(fixture('js-hello-fetch')), {
      componentId: 'js-fetch-verified',
      maxInstances: 2,
      capabilities: { config: () => ({}) },
    });
    const address = `127.0.0.1:${await freePort()}`;
    const own = new HttpIngress();
    try {
      await own.listen(address);
      own.route(address, () => running);
      expect(running.stats().instanceReset).toBe('written-pages');
      // Different paths, header sizes and bodies (a POST body is written into the guest by the host), in sequence
      // and concurrently: every answer comes from a fresh state, and no reset left a changed byte behind.
      for (let i = 0; i < 40; i++) {
        const post = i % 2 === 1;
        const res = await fetch(`http://${address}/${'p'.repeat(i * 13)}?i=${i}`, {
          method: post ? 'POST' : 'GET',
          headers: { 'x-filler': 'h'.repeat(i * 31) },
          body: post ? 'b'.repeat(i * 3001) : undefined,
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('x-requests-seen')).toBe('1');
        expect(res.headers.get('x-body-length')).toBe(post ? String(i * 3001) : null);
        expect(res.headers.get('x-paths-seen')).toBe(post ? '1' : null);
        await res.arrayBuffer();
      }
      const seen = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch(`http://${address}/par/${i}`, { method: 'POST', body: 'c'.repeat(i * 5000) }).then(
            async (r) => `${r.status} ${r.headers.get('x-requests-seen')} ${(await r.text()).length}`,
          ),
        ),
      );
      expect(seen).toEqual(Array(20).fill(`200 1 ${FIXTURE_BODIES['js-hello-fetch'].length}`));
      expect(running.stats()).toMatchObject({ served: 60, failed: 0, instanceResetMisses: 0 });
    } finally {
      await own.close();
      await verified.close();
    }
  });

  it('gives js-config its config values and captures its wasi:logging lines', async () => {
    const { url, running } = await serve(fixture('js-config'), 'js-config');
    const first = await fetch(`${url}/cfg`);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('hello config\n');
    expect(first.headers.get('x-config-store-greeting')).toBe('hello config');
    config.greeting = 'changed';
    const second = await fetch(`${url}/cfg2`);
    expect(await second.text()).toBe('changed\n');
    expect(second.headers.get('x-served')).toBe('2'); // the same instance served both
    expect(running.stats().style).toBe('reusable');
    const lines = logs.filter((l) => l.componentId === 'js-config' && l.level === 'info').map((l) => l.message);
    expect(lines).toContain('js-config: GET /cfg -> 200');
    expect(lines).toContain('js-config: GET /cfg2 -> 200');
  });

  it('swaps v1 → v2 under concurrent load with zero failed requests', async () => {
    const v1 = await runtime.start(await runtime.load(fixture('http-hello-v1')), {
      componentId: 'swap',
      maxInstances: 2,
      capabilities: { config: () => ({}) },
    });
    let current: RunningComponent = v1;
    const address = `127.0.0.1:${await freePort()}`;
    await ingress.listen(address);
    ingress.route(address, () => current);
    const seen: string[] = [];
    const afterSwap: string[] = [];
    const failures: string[] = [];
    let running = true;
    let swapped = false;
    const worker = async () => {
      while (running) {
        const startedAfterSwap = swapped;
        try {
          const res = await fetch(`http://${address}/`);
          const body = await res.text();
          if (res.status !== 200) failures.push(`${res.status} ${body}`);
          else (startedAfterSwap ? afterSwap : seen).push(body);
        } catch (err) {
          failures.push(String(err));
        }
      }
    };
    // Wait for request counts, not for time: under load the same loop simply runs slower.
    const until = async (cond: () => boolean, what: string) => {
      const deadline = Date.now() + 20_000;
      while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await until(() => seen.length >= 10, '10 answers from v1');
    const v2 = await runtime.start(await runtime.load(fixture('http-hello-v2')), {
      componentId: 'swap',
      maxInstances: 2,
      capabilities: { config: () => ({}) },
    });
    current = v2;
    await v1.stop();
    swapped = true;
    await until(() => afterSwap.length > 10 || failures.length > 0, 'more than 10 answers after the swap');
    running = false;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(seen).toContain(FIXTURE_BODIES['http-hello-v1']);
    expect(afterSwap.length).toBeGreaterThan(10);
    expect(new Set(afterSwap)).toEqual(new Set([FIXTURE_BODIES['http-hello-v2']]));
    expect(v1.stats().inFlight).toBe(0);
  });

  it('refuses a port in use with a UserError and keeps its other listeners', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await ingress.listen(`127.0.0.1:${port}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toContain(`127.0.0.1:${port}`);
      expect((err as UserError).message).toContain('already in use');
      const { url } = await serve(fixture('http-hello-v1'), 'after-eaddrinuse');
      expect(await (await fetch(url)).text()).toBe(FIXTURE_BODIES['http-hello-v1']);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('gives components no filesystem and no sockets', async () => {
    const { url } = await serve(probes['ambient-probe'], 'ambient');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('preopens=0 tcp=denied\n');
  });

  it('fails a call to an interface no capability provides with an error naming it', async () => {
    const { url, running } = await serve(probes['missing-import'], 'missing');
    const res = await fetch(url);
    expect(res.status).toBe(500);
    await res.text();
    expect(running.stats().failed).toBe(1);
    const line = logs.find((l) => l.componentId === 'missing' && l.level === 'error');
    expect(line?.message).toContain('example:missing/api');
  });

  it('answers 504 when a request exceeds maxExecutionTimeMs, and keeps serving', async () => {
    const spin = await serve(probes['clock-spin'], 'spin');
    const started = Date.now();
    const res = await fetch(spin.url);
    expect(res.status).toBe(504);
    await res.text();
    expect(Date.now() - started).toBeLessThan(5000);
    const { url } = await serve(fixture('http-hello-v1'), 'after-spin');
    expect((await fetch(url)).status).toBe(200);
  });

  it('streams a response body larger than the buffering threshold', async () => {
    const { url } = await serve(probes['big-body'], 'big');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body.length).toBe(64 * 4096);
    expect(body.startsWith('0123456789abcdef')).toBe(true);
  });

  it('passes the request body to the guest', async () => {
    const { url } = await serve(probes.echo, 'echo');
    const res = await fetch(url, { method: 'POST', body: 'ping pong' });
    expect(await res.text()).toBe('ping pong');
    const empty = await fetch(url);
    expect(await empty.text()).toBe('');
  });

  it('caches the transpiled glue as .mjs by digest and loads it again without transpiling', async () => {
    const bytes = fixture('http-hello-v1');
    const first = await runtime.load(bytes);
    const dir = join(cacheDir, 'components', first.digest);
    expect(readdirSync(dir)).toContain('component.mjs');
    const other = new ComponentRuntime({ cacheDir });
    const started = Date.now();
    const again = await other.load(bytes);
    expect(again.digest).toBe(first.digest);
    expect(again.exports).toContain('wasi:http/incoming-handler@0.2.10');
    expect(Date.now() - started).toBeLessThan(2000);
    await other.close();
  });

  it('records the glue patches in meta.json and logs the ones whose pattern was absent at debug level', async () => {
    const readMeta = (digest: string) =>
      JSON.parse(readFileSync(join(cacheDir, 'components', digest, 'meta.json'), 'utf8')) as {
        gluePatches: string[];
        gluePatchesMissed: string[];
      };
    const hello = await runtime.load(fixture('http-hello-v1'));
    // If jco's glue changes shape these go missing (the component still runs, on the unpatched code).
    expect(readMeta(hello.digest).gluePatches).toEqual(
      expect.arrayContaining(['sync-host-calls-without-tasks', 'lower-import-rest-params']),
    );
    // http-trap imports nothing, so the host-call patches have nothing to match.
    const trap = await runtime.load(fixture('http-trap'));
    const missed = readMeta(trap.digest).gluePatchesMissed;
    expect(missed).toContain('sync-host-calls-without-tasks');
    const line = logs.find((l) => l.level === 'debug' && l.componentId === trap.digest.slice(0, 12));
    expect(line?.message).toContain(missed.join(', '));
  });

  it('rejects a component whose start-up memory exceeds maxLinearMemoryBytes', async () => {
    const small = new ComponentRuntime({ cacheDir, maxLinearMemoryBytes: 1024 * 1024 });
    await expect(small.load(fixture('js-hello-fetch'))).rejects.toThrow(/limit/);
    await small.close();
  });

  it('forgets a request whose client hung up mid-body, so stop() is not held up', async () => {
    const { url, running } = await serve(probes.echo, 'hangup');
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial');
    await new Promise((r) => setTimeout(r, 100));
    expect(running.stats().inFlight).toBe(1);
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(running.stats().inFlight).toBe(0);
    const started = Date.now();
    await running.stop();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('answers 503 after stop()', async () => {
    const { url, running } = await serve(fixture('http-hello-v1'), 'stopped');
    await running.stop();
    const res = await fetch(url);
    expect(res.status).toBe(503);
    await res.text();
  });
});
