/** ComponentRuntime: load (transpile + compile once per digest) and start components. */
import { compileComponent, componentDigest, type CompiledComponent } from './compiled-component.js';
import { HttpComponent } from './http-component.js';
import type { LoadedComponent, LogLevel, RunningComponent, RuntimeOptions, StartOptions } from './types.js';

const loaded = new WeakMap<LoadedComponent, CompiledComponent>();

export class ComponentRuntime {
  readonly #opts: RuntimeOptions;
  readonly #byDigest = new Map<string, Promise<CompiledComponent>>();
  readonly #running = new Set<HttpComponent>();
  readonly #log: (level: LogLevel, componentId: string, message: string) => void;

  constructor(opts: RuntimeOptions) {
    this.#opts = opts;
    this.#log = opts.log ?? (() => {});
  }

  /** Transpiles (once per sha256 digest, cached on disk under cacheDir) and compiles (once per runtime). */
  async load(bytes: Uint8Array): Promise<LoadedComponent> {
    const digest = componentDigest(bytes);
    let compiling = this.#byDigest.get(digest);
    if (!compiling) {
      compiling = compileComponent(bytes, {
        cacheDir: this.#opts.cacheDir,
        maxLinearMemoryBytes: this.#opts.maxLinearMemoryBytes,
        digest,
        log: (level, message) => this.#log(level, digest.slice(0, 12), message),
      });
      this.#byDigest.set(digest, compiling);
      compiling.catch(() => this.#byDigest.delete(digest));
    }
    const compiled = await compiling;
    const component: LoadedComponent = {
      digest,
      imports: compiled.imports,
      exports: compiled.exports,
      style: compiled.style,
    };
    loaded.set(component, compiled);
    return component;
  }

  /** Resolves once the component is instantiated and ready to serve. */
  async start(component: LoadedComponent, opts: StartOptions): Promise<RunningComponent> {
    const compiled = loaded.get(component);
    if (!compiled) throw new Error("start() needs a LoadedComponent returned by this runtime's load()");
    const running: HttpComponent = new HttpComponent(compiled, opts, {
      maxExecutionTimeMs: this.#opts.maxExecutionTimeMs,
      verifyInstanceReset: this.#opts.verifyInstanceReset,
      log: this.#log,
      onStopped: () => this.#running.delete(running),
    });
    running.warmUp();
    this.#running.add(running);
    return running;
  }

  /** Stops every running component (in-flight requests finish first). */
  async close(): Promise<void> {
    await Promise.all([...this.#running].map((r) => r.stop()));
    this.#byDigest.clear();
  }
}
