// The CLI path a user takes: `wash host --allow-file-load` (a real process), `wash start provider ./exe id`,
// `wash get inventory -o json`, then SIGTERM to the host: the provider process must be gone with it.
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostTarget } from '../../../src/host/provider-process/archive.js';
import { repoRoot, requireBuiltCli, runWash } from '../../helpers/cli.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { writeProviderArchive } from '../../helpers/provider-archive.js';
import { assertFreshBuild, spawnHost, waitUntil, type ChildHost } from '../host/helpers.js';

const lattice = 'cliprov';
let nats: TestNats;
let host: ChildHost;
const dir = mkdtempSync(join(tmpdir(), 'wash-cli-provider-'));
const exe = join(dir, 'greeter');
writeFileSync(
  exe,
  `#!/bin/sh\nexec "${process.execPath}" "${join(repoRoot, 'test', 'fixtures', 'providers', 'greeter.mjs')}"\n`,
);
chmodSync(exe, 0o755);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Pids whose parent is `ppid` and whose command line mentions `needle` (Linux /proc). */
function childrenRunning(ppid: number, needle: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === ppid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) out.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return out;
}
const conn = () => ['--ctl-port', String(nats.port), '-x', lattice];

beforeAll(async () => {
  requireBuiltCli();
  assertFreshBuild();
  nats = await startTestNats();
  host = await spawnHost(nats.url, lattice);
}, 60_000);

afterAll(async () => {
  await host?.signal('SIGKILL');
  await nats?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('wash start provider with an executable', () => {
  it('a provider archive (.par.gz) runs its executable for this machine and shows its claims; one without it fails naming the targets', async () => {
    const par = writeProviderArchive(dir, 'greeter.par.gz', {
      binaries: { [hostTarget()]: readFileSync(exe) },
      name: 'Greeter',
      vendor: 'Acme Providers',
    });
    const started = await runWash([
      'start',
      'provider',
      par,
      'greeter-par',
      '--host-id',
      host.id,
      '-o',
      'json',
      ...conn(),
    ]);
    expect(started.code, started.stderr).toBe(0);
    const inv = await runWash(['get', 'inventory', host.id, '-o', 'json', ...conn()]);
    expect(inv.code, inv.stderr).toBe(0);
    expect(JSON.stringify(inv.json)).toContain('"name":"Greeter"');
    expect(JSON.stringify(inv.json)).toContain('"vendor":"Acme Providers"');
    const stopped = await runWash(['stop', 'provider', 'greeter-par', '--host-id', host.id, ...conn()]);
    expect(stopped.code, stopped.stderr).toBe(0);

    const elsewhere = writeProviderArchive(dir, 'elsewhere.par.gz', { binaries: { 'riscv64-plan9': 'x' } });
    const failed = await runWash(['start', 'provider', elsewhere, 'elsewhere', '--host-id', host.id, ...conn()]);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain(`has no executable for this machine (${hostTarget()}); it has: riscv64-plan9`);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
  });

  it('starts, shows in the inventory with its restart count, and dies with its host', async () => {
    const started = await runWash(['start', 'provider', exe, 'greeter', '--host-id', host.id, '-o', 'json', ...conn()]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.json).toMatchObject({ success: true, provider_id: 'greeter' });
    const inv = await runWash(['get', 'inventory', host.id, '-o', 'json', ...conn()]);
    expect(inv.code, inv.stderr).toBe(0);
    const entry = JSON.stringify(inv.json);
    expect(entry).toContain('"restart_count":0');
    expect(entry).toContain(`"image_ref":"file://`);
    // The provider's pid: the only child node process running greeter.mjs under this host.
    const pid = await waitUntil(
      async () => childrenRunning(host.child.pid!, 'greeter.mjs')[0],
      10_000,
      'the provider process',
    );
    expect(alive(pid)).toBe(true);
    expect(await host.signal('SIGTERM')).toBe(0);
    await waitUntil(async () => (alive(pid) ? undefined : true), 10_000, 'the provider to exit with its host');
  });
});
