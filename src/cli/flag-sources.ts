/**
 * Where each parsed flag value came from. oclif merges argv, `env` variables and defaults into one value; the
 * commands need to tell them apart for one rule: a flag given on the command line beats a connection variable
 * that only came from the environment, even when that variable is the more general one (`wash host --ctl-port`
 * vs WASMCLOUD_NATS_URL-style addresses, `wash wadm -p` vs WADM_NATS_SERVER).
 */
export type FlagSource = 'argv' | 'env' | 'default';

export interface FlagDefinition {
  env?: string;
}

/** A parsed token as oclif's `raw` output carries it (only the flag tokens matter here). */
export interface RawToken {
  type: string;
  flag?: string;
}

export class FlagSources {
  constructor(private readonly sources: ReadonlyMap<string, FlagSource>) {}

  /** The source of `name`'s value, or undefined when the flag has no value. */
  of(name: string): FlagSource | undefined {
    return this.sources.get(name);
  }

  /** Names of the flags given on the command line (long name, short char or alias alike). */
  onArgv(): Set<string> {
    return new Set([...this.sources].filter(([, s]) => s === 'argv').map(([n]) => n));
  }

  /**
   * Whether `general` (e.g. `nats-server`) must yield to `specific` flags: it came only from the environment
   * while one of `specific` was given on the command line.
   */
  yieldsTo(general: string, specific: readonly string[]): boolean {
    return this.of(general) === 'env' && specific.some((n) => this.of(n) === 'argv');
  }
}

export function flagSources(
  defs: Record<string, FlagDefinition | undefined>,
  values: Record<string, unknown>,
  raw: readonly RawToken[],
  env: NodeJS.ProcessEnv = process.env,
): FlagSources {
  const fromArgv = new Set(raw.filter((t) => t.type === 'flag' && t.flag).map((t) => t.flag!));
  const sources = new Map<string, FlagSource>();
  for (const [name, def] of Object.entries(defs)) {
    if (fromArgv.has(name)) sources.set(name, 'argv');
    else if (values[name] === undefined) continue;
    else if (def?.env && env[def.env]) sources.set(name, 'env');
    else sources.set(name, 'default');
  }
  return new FlagSources(sources);
}
