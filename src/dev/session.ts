/**
 * The `wash dev` loop: build, generate the manifest from the component's WIT, deploy it through wadm, watch,
 * and hot-reload on save with no failed requests.
 *
 * TypeScript/JavaScript projects run on the dev engine (see build/dev-engine.ts): a save is an esbuild run plus
 * one `config.put` of the bundle, which the running component reads on its next request. The manifest is
 * re-deployed only when what it wires changes (imports/exports, overrides, [dev] config, the engine itself).
 * Other languages are rebuilt with their toolchain and the manifest is re-deployed with the new file (wadm
 * updates the component in place, which the host does without downtime).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { UserError, errorChain } from '../errors.js';
import type { CtlClient } from '../lattice/ctl-client.js';
import type { UpOptions } from '../up/options.js';
import type { WadmClient } from '../wadm/client/index.js';
import { bundleEntry } from './build/bundle.js';
import { DEV_DIGEST_KEY, DEV_SOURCE_KEY, ensureDevEngine } from './build/dev-engine.js';
import { buildProject, isJsProject } from './build/index.js';
import { generateDevManifest, type GeneratedManifest, type Placeholder, type WitInterface } from './manifest-gen.js';
import { loadProjectConfig, type OverrideEntry, type ProjectConfig } from './project-config.js';
import { refuseDevSecrets } from './dev-secrets.js';
import { resolveWitDeps } from './wit-deps.js';
import { watchProject, type ChangeBatch, type ProjectWatcher } from './watch.js';

/** A NATS payload is 1 MiB by default; the bundle travels in one config.put. */
const MAX_SOURCE_BYTES = 900 * 1024;

export type DevEvent =
  | {
      event: 'started';
      session_id: string;
      component_id: string;
      /** The first of `apps` (the generated app, or the first `[dev].manifests` entry). */
      app: string;
      apps: string[];
      urls: string[];
      build_ms: number;
      deploy_ms: number;
      engine: 'dev-engine' | 'component';
      manifest_path?: string;
      manifest_paths: string[];
      placeholders: Placeholder[];
      /** Deploy problems that did not stop the session (e.g. a provider the host cannot run). */
      warnings: string[];
      lattice_started: boolean;
    }
  | { event: 'reloaded'; kind: 'source' | 'manifest'; build_ms: number; reload_ms: number; changed: string[] }
  | { event: 'build_failed'; error: string; changed: string[] }
  | {
      event: 'stopped';
      session_id: string;
      apps_deleted: string[];
      lattice_stopped: boolean;
      /** Upstream's exit document (`result` + `success`), §8.3 step 9. */
      result: string;
      success: true;
    };

export interface DevIo {
  event(e: DevEvent): void;
  /** Progress for people (stderr, text mode only). */
  note(message: string): void;
}

export interface DevSessionOptions {
  workDir: string;
  up: UpOptions;
  ignoreDirs: string[];
  leaveHostRunning: boolean;
  manifestOutputDir?: string;
  skipFetch: boolean;
  /** Default address of the http-server link (an export override still wins). */
  httpAddress?: string;
  cacheDir: string;
  env?: NodeJS.ProcessEnv;
  deployTimeoutMs?: number;
}

interface Artifact {
  image: string;
  imports: WitInterface[];
  exports: WitInterface[];
  /** Dev engine: the CommonJS bundle to put into config. */
  source?: string;
  extraConfigNames: string[];
  buildMs: number;
}

/** Stable per project directory, so a restarted session replaces its own app instead of adding one. */
export function sessionIdFor(projectDir: string): string {
  return createHash('sha256')
    .update(projectDir)
    .digest('base64url')
    .replace(/[^a-zA-Z0-9]/g, '')
    .slice(0, 6)
    .toLowerCase();
}

function componentIdFor(sessionId: string, name: string): string {
  return `${sessionId}-${name.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`;
}

function toInterfaces(names: readonly string[], parse: (n: string) => WitInterface | undefined): WitInterface[] {
  return names.map(parse).filter((i): i is WitInterface => i !== undefined);
}

/** Applies `--http-address` as the default http-server address (an explicit export override still wins). */
function withDefaultAddress(
  overrides: ProjectConfig['dev']['overrides'],
  address: string | undefined,
): { imports: OverrideEntry[]; exports: OverrideEntry[] } {
  if (!address) return overrides;
  const explicit = overrides.exports.some(
    (o) => typeof o.interface === 'string' && o.interface.startsWith('wasi:http') && o.link_config,
  );
  if (explicit) return overrides;
  return {
    imports: overrides.imports,
    exports: [
      { interface: 'wasi:http/incoming-handler', link_config: [{ values: { address } }] },
      ...overrides.exports,
    ],
  };
}

async function waitForHttp(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(`http://${address}/`, { signal: AbortSignal.timeout(5000) }).then((r) => r.arrayBuffer());
      return;
    } catch {
      if (Date.now() > deadline)
        throw new UserError(`nothing answers at http://${address} ${Math.round(timeoutMs / 1000)} s after deploying`, {
          suggestion: 'see the host log; `wash app status` shows what wadm did',
        });
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

type LinkTrait = {
  type: string;
  properties?: {
    namespace?: string;
    package?: string;
    source?: { config?: { properties?: Record<string, string> }[] };
  };
};

/** Where the manifest's wasi:http links listen (their source config `address`). */
function httpAddressesOf(manifest: Record<string, unknown>): string[] {
  const addresses: string[] = [];
  const components = (manifest.spec as { components?: { traits?: LinkTrait[] }[] } | undefined)?.components ?? [];
  for (const c of components) {
    for (const t of c.traits ?? []) {
      if (t.type === 'link' && t.properties?.namespace === 'wasi' && t.properties.package === 'http') {
        const addr = t.properties.source?.config?.find((x) => x.properties?.address)?.properties?.address;
        if (addr) addresses.push(addr);
      }
    }
  }
  return addresses;
}

export class DevSession {
  private cfg!: ProjectConfig;
  private nc?: NatsConnection;
  private ctl!: CtlClient;
  private wadm!: WadmClient;
  private lattice?: { shutdown(): Promise<void> };
  private latticeDetached = false;
  private watcher?: ProjectWatcher;
  /** The apps this session deployed, by name (one generated, or every `[dev].manifests` entry). */
  private readonly deployed = new Map<string, GeneratedManifest>();
  /** Every app this session put into wadm (removed on exit even when its deploy failed). */
  private readonly owned = new Set<string>();
  private sessionId = '';
  private componentId = '';
  private sourceConfigName = '';
  private lastDigest = '';
  private stopped = false;
  private readonly warnings: string[] = [];

  constructor(
    private readonly o: DevSessionOptions,
    private readonly io: DevIo,
  ) {}

  private get deployTimeoutMs(): number {
    return this.o.deployTimeoutMs ?? 90_000;
  }

  async start(): Promise<void> {
    this.cfg = await loadProjectConfig(this.o.workDir);
    refuseDevSecrets(this.cfg);
    if (this.o.manifestOutputDir && !existsSync(this.o.manifestOutputDir)) {
      throw new UserError(`--manifest-output-dir ${this.o.manifestOutputDir} does not exist`, {
        suggestion: 'create the directory first',
      });
    }
    if (!this.o.skipFetch) await resolveWitDeps(this.cfg);
    this.sessionId = sessionIdFor(this.cfg.projectDir);
    this.componentId = componentIdFor(this.sessionId, this.cfg.name);
    this.sourceConfigName = `${this.componentId}-dev-source`;

    const artifact = await this.build();
    await this.connect();
    const deployStarted = performance.now();
    if (artifact.source !== undefined) await this.putSource(artifact.source);
    const gens = await this.generate(artifact);
    await this.sync(gens);
    const manifestPaths = await this.writeManifests(gens);
    for (const p of gens.flatMap((g) => g.placeholders)) {
      this.io.note(
        `No provider is known for ${p.interfaces.join(', ')} (${p.direction}); calls to it fail until you wire one. Add to wasmcloud.toml:\n${p.snippet}`,
      );
    }
    this.io.event({
      event: 'started',
      session_id: this.sessionId,
      component_id: this.componentId,
      app: gens[0].name,
      apps: gens.map((g) => g.name),
      urls: gens.flatMap((g) => g.httpAddresses).map((a) => `http://${a}/`),
      build_ms: Math.round(artifact.buildMs),
      deploy_ms: Math.round(performance.now() - deployStarted),
      engine: artifact.source !== undefined ? 'dev-engine' : 'component',
      manifest_path: manifestPaths[0],
      manifest_paths: manifestPaths,
      placeholders: gens.flatMap((g) => g.placeholders),
      warnings: [...this.warnings],
      lattice_started: this.lattice !== undefined || this.latticeDetached,
    });
    this.watcher = await watchProject({
      projectDir: this.cfg.projectDir,
      configFile: this.cfg.file,
      witDir: this.cfg.witDir,
      ignoreDirs: this.outputDirs(),
      onBatch: (b) => this.onChange(b),
      onError: (err) => this.io.note(`watch error: ${errorChain(err).join(': ')}`),
    });
    await this.watcher.ready;
  }

  /** Where builds write (never watched, so a build cannot retrigger itself) plus --ignore-dir. */
  private outputDirs(): string[] {
    const dirs = [this.cfg.buildDir, ...this.o.ignoreDirs.map((d) => join(this.cfg.projectDir, d))];
    if (this.cfg.language === 'rust')
      dirs.push(
        this.cfg.rust?.target_path
          ? join(this.cfg.projectDir, this.cfg.rust.target_path)
          : join(this.cfg.projectDir, 'target'),
      );
    if (this.cfg.component.build_artifact) {
      const artifact = join(this.cfg.projectDir, this.cfg.component.build_artifact);
      dirs.push(artifact);
      if (dirname(artifact) !== this.cfg.projectDir) dirs.push(dirname(artifact));
    }
    return dirs;
  }

  /** Builds the project: the dev engine + bundle for JS/TS, the real component otherwise. */
  private async build(): Promise<Artifact> {
    const started = performance.now();
    if (isJsProject(this.cfg)) {
      const bundle = await bundleEntry(this.cfg, 'cjs');
      const engine = await ensureDevEngine({
        witDir: this.cfg.witDir,
        world: this.cfg.component.wit_world,
        userExports: bundle.exports,
        cacheDir: this.o.cacheDir,
        onBuildStart: () =>
          this.io.note(
            'Building the dev component for this WIT world with componentize-js (once per world; 15–40 s). Saves after this take well under a second.',
          ),
      });
      return {
        image: pathToFileURL(engine.path).href,
        imports: engine.world.imports,
        exports: engine.world.exports,
        source: bundle.code,
        extraConfigNames: [this.sourceConfigName],
        buildMs: performance.now() - started,
      };
    }
    const { componentPath } = await buildProject(this.cfg, { skipFetch: true });
    const bytes = readFileSync(componentPath);
    const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    const devDir = join(this.cfg.buildDir, 'dev');
    mkdirSync(devDir, { recursive: true });
    const copy = join(devDir, `${this.cfg.name}-${digest}.wasm`);
    if (!existsSync(copy)) copyFileSync(componentPath, copy);
    const { inspectComponent, parseInterfaceName } = await import('../component/index.js');
    const info = await inspectComponent(new Uint8Array(bytes), { label: componentPath });
    return {
      image: pathToFileURL(copy).href,
      imports: toInterfaces(info.imports, parseInterfaceName),
      exports: toInterfaces(info.exports, parseInterfaceName),
      extraConfigNames: [],
      buildMs: performance.now() - started,
    };
  }

  private async generate(a: Artifact): Promise<GeneratedManifest[]> {
    const own = this.cfg.dev.manifests ?? [];
    if (own.length > 0) return this.augmentOwn(a, own);
    const gen = generateDevManifest({
      componentId: this.componentId,
      sessionId: this.sessionId,
      image: a.image,
      imports: a.imports,
      exports: a.exports,
      overrides: withDefaultAddress(this.cfg.dev.overrides, this.o.httpAddress),
      devConfig: this.cfg.dev.config,
      extraConfigNames: a.extraConfigNames,
    });
    return [gen];
  }

  /** `[dev].manifests`: every listed manifest, with the dev build swapped into the components each entry matches. */
  private async augmentOwn(
    a: Artifact,
    entries: NonNullable<ProjectConfig['dev']['manifests']>,
  ): Promise<GeneratedManifest[]> {
    const { parse } = await import('yaml');
    const docs = entries.map((entry) => {
      const file = join(this.cfg.projectDir, entry.path);
      let doc: unknown;
      try {
        doc = parse(readFileSync(file, 'utf8'));
      } catch (cause) {
        throw new UserError(`cannot read [dev].manifests ${file}: ${(cause as Error).message}`, {
          suggestion: `fix the path in ${this.cfg.file} or the YAML in that file`,
        });
      }
      if (!doc || typeof doc !== 'object' || Array.isArray(doc))
        throw new UserError(`[dev].manifests ${file} is not an application manifest (a YAML mapping)`);
      return { doc: doc as Record<string, unknown>, entry, file };
    });
    const { augmentManifests } = await import('./manifest-augment.js');
    return augmentManifests(docs, {
      componentId: this.componentId,
      image: a.image,
      devConfig: this.cfg.dev.config,
      extraConfigNames: a.extraConfigNames,
      projectFile: this.cfg.file,
    }).map(({ manifest, name }) => ({
      manifest,
      name,
      dependencies: [],
      placeholders: [],
      httpAddresses: httpAddressesOf(manifest),
      fingerprint: JSON.stringify(manifest),
    }));
  }

  private async connect(): Promise<void> {
    const up = this.o.up;
    const { natsConnect } = await import('../lattice/connect.js');
    const { tcpReachable } = await import('../up/nats-server.js');
    const { CtlClient } = await import('../lattice/ctl-client.js');
    const { WadmClient } = await import('../wadm/client/index.js');
    const url = `nats://${up.natsHost}:${up.natsPort}`;
    let hosts = 0;
    if (await tcpReachable(up.natsHost, up.natsPort, 500)) {
      const nc = await natsConnect(url, {}, { name: 'wash-dev', timeout: 2000 });
      const probe = new CtlClient(nc, { lattice: up.lattice, prefix: up.ctlTopicPrefix, collectMs: 750 });
      hosts = (await probe.pingHosts({ timeoutMs: 750, stallMs: 250 })).length;
      await nc.close();
    }
    if (hosts === 0) {
      this.io.note(
        `No host answers on lattice ${up.lattice} at ${up.natsHost}:${up.natsPort}: starting ${this.o.leaveHostRunning ? 'a detached' : 'a'} local lattice like \`wash up\``,
      );
      const io = { note: (m: string) => this.io.note(m) };
      if (this.o.leaveHostRunning) {
        const { upDetached } = await import('../up/run-up.js');
        await upDetached({ ...up, detached: true }, io, this.o.env);
        this.latticeDetached = true;
      } else {
        const { startLocalLattice } = await import('../up/local-lattice.js');
        this.lattice = await startLocalLattice(up, 'foreground', io, this.o.env);
      }
    }
    this.nc = await natsConnect(
      url,
      {},
      { name: 'wash-dev', timeout: 2000, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 250 },
    );
    this.ctl = new CtlClient(this.nc, { lattice: up.lattice, prefix: up.ctlTopicPrefix, timeoutMs: 5000 });
    this.wadm = new WadmClient(this.nc, up.lattice, { timeoutMs: 10_000 });
  }

  private async putSource(source: string): Promise<void> {
    const bytes = Buffer.byteLength(source);
    if (bytes > MAX_SOURCE_BYTES) {
      throw new UserError(
        `the dev bundle is ${Math.round(bytes / 1024)} KiB; wash dev passes it through lattice config, which holds at most ${MAX_SOURCE_BYTES / 1024} KiB`,
        {
          suggestion: 'trim dependencies, or use `wash build` and deploy the component',
        },
      );
    }
    const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
    if (digest === this.lastDigest) return;
    await this.ctl.putConfig(this.sourceConfigName, { [DEV_SOURCE_KEY]: source, [DEV_DIGEST_KEY]: digest });
    this.lastDigest = digest;
  }

  /**
   * Deploys the manifests whose wiring changed (all of them the first time) and removes apps no longer listed
   * (a `[dev].manifests` edit). Returns the names it (re)deployed.
   */
  private async sync(gens: GeneratedManifest[]): Promise<string[]> {
    const changed = gens.filter((g) => this.deployed.get(g.name)?.fingerprint !== g.fingerprint);
    const gone = [...this.owned].filter((name) => !gens.some((g) => g.name === name));
    await Promise.all(gone.map((name) => this.remove(name)));
    await Promise.all(changed.map((g) => this.deploy(g)));
    return changed.map((g) => g.name);
  }

  private async deploy(gen: GeneratedManifest): Promise<void> {
    const { armAppWait } = await import('../wadm/client/index.js');
    const put = await this.wadm.put(gen.manifest as never);
    this.owned.add(gen.name);
    const wait = await armAppWait(this.wadm, gen.name, 'deployed', {
      timeoutMs: this.deployTimeoutMs,
      graceMs: 500,
      pollMs: 250,
    });
    try {
      const dep = await this.wadm.deploy(gen.name, put.current_version || undefined);
      if (dep.result !== 'acknowledged')
        throw new UserError(`wadm did not deploy ${gen.name}: ${dep.message || dep.result}`);
      try {
        await wait.wait();
      } catch (err) {
        // A provider that cannot start must not end the loop: what can serve keeps serving, and the
        // message says what is missing (e.g. a provider this host cannot run yet).
        const warning = errorChain(err).join(': ');
        this.warnings.push(warning);
        this.io.note(`warning: ${warning}`);
      }
    } finally {
      wait.cancel();
    }
    for (const address of gen.httpAddresses) await waitForHttp(address, this.deployTimeoutMs);
    this.deployed.set(gen.name, gen);
  }

  /** Undeploys the app, waits until wadm reports it undeployed, and deletes every version of it. */
  private async remove(name: string): Promise<void> {
    this.deployed.delete(name);
    this.owned.delete(name);
    try {
      const { armAppWait } = await import('../wadm/client/index.js');
      const wait = await armAppWait(this.wadm, name, 'undeployed', { timeoutMs: 15_000, graceMs: 500, pollMs: 250 });
      try {
        await this.wadm.undeploy(name);
        await wait.wait();
      } finally {
        wait.cancel();
      }
      await this.wadm.delete(name);
    } catch (err) {
      this.io.note(`could not remove the dev app ${name}: ${errorChain(err).join(': ')}`);
    }
  }

  private async writeManifests(gens: GeneratedManifest[]): Promise<string[]> {
    if (!this.o.manifestOutputDir) return [];
    const { stringify } = await import('yaml');
    return gens.map((gen) => {
      const path = join(this.o.manifestOutputDir!, `${gen.name}.yaml`);
      writeFileSync(
        path,
        manifestYaml(gen, (v) => stringify(v)),
      );
      return path;
    });
  }

  private async onChange(batch: ChangeBatch): Promise<void> {
    if (this.stopped) return;
    const changed = batch.paths.map((p) => p.slice(this.cfg.projectDir.length + 1));
    const started = performance.now();
    let artifact: Artifact;
    try {
      if (batch.kinds.has('config')) {
        const cfg = await loadProjectConfig(this.cfg.file);
        refuseDevSecrets(cfg);
        this.cfg = cfg;
        if (!this.o.skipFetch) await resolveWitDeps(this.cfg);
      }
      artifact = await this.build();
    } catch (err) {
      this.io.event({ event: 'build_failed', error: errorChain(err).join(': '), changed });
      return;
    }
    const reloadStarted = performance.now();
    try {
      if (artifact.source !== undefined) await this.putSource(artifact.source);
      const gens = await this.generate(artifact);
      const redeployed = await this.sync(gens);
      if (redeployed.length) await this.writeManifests(gens);
      this.io.event({
        event: 'reloaded',
        kind: redeployed.length ? 'manifest' : 'source',
        build_ms: Math.round(reloadStarted - started),
        reload_ms: Math.round(performance.now() - reloadStarted),
        changed,
      });
    } catch (err) {
      this.io.event({ event: 'build_failed', error: `reload failed: ${errorChain(err).join(': ')}`, changed });
    }
  }

  /** Deletes every app this session deployed (as upstream does on Ctrl+C), its config, and stops what it started. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.watcher?.close().catch(() => undefined);
    const apps = [...this.owned];
    if (this.nc) {
      await Promise.all(apps.map((name) => this.remove(name)));
      if (this.lastDigest) await this.ctl.deleteConfig(this.sourceConfigName).catch(() => undefined);
    }
    await this.nc?.close().catch(() => undefined);
    const stopLattice = this.lattice !== undefined && !this.o.leaveHostRunning;
    if (stopLattice) await this.lattice!.shutdown();
    this.io.event({
      event: 'stopped',
      session_id: this.sessionId,
      apps_deleted: apps,
      lattice_stopped: stopLattice,
      result: `✅ Dev session [${this.sessionId}] exited successfully.`,
      success: true,
    });
  }
}

/** YAML of the generated manifest, with placeholders as comments that say how to wire them. */
export function manifestYaml(
  gen: GeneratedManifest,
  stringify: (v: unknown) => string = (v) => JSON.stringify(v, null, 2),
): string {
  const head = gen.placeholders.length
    ? gen.placeholders
        .map(
          (p) =>
            `# PLACEHOLDER (${p.direction}) ${p.interfaces.join(', ')}: no provider known; add to wasmcloud.toml:\n${p.snippet
              .split('\n')
              .map((l) => `#   ${l}`)
              .join('\n')}\n`,
        )
        .join('')
    : '';
  return `# Generated by wash dev — deploy with: wash app deploy <this file>\n${head}${stringify(gen.manifest)}\n`;
}
