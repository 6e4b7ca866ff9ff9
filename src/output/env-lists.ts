/**
 * oclif reads a `multiple: true` flag's `env` variable as ONE string (so `[...value]` would spread it into
 * characters). For such flags the variable holds one value or a comma-separated list; this turns it into the
 * array the flag's type promises. Values given on the command line are arrays already and stay as they are.
 */
export function listsFromEnv(
  defs: Record<string, { multiple?: boolean; env?: string } | undefined>,
  values: Record<string, unknown>,
): void {
  for (const [name, def] of Object.entries(defs)) {
    if (!def?.multiple || !def.env) continue;
    const value = values[name];
    if (typeof value === 'string') values[name] = splitList(value);
  }
}

export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
