import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/cli.js';

const { unsupportedNodeMessage } = createRequire(import.meta.url)('../../../bin/node-check.cjs') as {
  unsupportedNodeMessage(version: string, hasJspi: boolean): string | undefined;
};

/** A Node older than 24 on this machine (the system Node of many distributions), if there is one. */
function oldNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(candidate)) continue;
    const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
    if (Number(version.slice(1).split('.')[0]) < 24) return candidate;
  }
  return undefined;
}

describe('Node version check of bin/run.js', () => {
  it('accepts Node 24 and 26 with JSPI, refuses older ones with one line saying what to do', () => {
    expect(unsupportedNodeMessage('v24.21.0', true)).toBeUndefined();
    expect(unsupportedNodeMessage('v26.12.1', true)).toBeUndefined();
    const msg = unsupportedNodeMessage('v20.19.5', false)!;
    expect(msg).toMatch(/^wash needs Node\.js 24 or newer \(this is v20\.19\.5\)/);
    expect(msg).toContain('npm run wash -- …');
    expect(msg).not.toContain('\n');
    expect(unsupportedNodeMessage('v24.0.0', false)).toMatch(/lacks WebAssembly JSPI/);
  });

  it.skipIf(oldNode() === undefined)(
    'under an older Node, prints that line on stderr and exits 1 without a stack trace',
    () => {
      const r = spawnSync(oldNode()!, [join(repoRoot, 'bin', 'run.js'), 'app', 'list'], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^wash needs Node\.js 24 or newer \(this is v\d+/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('runs under the Node the npm scripts use', () => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'run.js'), '--version'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });
});
