/** `wash new component`: project templates shipped in `templates/` (those holding a wasmcloud.toml). */
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';

export interface TemplateInfo {
  name: string;
  language: string;
  description: string;
  path: string;
}

/**
 * The package's `templates/` folder: the nearest one above this module, which is src/dev/ or dist/dev/ (tsc,
 * tests), or dist/ itself when bundled into the CLI (dist/wash.cjs, so `wash new` needs no ES-module loading).
 */
export function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`wash's templates folder was not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

const DESCRIPTIONS: Record<string, string> = {
  'hello-world-typescript': 'HTTP hello world in TypeScript (wasi:http incoming-handler)',
  'hello-world-javascript': 'HTTP hello world in JavaScript (FetchEvent style)',
  'keyvalue-counter-typescript':
    'HTTP counter in TypeScript backed by wasi:keyvalue (NATS KV by default, Redis by override)',
};

export function listTemplates(dir = templatesDir()): TemplateInfo[] {
  return readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, 'wasmcloud.toml')))
    .sort()
    .map((name) => {
      const toml = readFileSync(join(dir, name, 'wasmcloud.toml'), 'utf8');
      const language = /^language\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? 'unknown';
      return { name, language, description: DESCRIPTIONS[name] ?? '', path: join(dir, name) };
    });
}

/** Component names become directory names, WIT-safe ids and manifest names: lower-case kebab. */
export function validateProjectName(name: string): void {
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(name)) {
    throw new UserError(`component name '${name}' is not valid`, {
      suggestion: 'use lower-case letters, digits and dashes, starting with a letter (e.g. my-component)',
    });
  }
}

const TEXT_FILES = /\.(toml|ts|js|json|md|wit)$/;

/** Copies template `template` to `<parentDir>/<name>`, filling in `{{name}}`. Returns the project directory. */
export function createProject(o: { name: string; template: string; parentDir: string }): {
  projectDir: string;
  files: string[];
} {
  validateProjectName(o.name);
  const available = listTemplates();
  const t = available.find((x) => x.name === o.template);
  if (!t)
    throw new UserError(`unknown template '${o.template}'`, {
      suggestion: `pick one of: ${available.map((x) => x.name).join(', ')} (see \`wash new --list\`)`,
    });
  const projectDir = resolve(o.parentDir, o.name);
  if (existsSync(projectDir) && readdirSync(projectDir).length > 0) {
    throw new UserError(`${projectDir} already exists and is not empty`, {
      suggestion: 'choose another name or remove that directory',
    });
  }
  cpSync(t.path, projectDir, { recursive: true });
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) walk(p);
      else {
        files.push(relative(projectDir, p));
        if (TEXT_FILES.test(p)) {
          const text = readFileSync(p, 'utf8');
          if (text.includes('{{name}}')) writeFileSync(p, text.replaceAll('{{name}}', o.name));
        }
      }
    }
  };
  walk(projectDir);
  return { projectDir, files: files.sort() };
}
