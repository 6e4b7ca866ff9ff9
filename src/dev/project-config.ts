/**
 * `wasmcloud.toml` (wash v1 format, §11 of the reference): parsed with @iarna/toml, validated by one zod schema
 * (types come from it). Unknown or ill-typed keys are errors naming file:line and the key path. Upstream aliases
 * (`interface_spec`, `uri`, `configs`, `link_configs`) are folded into their canonical names first.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import * as z from 'zod';
import { UserError } from '../errors.js';

export const PROJECT_FILE = 'wasmcloud.toml';

const str = z.string().min(1);
const stringMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

/** `{ name = "existing" }` or `{ values = { k = "v" } }`. */
const configEntry = z.union([z.strictObject({ name: str }), z.strictObject({ values: stringMap })]);
const configList = z.union([configEntry, z.array(configEntry)]).transform((v) => (Array.isArray(v) ? v : [v]));

const secretEntry = z.union([
  z.strictObject({
    name: str,
    source: z.strictObject({ policy: str, key: str, field: str.optional(), version: str.optional() }),
  }),
  z.strictObject({ name: str, values: stringMap }),
]);

const interfaceSpec = z.union([
  str,
  z.strictObject({ namespace: str, package: str, interface: str.optional(), version: str.optional() }),
]);

const overrideEntry = z.strictObject({
  interface: interfaceSpec,
  image_ref: str.optional(),
  link_name: str.optional(),
  config: configList.optional(),
  link_config: configList.optional(),
  secrets: z.array(secretEntry).optional(),
});

const devManifest = z.strictObject({
  path: str,
  component_name: str.optional(),
  wadm_component_name: str.optional(),
  component_id: str.optional(),
  component_ref: str.optional(),
});

const jsTable = z.strictObject({ entry: str.optional() });

export const projectSchema = z.strictObject({
  name: str,
  version: str.optional(),
  language: str,
  type: z.enum(['component', 'provider']).default('component'),
  revision: z.number().int().nonnegative().optional(),
  path: str.optional(),
  wit: str.optional(),
  build: str.optional(),
  component: z
    .strictObject({
      key_directory: str.optional(),
      wasm_target: z
        .enum([
          'wasm32-unknown-unknown',
          'wasm32-wasip1',
          'wasm32-wasi',
          'wasm32-wasi-preview1',
          'wasm32-wasip2',
          'wasm32-wasi-preview2',
        ])
        .optional(),
      wasip1_adapter_path: str.optional(),
      wit_world: str.optional(),
      tags: z.array(str).optional(),
      build_artifact: str.optional(),
      build_command: str.optional(),
      destination: str.optional(),
    })
    .default({}),
  provider: z
    .strictObject({
      vendor: str.optional(),
      wit_world: str.optional(),
      os: str.optional(),
      arch: str.optional(),
      rust_target: str.optional(),
      bin_name: str.optional(),
      key_directory: str.optional(),
    })
    .optional(),
  rust: z
    .strictObject({ cargo_path: str.optional(), target_path: str.optional(), debug: z.boolean().optional() })
    .optional(),
  tinygo: z
    .strictObject({
      tinygo_path: str.optional(),
      disable_go_generate: z.boolean().optional(),
      scheduler: z.enum(['none', 'tasks', 'asyncify']).optional(),
      garbage_collector: z.enum(['none', 'conservative', 'leaking']).optional(),
    })
    .optional(),
  go: z.strictObject({ go_path: str.optional(), disable_go_generate: z.boolean().optional() }).optional(),
  typescript: jsTable.optional(),
  javascript: jsTable.optional(),
  registry: z
    .strictObject({
      url: str.optional(),
      credentials: str.optional(),
      push_insecure: z.boolean().optional(),
      pull: z.strictObject({ sources: z.array(z.strictObject({ target: str, source: str })).default([]) }).optional(),
    })
    .optional(),
  overrides: z.record(z.string(), z.unknown()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  dev: z
    .strictObject({
      manifests: z.array(devManifest).optional(),
      config: configList.optional(),
      secrets: z.array(secretEntry).optional(),
      link_config: configList.optional(),
      overrides: z
        .strictObject({ imports: z.array(overrideEntry).default([]), exports: z.array(overrideEntry).default([]) })
        .default({ imports: [], exports: [] }),
    })
    .default({ overrides: { imports: [], exports: [] } }),
});

export type ProjectFile = z.output<typeof projectSchema>;
export type ConfigEntry = z.output<typeof configEntry>;
export type OverrideEntry = z.output<typeof overrideEntry>;
export type InterfaceSpecInput = z.output<typeof interfaceSpec>;

/** A validated project plus the directories its relative paths resolve against. */
export interface ProjectConfig extends ProjectFile {
  /** The wasmcloud.toml that was read. */
  file: string;
  /** Project directory (`path`, default the toml's directory). */
  projectDir: string;
  witDir: string;
  buildDir: string;
}

const ALIASES: Record<string, string> = {
  interface_spec: 'interface',
  uri: 'image_ref',
  configs: 'config',
  link_configs: 'link_config',
};

/** Folds upstream aliases into canonical keys (in `[dev]` and its overrides only, where upstream has them). */
function foldAliases(doc: Record<string, unknown>): void {
  const fold = (table: unknown) => {
    if (!table || typeof table !== 'object' || Array.isArray(table)) return;
    const t = table as Record<string, unknown>;
    for (const [alias, canonical] of Object.entries(ALIASES)) {
      if (alias in t && !(canonical in t)) {
        t[canonical] = t[alias];
        delete t[alias];
      }
    }
  };
  const dev = doc.dev as Record<string, unknown> | undefined;
  if (!dev || typeof dev !== 'object') return;
  fold(dev);
  const overrides = dev.overrides as Record<string, unknown> | undefined;
  for (const dir of ['imports', 'exports']) {
    const list = overrides?.[dir];
    if (Array.isArray(list)) list.forEach(fold);
  }
}

/** key path (dotted, with array-of-table indices) → 1-based line, from a line scan of the TOML text. */
export function keyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const arrayCounts = new Map<string, number>();
  let prefix: string[] = [];
  const unquote = (k: string) => k.trim().replace(/^["']|["']$/g, '');
  const splitKey = (k: string) => k.split('.').map(unquote);
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    let m = /^\[\[([^\]]+)\]\]/.exec(line);
    if (m) {
      const name = splitKey(m[1]).join('.');
      const idx = arrayCounts.get(name) ?? 0;
      arrayCounts.set(name, idx + 1);
      prefix = [...splitKey(m[1]), String(idx)];
      lines.set(prefix.join('.'), i + 1);
      return;
    }
    m = /^\[([^\]]+)\]/.exec(line);
    if (m) {
      prefix = splitKey(m[1]);
      lines.set(prefix.join('.'), i + 1);
      return;
    }
    m = /^([A-Za-z0-9_\-."' ]+?)\s*=/.exec(line);
    if (m) {
      const key = [...prefix, ...splitKey(m[1])].join('.');
      if (!lines.has(key)) lines.set(key, i + 1);
    }
  });
  return lines;
}

/** The line of `path`, or of its nearest ancestor that appears in the file. */
export function lineOf(lines: Map<string, number>, path: readonly (string | number)[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const found = lines.get(path.slice(0, n).map(String).join('.'));
    if (found !== undefined) return found;
  }
  return undefined;
}

function pathText(path: readonly (string | number | symbol)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

/** Parses and validates wasmcloud.toml text. `file` is only used in messages and to resolve directories. */
export async function parseProjectConfig(text: string, file: string): Promise<ProjectConfig> {
  const { default: TOML } = await import('@iarna/toml');
  let doc: Record<string, unknown>;
  try {
    doc = TOML.parse(text) as Record<string, unknown>;
  } catch (err) {
    const e = err as { line?: number; col?: number; message: string };
    const where = typeof e.line === 'number' ? `${file}:${e.line + 1}` : file;
    const first = e.message.split('\n')[0].replace(/ at row \d+, col \d+, pos \d+:?$/, '');
    throw new UserError(`${where}: invalid TOML: ${first}`, {
      suggestion: 'fix the syntax at that line (see wasmcloud.toml.example)',
    });
  }
  foldAliases(doc);
  const parsed = projectSchema.safeParse(doc);
  if (!parsed.success) {
    const lines = keyLines(text);
    const messages = parsed.error.issues.map((issue) => {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys
          .map((k) => {
            const full = [...path, k];
            const line = lineOf(
              lines,
              full.map((p) => (typeof p === 'number' ? String(p) : p)),
            );
            return `${file}${line ? `:${line}` : ''}: unknown key ${pathText(full)}`;
          })
          .join('\n');
      }
      const line = lineOf(lines, path);
      const what =
        issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'is required' : issue.message;
      return `${file}${line ? `:${line}` : ''}: ${pathText(path)} ${what}`;
    });
    throw new UserError(`${file} is not a valid project file:\n${messages.join('\n')}`, {
      suggestion: 'every supported key is documented in wasmcloud.toml.example',
    });
  }
  const cfg = parsed.data;
  const tomlDir = dirname(resolve(file));
  const projectDir = cfg.path ? resolve(tomlDir, cfg.path) : tomlDir;
  return {
    ...cfg,
    file: resolve(file),
    projectDir,
    witDir: cfg.wit ? resolve(projectDir, cfg.wit) : join(projectDir, 'wit'),
    buildDir: cfg.build ? resolve(projectDir, cfg.build) : join(projectDir, 'build'),
  };
}

/** Finds `wasmcloud.toml` in `dir` (a path to the file itself also works) and parses it. */
export async function loadProjectConfig(dirOrFile: string): Promise<ProjectConfig> {
  const file = dirOrFile.endsWith('.toml') ? dirOrFile : join(dirOrFile, PROJECT_FILE);
  if (!existsSync(file)) {
    throw new UserError(`no ${PROJECT_FILE} in ${isAbsolute(dirOrFile) ? dirOrFile : resolve(dirOrFile)}`, {
      suggestion:
        'run the command in a project directory, pass --work-dir, or create a project with `wash new component <name>`',
    });
  }
  return parseProjectConfig(readFileSync(file, 'utf8'), file);
}
