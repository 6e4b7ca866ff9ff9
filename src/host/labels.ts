import { UserError } from '../errors.js';
import { dict } from '../lattice/dict.js';

export type Labels = Record<string, string>;

const PROTECTED_PREFIX = 'hostcore.';
const ENV_PREFIX = 'WASMCLOUD_LABEL_';

/** Keys starting with `hostcore.` (any case) belong to the host and may not be set or deleted by users. */
export function isProtectedLabelKey(key: string): boolean {
  return key.toLowerCase().startsWith(PROTECTED_PREFIX);
}

/** Rust's `std::env::consts` spellings, which is what v1 hosts report and constraints are written against. */
export function builtinLabels(platform: NodeJS.Platform = process.platform, arch: string = process.arch): Labels {
  const archNames: Record<string, string> = {
    x64: 'x86_64',
    arm64: 'aarch64',
    ia32: 'x86',
    arm: 'arm',
    riscv64: 'riscv64',
    s390x: 's390x',
    ppc64: 'powerpc64',
    loong64: 'loongarch64',
  };
  const osNames: Record<string, string> = { darwin: 'macos', win32: 'windows' };
  return {
    'hostcore.arch': archNames[arch] ?? arch,
    'hostcore.os': osNames[platform] ?? platform,
    'hostcore.osfamily': platform === 'win32' ? 'windows' : 'unix',
  };
}

/** `k=v` strings (from `--label`) to a map; the value may itself contain `=`. */
export function parseLabelArgs(args: readonly string[], flag = '--label'): Labels {
  const out: Labels = dict();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const key = eq < 0 ? '' : arg.slice(0, eq).trim();
    if (eq < 0 || key === '') {
      throw new UserError(`${flag} '${arg}' is not of the form key=value`, {
        suggestion: `e.g. ${flag} region=eu-west`,
      });
    }
    out[key] = arg.slice(eq + 1);
  }
  return out;
}

/** `WASMCLOUD_LABEL_<key>=<value>` variables; the key keeps its spelling. */
export function labelsFromEnv(env: NodeJS.ProcessEnv = process.env): Labels {
  const out: Labels = dict();
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(ENV_PREFIX) && name.length > ENV_PREFIX.length && value !== undefined)
      out[name.slice(ENV_PREFIX.length)] = value;
  }
  return out;
}

/** Refuses user labels in the protected namespace (start-up check; `label.put` has its own error). */
export function assertUserLabels(labels: Labels, source = '--label'): void {
  const bad = Object.keys(labels).filter(isProtectedLabelKey);
  if (bad.length > 0) {
    throw new UserError(
      `${source} may not set ${bad.map((k) => `'${k}'`).join(', ')}: keys starting with 'hostcore.' are reserved for the host`,
      {
        suggestion: 'choose a label key without the hostcore. prefix',
      },
    );
  }
}

/** User labels over built-ins; built-ins always win so they cannot be shadowed. */
export function hostLabels(user: Labels, builtins: Labels = builtinLabels()): Labels {
  assertUserLabels(user);
  return dict(user, builtins);
}

/** Auction rule: every constraint must equal a label of the host. */
export function labelsSatisfy(labels: Labels, constraints: Labels): boolean {
  return Object.entries(constraints).every(([k, v]) => Object.hasOwn(labels, k) && labels[k] === v);
}
