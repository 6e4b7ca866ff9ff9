import { spawn } from 'node:child_process';

/** Spawns a server in its own process group; resolves when `isReady()` (polled) says so. */
export async function startServer(command, args, { isReady, cwd, timeoutMs = 120_000 }) {
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const started = Date.now();
  while (!(await isReady(output))) {
    if (child.exitCode !== null)
      throw new Error(`${command} ${args.join(' ')} exited ${child.exitCode}: ${output.slice(-2000)}`);
    if (Date.now() - started > timeoutMs) {
      stopServer(child);
      throw new Error(`${command} ${args.join(' ')} not ready after ${timeoutMs} ms: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => output };
}

/** Ends the server's whole process group (jco serve spawns a child node process of its own). */
export async function stopServer(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
  try {
    process.kill(-child.pid, 'SIGKILL'); // stragglers in the group (jco serve's _run.js)
  } catch {
    /* none left */
  }
}

/** Fetches once; returns `${status} ${body}` or undefined while not answering. */
export async function probe(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return `${res.status} ${await res.text()}`;
  } catch {
    return undefined;
  }
}
