/**
 * Which apps care about what (pure, no I/O): the workloads, links and configs each app's scalers depend on,
 * and the events (expectation keys) each app is waiting for. The engine marks exactly these apps dirty when
 * the lattice changes, instead of re-reconciling every app.
 */
import type { AppRuntime } from './app.js';
import { workloadIdOf } from './scalers/index.js';
import { linkIdentity } from './state.js';

type Index = Map<string, Set<string>>;

const add = (index: Index, key: string, app: string) => {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(app);
};

const removeFrom = (index: Index, key: string, app: string) => {
  const set = index.get(key);
  set?.delete(app);
  if (set?.size === 0) index.delete(key);
};

export class AppIndex {
  private readonly byWorkload: Index = new Map();
  private readonly byLink: Index = new Map();
  private readonly byConfig: Index = new Map();
  private readonly byExpectation: Index = new Map();
  /** Per app, the entries it is in (so removing an app does not scan every index). */
  private readonly entries = new Map<string, [Index, string][]>();
  private readonly expecting = new Map<string, Set<string>>();

  /** Indexes the app's dependencies (call `remove` first when the app changed). */
  add(app: Pick<AppRuntime, 'name' | 'scalers'>): void {
    const keys: [Index, string][] = [];
    const put = (index: Index, key: string) => {
      add(index, key, app.name);
      keys.push([index, key]);
    };
    for (const rt of app.scalers) {
      const wid = workloadIdOf(rt.spec);
      if (wid !== undefined) put(this.byWorkload, wid);
      if (rt.spec.role === 'link') {
        const l = rt.spec.link;
        put(this.byLink, linkIdentity(l.source_id, l.wit_namespace, l.wit_package, l.name));
        // A link is (re)put when its ends come up.
        put(this.byWorkload, l.source_id);
        put(this.byWorkload, l.target);
      }
      for (const p of rt.spec.prerequisites) put(this.byConfig, p.name);
    }
    this.entries.set(app.name, keys);
  }

  /** Forgets the app: its dependencies and what it was waiting for. */
  remove(name: string): void {
    for (const [index, key] of this.entries.get(name) ?? []) removeFrom(index, key, name);
    this.entries.delete(name);
    for (const key of this.expecting.get(name) ?? []) removeFrom(this.byExpectation, key, name);
    this.expecting.delete(name);
  }

  clear(): void {
    for (const m of [this.byWorkload, this.byLink, this.byConfig, this.byExpectation, this.entries, this.expecting])
      m.clear();
  }

  appsUsingWorkload(id: string): readonly string[] {
    return [...(this.byWorkload.get(id) ?? [])];
  }

  appsUsingLink(identity: string): readonly string[] {
    return [...(this.byLink.get(identity) ?? [])];
  }

  appsUsingConfig(name: string): readonly string[] {
    return [...(this.byConfig.get(name) ?? [])];
  }

  usesConfig(name: string): boolean {
    return this.byConfig.has(name);
  }

  /** Every config some app depends on. */
  configNames(): string[] {
    return [...this.byConfig.keys()];
  }

  /** The app waits for an event with this expectation key. */
  expect(app: string, key: string): void {
    add(this.byExpectation, key, app);
    let mine = this.expecting.get(app);
    if (!mine) this.expecting.set(app, (mine = new Set()));
    mine.add(key);
  }

  appsExpecting(key: string): readonly string[] {
    return [...(this.byExpectation.get(key) ?? [])];
  }

  /** The app no longer waits for this key. */
  fulfilled(app: string, key: string): void {
    removeFrom(this.byExpectation, key, app);
    this.expecting.get(app)?.delete(key);
  }
}
