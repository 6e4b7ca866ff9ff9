/**
 * `wash build`: one component from a project. TypeScript/JavaScript need no external toolchain (esbuild +
 * componentize-js against the project's WIT world); rust/tinygo run the upstream commands when the tool is
 * installed; any language may set `build_command` + `build_artifact`.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import type { ProjectConfig } from '../project-config.js';
import { resolveWitDeps } from '../wit-deps.js';
import { bundleEntry } from './bundle.js';
import { defaultWorld } from './dev-engine.js';
import { requireTool, runCaptured } from './run-tool.js';
import { withRootPreopen } from './wit-tools.js';

export interface BuildResult {
  componentPath: string;
  ms: number;
}

export const JS_LANGUAGES = ['typescript', 'javascript'] as const;

export function isJsProject(cfg: ProjectConfig): boolean {
  return (JS_LANGUAGES as readonly string[]).includes(cfg.language) && !cfg.component.build_command;
}

function snake(name: string): string {
  return name.replace(/-/g, '_');
}

function artifactPath(cfg: ProjectConfig): string {
  return resolve(cfg.projectDir, cfg.component.build_artifact!);
}

async function buildJs(cfg: ProjectConfig): Promise<string> {
  const bundle = await bundleEntry(cfg, 'esm');
  mkdirSync(cfg.buildDir, { recursive: true });
  const bundlePath = join(cfg.buildDir, `${snake(cfg.name)}.bundle.js`);
  writeFileSync(bundlePath, bundle.code);
  const world = cfg.component.wit_world ?? defaultWorld(cfg.witDir);
  const { componentize } = await import('@bytecodealliance/componentize-js');
  let component: Uint8Array;
  try {
    ({ component } = await withRootPreopen(() =>
      componentize({ sourcePath: bundlePath, witPath: cfg.witDir, worldName: world }),
    ));
  } catch (err) {
    throw new UserError(
      `componentize-js failed for ${basename(bundlePath)} (world ${world}): ${(err as Error).message}`,
      {
        suggestion:
          'check that the code only imports interfaces the WIT world imports and exports what the world exports',
      },
    );
  }
  const out = join(cfg.buildDir, `${snake(cfg.name)}.wasm`);
  writeFileSync(out, component);
  return out;
}

async function buildRust(cfg: ProjectConfig): Promise<string> {
  const cargo = cfg.rust?.cargo_path ?? requireTool('cargo', 'needed for language = "rust"');
  const target =
    cfg.component.wasm_target === 'wasm32-wasip2' || cfg.component.wasm_target === 'wasm32-wasi-preview2'
      ? 'wasm32-wasip2'
      : (cfg.component.wasm_target ?? 'wasm32-wasip2');
  const release = !cfg.rust?.debug;
  await runCaptured(
    'cargo build',
    { file: cargo, args: ['build', ...(release ? ['--release'] : []), '--target', target] },
    cfg.projectDir,
  );
  const targetDir = cfg.rust?.target_path
    ? resolve(cfg.projectDir, cfg.rust.target_path)
    : join(cfg.projectDir, 'target');
  const built = join(targetDir, target, release ? 'release' : 'debug', `${snake(cfg.name)}.wasm`);
  if (!existsSync(built))
    throw new UserError(`cargo build succeeded but ${built} is missing`, {
      suggestion: 'set [component] build_artifact to the produced .wasm',
    });
  mkdirSync(cfg.buildDir, { recursive: true });
  const out = join(cfg.buildDir, `${snake(cfg.name)}.wasm`);
  copyFileSync(built, out);
  return out;
}

async function buildTinygo(cfg: ProjectConfig): Promise<string> {
  const tinygo = cfg.tinygo?.tinygo_path ?? requireTool('tinygo', 'needed for language = "tinygo"');
  if (!cfg.tinygo?.disable_go_generate)
    await runCaptured(
      'go generate',
      {
        file: requireTool('go', 'needed for go generate (or set [tinygo] disable_go_generate = true)'),
        args: ['generate', './...'],
      },
      cfg.projectDir,
    );
  mkdirSync(cfg.buildDir, { recursive: true });
  const out = join(cfg.buildDir, `${snake(cfg.name)}.wasm`);
  const world = cfg.component.wit_world;
  const args = [
    'build',
    '-o',
    out,
    '-target',
    'wasip2',
    ...(cfg.tinygo?.scheduler ? ['-scheduler', cfg.tinygo.scheduler] : []),
    ...(cfg.tinygo?.garbage_collector ? ['-gc', cfg.tinygo.garbage_collector] : []),
  ];
  if (world) args.push('--wit-package', cfg.witDir, '--wit-world', world);
  args.push('.');
  await runCaptured('tinygo build', { file: tinygo, args }, cfg.projectDir);
  return out;
}

/** Release build of the project; returns where the component is. */
export async function buildProject(cfg: ProjectConfig, opts: { skipFetch?: boolean } = {}): Promise<BuildResult> {
  const started = performance.now();
  if (!opts.skipFetch) await resolveWitDeps(cfg);
  let componentPath: string;
  if (cfg.component.build_command) {
    if (!cfg.component.build_artifact)
      throw new UserError(`${cfg.file}: [component] build_command needs build_artifact (the path it produces)`);
    await runCaptured(
      `build_command '${cfg.component.build_command}'`,
      { command: cfg.component.build_command },
      cfg.projectDir,
    );
    componentPath = artifactPath(cfg);
    if (!existsSync(componentPath))
      throw new UserError(`build_command finished but build_artifact ${componentPath} does not exist`, {
        suggestion: 'fix [component] build_artifact in wasmcloud.toml',
      });
  } else if (isJsProject(cfg)) {
    componentPath = await buildJs(cfg);
  } else if (cfg.language === 'rust') {
    componentPath = await buildRust(cfg);
  } else if (cfg.language === 'tinygo') {
    componentPath = await buildTinygo(cfg);
  } else {
    throw new UserError(
      `${cfg.file}: language = "${cfg.language}" needs [component] build_command and build_artifact`,
      {
        suggestion:
          'wash builds typescript, javascript, rust and tinygo itself; for anything else give the command that produces the .wasm',
      },
    );
  }
  return { componentPath, ms: performance.now() - started };
}
