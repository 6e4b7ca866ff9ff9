/**
 * Project file watching for `wash dev` (chokidar): sources, WIT and wasmcloud.toml. Build output,
 * node_modules, .git and `--ignore-dir` folders are never watched, so a build cannot retrigger itself.
 * Bursts of events (an editor's save, a `git checkout`) are debounced into one batch; batches that arrive
 * while the previous one is being handled are merged and handled once afterwards.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type ChangeKind = 'config' | 'wit' | 'source';

export interface ChangeBatch {
  kinds: Set<ChangeKind>;
  paths: string[];
}

export interface WatchOptions {
  projectDir: string;
  configFile: string;
  witDir: string;
  /** Absolute directories never watched (build output and --ignore-dir). */
  ignoreDirs: string[];
  debounceMs?: number;
  onBatch(batch: ChangeBatch): Promise<void>;
  onError?(err: unknown): void;
}

export interface ProjectWatcher {
  ready: Promise<void>;
  close(): Promise<void>;
}

const ALWAYS_IGNORED = ['node_modules', '.git'];

/** Whether `path` is inside an ignored directory (pure; exported for tests). */
export function isIgnored(path: string, projectDir: string, ignoreDirs: readonly string[]): boolean {
  const rel = relative(projectDir, path);
  if (rel.startsWith('..')) return true;
  const parts = rel.split(sep);
  if (parts.some((p) => ALWAYS_IGNORED.includes(p))) return true;
  // Editor droppings, temp files, and build products (a .wasm is never a source).
  if (parts.some((p) => /^\.?wash-dev-|~$|\.swp$|\.tmp-\d+$|\.wasm$/.test(p))) return true;
  return ignoreDirs.some((d) => {
    const r = relative(d, path);
    return r === '' || (r.split(sep)[0] !== '..' && !isAbsolute(r));
  });
}

export function classify(path: string, o: Pick<WatchOptions, 'configFile' | 'witDir'>): ChangeKind {
  if (resolve(path) === resolve(o.configFile)) return 'config';
  const r = relative(o.witDir, path);
  if (!r.startsWith('..') && !r.startsWith(sep)) return 'wit';
  return 'source';
}

export async function watchProject(o: WatchOptions): Promise<ProjectWatcher> {
  const { watch } = await import('chokidar');
  const debounceMs = o.debounceMs ?? 50;
  let pending: ChangeBatch | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let closed = false;

  const flush = async () => {
    timer = undefined;
    if (running || !pending || closed) return;
    const batch = pending;
    pending = undefined;
    running = true;
    try {
      await o.onBatch(batch);
    } catch (err) {
      o.onError?.(err);
    } finally {
      running = false;
      if (pending && !closed) timer = setTimeout(flush, debounceMs);
    }
  };

  const watcher = watch(o.projectDir, {
    ignoreInitial: true,
    ignored: (path: string) => isIgnored(path, o.projectDir, o.ignoreDirs),
    awaitWriteFinish: false,
  });
  const onChange = (path: string) => {
    if (closed) return;
    pending ??= { kinds: new Set(), paths: [] };
    pending.kinds.add(classify(path, o));
    if (!pending.paths.includes(path)) pending.paths.push(path);
    if (timer) clearTimeout(timer);
    if (!running) timer = setTimeout(flush, debounceMs);
  };
  watcher.on('add', onChange).on('change', onChange).on('unlink', onChange);
  watcher.on('error', (err) => o.onError?.(err));
  const ready = new Promise<void>((r) => watcher.once('ready', () => r()));
  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
