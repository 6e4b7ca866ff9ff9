/**
 * `[dev].secrets` and `secrets` in `[[dev.overrides.*]]`: upstream turns them into `nats-kv` secret references,
 * which only a host with a secrets backend can resolve. wash's host has none, so a deployed secret would never
 * reach the component; a project that sets them is refused (naming file:line and key) instead of silently
 * running without its secrets.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { keyLines, lineOf, type ProjectConfig } from './project-config.js';

export function refuseDevSecrets(cfg: ProjectConfig, text: string = readFileSync(cfg.file, 'utf8')): void {
  const found: (string | number)[][] = [];
  if (cfg.dev.secrets?.length) found.push(['dev', 'secrets']);
  for (const dir of ['imports', 'exports'] as const) {
    cfg.dev.overrides[dir].forEach((o, i) => {
      if (o.secrets?.length) found.push(['dev', 'overrides', dir, i, 'secrets']);
    });
  }
  if (found.length === 0) return;
  const lines = keyLines(text);
  const where = found.map((path) => {
    const line = lineOf(lines, [...path.map(String), '0']) ?? lineOf(lines, path.map(String));
    const key = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
    return `${cfg.file}${line ? `:${line}` : ''}: ${key}`;
  });
  throw new UserError(
    `wash dev cannot deploy secrets: the wash host has no secrets backend, so they would never reach the component\n${where.join('\n')}`,
    {
      suggestion:
        'remove these secrets keys; for local development pass the values as plain config instead ([dev].config = [{ values = { … } }], or `config` in the override)',
    },
  );
}
