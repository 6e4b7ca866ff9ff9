import { spawnSync } from 'node:child_process';

/** Median wall time (ms) of running a command `runs` times (after `warmup` unmeasured runs). */
export function medianWallMs(cmd, args, { runs = 15, warmup = 3, env = process.env, cwd } = {}) {
  const times = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    if (i >= warmup) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
