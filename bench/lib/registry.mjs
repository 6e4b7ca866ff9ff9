// A private docker-registry (distribution 2.x, Debian package `docker-registry`) on a free 127.0.0.1 port with
// a temp storage dir, stopped and removed by `cleanup`. Never port 5000, never a registry already running.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, sleep, tempDir } from './lattice-kit.mjs';

export async function startPrivateRegistry(cleanup) {
  const bin = ['/usr/bin/docker-registry', '/usr/sbin/docker-registry'].find((p) => existsSync(p));
  if (!bin) throw new Error('docker-registry is not installed; run scripts/install-system-deps.sh');
  const dir = tempDir(cleanup, 'wash-bench-registry-');
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'storage')}\nhttp:\n  addr: 127.0.0.1:${port}\n  secret: bench\n`,
  );
  const child = spawn(bin, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b) => (stderr = (stderr + b).slice(-4000)));
  const exited = new Promise((r) => child.once('exit', r));
  cleanup.defer(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    if (
      await fetch(`http://127.0.0.1:${port}/v2/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { host: `127.0.0.1:${port}`, port };
    await sleep(50);
  }
  throw new Error(`docker-registry did not answer on ${port}: ${stderr}`);
}
