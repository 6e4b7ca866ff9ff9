/** Host settings for provider processes, and where a `file://` provider reference points. */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';

export interface ProcessProviderSettings {
  allowFileLoad: boolean;
  /** Where executables extracted from provider archives are kept (by digest). */
  cacheDir: string;
  rpcUrl: string;
  rpcJwt?: string;
  rpcSeed?: string;
  rpcTimeoutMs: number;
  backoff: BackoffPolicy;
  stopGraceMs: number;
}

export const PROCESS_PROVIDER_DEFAULTS = { backoff: DEFAULT_BACKOFF, stopGraceMs: 3_000 } as const;

/** `file:///abs/provider` → the executable's path; refused unless the host allows file loads. */
export function providerExecutablePath(ref: string, allowFileLoad: boolean, cwd: string = process.cwd()): string {
  const trimmed = ref.trim();
  if (!allowFileLoad) {
    throw new Error(
      `loading providers from files is disabled on this host (${trimmed}); start it with --allow-file-load or WASMCLOUD_ALLOW_FILE_LOAD=true`,
    );
  }
  try {
    return fileURLToPath(trimmed);
  } catch {
    const rest = decodeURIComponent(trimmed.slice('file://'.length));
    return isAbsolute(rest) ? rest : resolve(cwd, rest);
  }
}
