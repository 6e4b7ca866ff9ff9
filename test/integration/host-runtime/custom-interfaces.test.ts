// Custom (non wasi/wasmcloud) interfaces in the real jco runtime, without NATS: imports are async (JSPI) from
// load time, exports are callable through callExport, export-only components run. wRPC on top of this:
// test/integration/wrpc/two-hosts.test.ts and runtime-provider.test.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ComponentRuntime,
  HttpIngress,
  type Capabilities,
  type RunningComponent,
} from '../../../src/host/runtime/index.js';
import { fixturePath } from '../../helpers/fixtures.js';

let cacheDir: string;
let runtime: ComponentRuntime;
let ingress: HttpIngress;
const bytes = (name: 'calc' | 'calc-sink' | 'calc-http' | 'http-hello-v1') =>
  new Uint8Array(readFileSync(fixturePath(name)));
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function start(
  name: Parameters<typeof bytes>[0],
  imports: Capabilities['imports'],
  maxInstances = 1,
): Promise<{ running: RunningComponent; digest: string }> {
  const loaded = await runtime.load(bytes(name));
  const running = await runtime.start(loaded, {
    componentId: name,
    maxInstances,
    capabilities: { config: () => ({}), imports },
  });
  return { running, digest: loaded.digest };
}

function meta(digest: string): {
  asyncPlan: { asyncImports: string[]; asyncExports: string[] } | null;
  gluePatches: string[];
} {
  return JSON.parse(readFileSync(join(cacheDir, 'components', digest, 'meta.json'), 'utf8'));
}

beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'wash-custom-ifaces-'));
  runtime = new ComponentRuntime({ cacheDir, maxExecutionTimeMs: 10_000 });
  ingress = new HttpIngress();
});

afterAll(async () => {
  await ingress?.close();
  await runtime?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('custom interfaces in the jco runtime', () => {
  it('an export-only component (calc-sink) starts, keeps the synchronous glue, and serves callExport', async () => {
    const { running, digest } = await start('calc-sink', undefined);
    expect(meta(digest).asyncPlan).toBeNull();
    expect(await running.callExport!('example:calc/host@0.1.0', 'log', ['hello'])).toBeUndefined();
    await expect(running.callExport!('example:calc/host@0.1.0', 'nope', [])).rejects.toThrow(
      /does not export example:calc\/host@0.1.0#nope/,
    );
    expect(running.stats().instances).toBe(1);
  });

  it('a component without custom or network imports keeps the synchronous fast path', async () => {
    const { digest } = await start('http-hello-v1', undefined);
    expect(meta(digest).asyncPlan).toBeNull();
  });

  it('custom imports are async (JSPI) from load time: the guest suspends in an async host function', async () => {
    const logged: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const { running, digest } = await start(
      'calc',
      (iface) =>
        iface === 'example:calc/host@0.1.0'
          ? {
              log: async (m: string) => {
                await gate;
                logged.push(m);
              },
            }
          : undefined,
      2,
    );
    expect(meta(digest).asyncPlan).toEqual({
      asyncImports: ['example:calc/host#log'],
      asyncExports: ['example:calc/calc#add'],
    });
    expect(meta(digest).gluePatches).toContain('rethrow-async-import-errors');
    const sums = [
      running.callExport!('example:calc/calc@0.1.0', 'add', [2, 3]),
      running.callExport!('example:calc/calc@0.1.0', 'add', [-7, 3]),
    ];
    await delay(50);
    expect(logged).toEqual([]); // both guests are suspended in `log`, on two instances
    expect(running.stats().inFlight).toBe(2);
    release();
    expect(await Promise.all(sums)).toEqual([5, -4]);
    expect(logged).toEqual(['calc.add called', 'calc.add called']);
  });

  it('an async import that throws fails that call (no hang) and the component keeps working', async () => {
    let fail = true;
    const { running } = await start('calc', () => ({
      log: async () => {
        await delay(1);
        if (fail) throw new Error('callee gone');
      },
    }));
    await expect(running.callExport!('example:calc/calc@0.1.0', 'add', [1, 1])).rejects.toThrow(/callee gone/);
    fail = false;
    expect(await running.callExport!('example:calc/calc@0.1.0', 'add', [1, 1])).toBe(2);
  });

  it('an export call stuck in its import past the execution budget fails with a timeout; the next call gets a fresh instance', async () => {
    const strict = new ComponentRuntime({ cacheDir, maxExecutionTimeMs: 300 });
    try {
      let hang = true;
      const loaded = await strict.load(bytes('calc'));
      const running = await strict.start(loaded, {
        componentId: 'calc-strict',
        maxInstances: 1,
        capabilities: {
          config: () => ({}),
          imports: () => ({ log: () => (hang ? new Promise(() => {}) : Promise.resolve()) }),
        },
      });
      await expect(running.callExport!('example:calc/calc@0.1.0', 'add', [1, 2])).rejects.toThrow(/execution time/i);
      hang = false;
      expect(await running.callExport!('example:calc/calc@0.1.0', 'add', [1, 2])).toBe(3);
    } finally {
      await strict.close();
    }
  });

  it('an HTTP component with a custom import answers with what the import returned, and 500 when it fails', async () => {
    let answer: (a: number, b: number) => Promise<number> = async (a, b) => {
      await delay(5);
      return a + b;
    };
    const { running } = await start('calc-http', (iface) =>
      iface === 'example:calc/calc@0.1.0' ? { add: (a: number, b: number) => answer(a, b) } : undefined,
    );
    const address = `127.0.0.1:${await freePort()}`;
    await ingress.listen(address);
    ingress.route(address, () => running);
    const ok = await fetch(`http://${address}/`);
    expect([ok.status, await ok.text()]).toEqual([200, '42\n']);
    answer = async () => -1234;
    const negative = await fetch(`http://${address}/`);
    expect([negative.status, await negative.text()]).toEqual([200, '-1234\n']);
    answer = async () => {
      throw new Error('nobody serves example:calc/calc');
    };
    expect((await fetch(`http://${address}/`)).status).toBe(500);
    answer = async (a, b) => a * b;
    const back = await fetch(`http://${address}/`);
    expect([back.status, await back.text()]).toEqual([200, '80\n']);
  });
});
