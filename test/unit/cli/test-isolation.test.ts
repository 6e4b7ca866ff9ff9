/**
 * The suite cannot reach a NATS server it did not start: a command run without connection options must hit the
 * closed port, never the default 127.0.0.1:4222 (where a user's lattice may run).
 */
import { describe, expect, it } from 'vitest';
import { runWash } from '../../helpers/cli.js';
import { CLOSED_PORT, CONNECTION_VARIABLES } from '../../helpers/isolation.js';
import { WashEnv } from '../../integration/up/wash-env.js';

function expectPointsAt(env: NodeJS.ProcessEnv, port: number): void {
  for (const k of CONNECTION_VARIABLES) {
    if (k.endsWith('_HOST')) expect(env[k], k).toBe('127.0.0.1');
    else expect(env[k], k).toMatch(new RegExp(`(^|:)${port}$`));
  }
}

describe("test isolation from the machine's NATS", () => {
  it('workers inherit connection variables naming a closed port', () => {
    expectPointsAt(process.env, CLOSED_PORT);
  });

  it('a CLI run without connection flags reaches the closed port, not 4222', async () => {
    const r = await runWash(['get', 'hosts', '-o', 'json', '--timeout-ms', '500'], {
      env: { WASMCLOUD_CTL_PORT: process.env.WASMCLOUD_CTL_PORT },
    });
    expect(r.code).toBe(1);
    expect(JSON.stringify(r.json)).toContain(`127.0.0.1:${CLOSED_PORT}`);
    const bare = await runWash(['get', 'hosts', '-o', 'json', '--timeout-ms', '500']);
    expect(bare.code).toBe(1);
    expect(JSON.stringify(bare.json)).toContain(`127.0.0.1:${CLOSED_PORT}`);
  });

  it('a wash up/down environment points every connection variable at its own port', async () => {
    const env = await WashEnv.create();
    try {
      expectPointsAt(env.env, env.port);
    } finally {
      await env.cleanup();
    }
  });
});
