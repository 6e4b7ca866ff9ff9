import { readFileSync } from 'node:fs';
import { natsServerVersion } from './up/nats-binary.js';
import type { OutputMode } from './output/mode.js';
import { outputModeFromArgv, withoutOutputFlag } from './output/render.js';

import { HOST_VERSION, WADM_VERSION } from './protocol-versions.js';

export { HOST_VERSION, WADM_VERSION };

let cached: string | undefined;
export function washVersion(): string {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    cached = pkg.version;
  }
  return cached;
}

const NATS_NOT_FOUND = '(not found)';

export interface VersionInfo {
  wash: string;
  /** Always a string, as wash 0.43 prints it: the version found, or `(not found)`. */
  'nats-server': string;
  wadm: string;
  wasmcloud: string;
}

export function versionInfo(): VersionInfo {
  return {
    wash: `v${washVersion()}`,
    'nats-server': natsServerVersion() ?? NATS_NOT_FOUND,
    wadm: `v${WADM_VERSION}`,
    wasmcloud: `v${HOST_VERSION}`,
  };
}

export function versionText(v: VersionInfo): string {
  return (
    [
      `wash ${v.wash}`,
      `├ nats-server ${v['nats-server']}`,
      `├ wadm ${v.wadm} (embedded engine)`,
      `└ wasmcloud ${v.wasmcloud} (wash host)`,
    ].join('\n') + '\n'
  );
}

/** Version JSON carries no `success` key (wash v1 behaviour). */
export function printVersion(mode: OutputMode): void {
  const info = versionInfo();
  process.stdout.write(mode === 'json' ? JSON.stringify(info, null, 2) + '\n' : versionText(info));
}

/** `wash --version` / `-V` (with an optional output flag) answered without the CLI; false for anything else. */
export function versionFastPath(argv: readonly string[]): boolean {
  const rest = withoutOutputFlag(argv);
  if (rest.length !== 1 || (rest[0] !== '--version' && rest[0] !== '-V')) return false;
  printVersion(outputModeFromArgv(argv));
  return true;
}
