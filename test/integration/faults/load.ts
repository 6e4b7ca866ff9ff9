/**
 * Shared pieces of the fault suite: a steady HTTP load that counts every failed request, and the hello-app
 * manifest (`src/testing/hello-app.ts`).
 */
import { request, Agent } from 'node:http';

export interface LoadResult {
  ok: number;
  failed: number;
  /** The first few failures, for the assertion message. */
  failures: string[];
  /** Bodies seen, with counts. */
  bodies: Record<string, number>;
}

export interface HttpLoad {
  /** Current counts (the load keeps running). */
  snapshot(): LoadResult;
  /** Resolves once `n` more requests succeeded than when called. */
  progress(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<LoadResult>;
}

/**
 * `connections` keep-alive clients each sending GET requests back to back. A request fails when it gets no
 * response, a status other than 200, or a body not in `bodies`.
 */
export function httpLoad(url: string, bodies: string[], connections = 4): HttpLoad {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const result: LoadResult = { ok: 0, failed: 0, failures: [], bodies: {} };
  let running = true;
  const fail = (why: string) => {
    result.failed++;
    if (result.failures.length < 10) result.failures.push(why);
  };
  const once = () =>
    new Promise<void>((resolve) => {
      const req = request(url, { agent, timeout: 10_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => {
          if (res.statusCode === 200 && bodies.includes(body)) {
            result.ok++;
            result.bodies[body] = (result.bodies[body] ?? 0) + 1;
          } else fail(`${res.statusCode} ${JSON.stringify(body.slice(0, 100))}`);
          resolve();
        });
        res.on('error', (err) => {
          fail(`response error ${err.message}`);
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) => {
        fail(`request error ${err.message}`);
        resolve();
      });
      req.end();
    });
  const workers = Array.from({ length: connections }, async () => {
    while (running) await once();
  });
  return {
    snapshot: () => ({ ...result, failures: [...result.failures], bodies: { ...result.bodies } }),
    async progress(n, timeoutMs = 30_000) {
      const target = result.ok + n;
      const deadline = Date.now() + timeoutMs;
      while (result.ok < target) {
        if (Date.now() > deadline) throw new Error(`HTTP load made no progress: ${JSON.stringify(result)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return result;
    },
  };
}

export { helloApp } from '../../../src/testing/hello-app.js';
