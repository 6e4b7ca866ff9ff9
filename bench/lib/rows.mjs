// The one shape every bench module reports: rows of { name, value, unit, baseline, baseline_name, ratio, target,
// pass }. `row()` computes the ratio (value / baseline) and pass/fail from a target such as
// { on: 'ratio', op: '<=', limit: 1.5 } ("ratio ≤ 1.5") or { on: 'value', op: '>=', limit: 3000 } (">= 3000 req/s").
// pass is null when there is no target or no value; a row without a baseline has baseline/ratio null.

const round = (x, digits = 3) =>
  x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * @param {{ name: string, value: number | null | undefined, unit: string, baseline?: number | null, baselineName?: string,
 *   target?: { on: 'ratio' | 'value', op: '<=' | '>=', limit: number }, note?: string }} r
 */
export function row(r) {
  const value = r.value ?? null;
  const baseline = r.baseline ?? null;
  const ratio = value !== null && baseline ? value / baseline : null;
  let pass = null;
  let target = null;
  if (r.target) {
    const measured = r.target.on === 'ratio' ? ratio : value;
    const sign = r.target.op === '<=' ? '≤' : '≥';
    target = r.target.on === 'ratio' ? `ratio ${sign} ${r.target.limit}` : `${sign} ${r.target.limit} ${r.unit}`;
    if (measured !== null && measured !== undefined && Number.isFinite(measured))
      pass = r.target.op === '<=' ? measured <= r.target.limit : measured >= r.target.limit;
  }
  return {
    name: r.name,
    value: round(value),
    unit: r.unit,
    baseline: round(baseline),
    baseline_name: baseline === null ? null : (r.baselineName ?? null),
    ratio: round(ratio),
    target,
    pass,
    ...(r.note ? { note: r.note } : {}),
  };
}

export const median = (xs) => {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};

/** True when the module at `url` is the script Node was started with (not imported by bench/run.mjs). */
export async function isMain(url) {
  const { pathToFileURL } = await import('node:url');
  return process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;
}

/**
 * Runs a bench script (one that prints one JSON document) as its own process with extra env (knobs), its
 * stderr passed through, and resolves with the parsed document; rejects when it reports an error.
 */
export async function runScriptJson(url, env = {}, args = []) {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(url), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b) => {
      out += b;
    });
    child.once('exit', (code) => {
      let doc;
      try {
        doc = JSON.parse(out);
      } catch {
        return reject(new Error(`${fileURLToPath(url)} exited ${code} without a JSON document`));
      }
      if (doc.error) return reject(new Error(String(doc.error).split('\n').slice(0, 3).join(' ')));
      resolve(doc);
    });
  });
}
