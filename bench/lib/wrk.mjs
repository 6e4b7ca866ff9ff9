import { spawnSync } from 'node:child_process';

export function haveWrk() {
  return spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined;
}

const UNIT_MS = { us: 0.001, ms: 1, s: 1000 };
const toMs = (text) => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text ?? '');
  return m ? Number(m[1]) * UNIT_MS[m[2]] : undefined;
};

/** Runs wrk against a loopback URL for a bounded time and returns the parsed summary. */
export function runWrk(url, { seconds, connections = 10, threads = 1 }) {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`refusing to load anything but 127.0.0.1: ${url}`);
  const r = spawnSync('wrk', [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency', url], {
    encoding: 'utf8',
    timeout: (seconds + 30) * 1000,
  });
  if (r.status !== 0) throw new Error(`wrk failed (${r.status}): ${r.stderr || r.stdout}`);
  const out = r.stdout;
  const num = (re) => {
    const m = re.exec(out);
    return m ? Number(m[1]) : 0;
  };
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    requests: num(/(\d+) requests in/),
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/),
    socketErrors: socketErrors ? socketErrors.slice(1).reduce((n, x) => n + Number(x), 0) : 0,
    p50Ms: toMs(/50%\s+([\d.]+\w+)/.exec(out)?.[1]),
    p99Ms: toMs(/99%\s+([\d.]+\w+)/.exec(out)?.[1]),
  };
}
