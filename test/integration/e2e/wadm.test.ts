/**
 * wadm end to end with REAL wash hosts (child processes running real components) and the in-process engine:
 * deploy + curl, the upstream upgrade path (outdatedapp → upgradedapp → upgradedapp2, adapted to local
 * components), rollback, undeploy cleanup and --orphan, label spreads over three hosts, rescheduling after a
 * host stops, engine restart without duplicate starts, and three engines at once without over-starts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import { freePort } from '../../../src/up/nats-server.js';
import type { Wadm } from '../../../src/wadm/index.js';
import { helloApp as sharedHelloApp } from '../../../src/testing/hello-app.js';
import { runWash } from '../../helpers/cli.js';
import { FIXTURE_BODIES, fixturePath } from '../../helpers/fixtures.js';
import type { TestNats } from '../../helpers/nats.js';
import { startTestLattice, type TestLattice } from '../../helpers/test-lattice.js';
import { EventLog, get, waitForBody, waitUntil, type ChildHost } from '../host/helpers.js';

const V1 = pathToFileURL(fixturePath('http-hello-v1')).href;
const V2 = pathToFileURL(fixturePath('http-hello-v2')).href;
const BODY1 = FIXTURE_BODIES['http-hello-v1'];
const BODY2 = FIXTURE_BODIES['http-hello-v2'];

let lat: TestLattice;
let nats: TestNats;
let nc: NatsConnection;
let dir: string;

beforeAll(async () => {
  lat = await startTestLattice({ lattice: 'wadm-e2e', tmpPrefix: 'wash-e2e-wadm-' });
  ({ nats, nc, dir } = lat);
});

afterEach(() => lat.stopWorkloads());

afterAll(() => lat?.stop());

const wadm = (lattice: string): Promise<Wadm> => lat.wadm({ lattices: [lattice] });

const host = (lattice: string, ...labels: string[]): Promise<ChildHost> =>
  lat.host(
    labels.flatMap((l) => ['-l', l]),
    lattice,
  );

function manifestFile(name: string, yaml: string): string {
  const file = join(dir, `${name}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

function app(lattice: string, ...args: string[]) {
  return runWash(['app', ...args, '-o', 'json', '-x', lattice], {
    env: { WASMCLOUD_CTL_PORT: String(nats.port), HOME: dir, WASH_CONFIG_DIR: join(dir, 'config') },
    timeoutMs: 90_000,
  });
}

async function componentCounts(ctl: CtlClient, id: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const inv of await ctl.getInventories()) {
    const c = inv.components.find((x) => x.id === id);
    if (c) out[inv.host_id] = c.max_instances;
  }
  return out;
}

const helloApp = (name: string, port: number, image = V1, instances = 2) =>
  sharedHelloApp({ name, port, image, instances });

/** One component (`hello`, the v1 fixture) with a spreadscaler over the given spread entries (YAML flow maps). */
const spreadApp = (name: string, instances: number, spreads: string[]) => `
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: ${name}
  annotations:
    version: v1
spec:
  components:
    - name: hello
      type: component
      properties:
        image: ${V1}
      traits:
        - type: spreadscaler
          properties:
            instances: ${instances}
            spread:
${spreads.map((x) => `              - ${x}`).join('\n')}
`;

describe('wadm with real hosts', () => {
  it('deploys the hello app (wash app deploy --wait) and it answers HTTP; undeploy removes everything', async () => {
    const lattice = 'wadm-hello';
    await wadm(lattice);
    const h = await host(lattice);
    const port = await freePort();
    const deployed = await app(lattice, 'deploy', manifestFile('hello', helloApp('hello', port)), '--wait');
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.json).toMatchObject({ deployed: true, model_name: 'hello', model_version: 'v1', success: true });
    await waitForBody(`http://127.0.0.1:${port}/`, BODY1);

    // Re-deploying the same file is idempotent; other content under the same version is refused.
    const file = manifestFile('hello-again', helloApp('hello', port));
    expect((await app(lattice, 'deploy', file)).code).toBe(0);
    const changed = await app(lattice, 'deploy', manifestFile('hello-changed', helloApp('hello', port, V1, 3)));
    expect(changed.code).toBe(1);
    expect(changed.json.error).toMatch(/v1 already exists .*different content/);

    const status = await app(lattice, 'status', 'hello');
    expect(status.json.status.status.type).toBe('deployed');
    const spread = status.json.status.scalers.find(
      (s: { kind: string; name: string }) => s.kind === 'SpreadScaler' && s.name === 'hello-hello',
    );
    expect(spread).toMatchObject({ desired: 2, observed: 2 });

    const ctl = new CtlClient(nc, { lattice, timeoutMs: 3000, collectMs: 500 });
    const inv = await ctl.getInventory(h.id);
    expect(inv.components).toEqual([
      expect.objectContaining({
        id: 'hello-hello',
        max_instances: 2,
        annotations: expect.objectContaining({ 'wasmcloud.dev/managed-by': 'wadm', 'wasmcloud.dev/appspec': 'hello' }),
      }),
    ]);

    const undeployed = await app(lattice, 'undeploy', 'hello', '--wait');
    expect(undeployed.code, undeployed.stderr).toBe(0);
    await waitUntil(
      async () =>
        (await ctl.getInventory(h.id)).components.length === 0 && (await ctl.getInventory(h.id)).providers.length === 0
          ? true
          : undefined,
      20_000,
      'workloads removed',
    );
    expect(await ctl.getLinks()).toEqual([]);
    await waitUntil(
      async () => ((await get(`http://127.0.0.1:${port}/`)) === undefined ? true : undefined),
      10_000,
      'port closed',
    );
  });

  it('upgrade path outdated → upgraded → upgraded2, then rollback: changes applied, removed resources cleaned up', async () => {
    const lattice = 'wadm-upgrade';
    await wadm(lattice);
    const h = await host(lattice);
    const ctl = new CtlClient(nc, { lattice, timeoutMs: 3000, collectMs: 500 });
    const [helloPort, dogPort, helloPort2] = await Promise.all([freePort(), freePort(), freePort()]);
    const component = (name: string, image: string, instances: number, id?: string) => `
    - name: ${name}
      type: component
      properties:
        image: ${image}${id ? `\n        id: ${id}` : ''}
      traits:
        - type: spreadscaler
          properties:
            instances: ${instances}`;
    const httpLink = (name: string, target: string, port: number) => `
        - type: link
          properties:
            name: ${name}
            target:
              name: ${target}
            namespace: wasi
            package: http
            interfaces: [incoming-handler]
            source:
              config:
                - name: ${name}-address
                  properties:
                    address: 127.0.0.1:${port}`;
    const doc = (version: string, components: string, httpserverExtra = '', links = '') => `
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: updateapp
  annotations:
    version: ${version}
spec:
  components:${components}
    - name: httpserver
      type: capability
      properties:
        image: ghcr.io/wasmcloud/http-server:0.24.0
        id: http_server${httpserverExtra}
      traits:${links}
`;
    const outdated = doc(
      'v1',
      component('dog-fetcher', V1, 5) +
        component('hello-world', V1, 3, 'http_hello_world') +
        component('kvcounter', V1, 3),
      '',
      httpLink('hello', 'hello-world', helloPort) + httpLink('dog', 'dog-fetcher', dogPort),
    );
    const upgraded = doc(
      'v2',
      component('dog-fetcher', V2, 5) +
        component('echo-messaging', V1, 1) +
        component('hello-world', V1, 3, 'http_hello_world'),
      '',
      httpLink('hello', 'hello-world', helloPort2) + httpLink('dog', 'dog-fetcher', dogPort),
    );
    const upgraded2 = doc(
      'v3',
      component('dog-fetcher', V2, 5) +
        component('echo-messaging', V1, 1) +
        component('hello-world', V1, 3, 'http_hello_world'),
      `\n        config:\n          - name: http-config\n            properties:\n              number: '1'`,
      httpLink('hello', 'hello-world', helloPort) + httpLink('dog', 'dog-fetcher', dogPort),
    );

    const ids = async () =>
      (await ctl.getInventory(h.id)).components
        .map((c) => `${c.id}@${c.image_ref === V2 ? 'v2' : 'v1'}x${c.max_instances}`)
        .sort();

    expect((await app(lattice, 'deploy', manifestFile('outdated', outdated), '--wait')).code).toBe(0);
    await waitForBody(`http://127.0.0.1:${helloPort}/`, BODY1);
    await waitForBody(`http://127.0.0.1:${dogPort}/`, BODY1);
    expect(await ids()).toEqual(['http_hello_world@v1x3', 'updateapp-dog_fetcher@v1x5', 'updateapp-kvcounter@v1x3']);

    const up1 = await app(lattice, 'deploy', manifestFile('upgraded', upgraded), '--wait');
    expect(up1.code, up1.stderr).toBe(0);
    await waitForBody(`http://127.0.0.1:${dogPort}/`, BODY2); // image bump: updated in place
    await waitForBody(`http://127.0.0.1:${helloPort2}/`, BODY1); // link config changed: new address
    await waitUntil(
      async () => ((await get(`http://127.0.0.1:${helloPort}/`)) === undefined ? true : undefined),
      15_000,
      'old hello address closed',
    );
    await waitUntil(
      async () =>
        JSON.stringify(await ids()) ===
        JSON.stringify(['http_hello_world@v1x3', 'updateapp-dog_fetcher@v2x5', 'updateapp-echo_messaging@v1x1'])
          ? true
          : undefined,
      20_000,
      'kvcounter removed, echo added',
    );

    expect((await app(lattice, 'deploy', manifestFile('upgraded2', upgraded2), '--wait')).code).toBe(0);
    await waitForBody(`http://127.0.0.1:${helloPort}/`, BODY1);
    expect(await ctl.getConfig('updateapp-http_config')).toEqual({ number: '1' });

    const rolled = await app(lattice, 'rollback', 'updateapp', '--wait');
    expect(rolled.code, rolled.stderr).toBe(0);
    await waitForBody(`http://127.0.0.1:${helloPort2}/`, BODY1);
    await waitUntil(
      async () => ((await ctl.getConfig('updateapp-http_config')) === undefined ? true : undefined),
      15_000,
      'provider config of v3 cleaned up',
    );
    const history = await app(lattice, 'history', 'updateapp');
    expect(
      history.json.revisions.map((r: { version: string; deployed: boolean }) => `${r.version}:${r.deployed}`),
    ).toEqual(['v1:false', 'v2:true', 'v3:false']);
  });

  it('undeploy --orphan stops managing but leaves the workloads running', async () => {
    const lattice = 'wadm-orphan';
    await wadm(lattice);
    const h = await host(lattice);
    const port = await freePort();
    expect((await app(lattice, 'deploy', manifestFile('orphan', helloApp('orphan', port)), '--wait')).code).toBe(0);
    await waitForBody(`http://127.0.0.1:${port}/`, BODY1);
    const r = await app(lattice, 'undeploy', 'orphan', '--orphan');
    expect(r.code, r.stderr).toBe(0);
    await new Promise((res) => setTimeout(res, 2000));
    await waitForBody(`http://127.0.0.1:${port}/`, BODY1, 2000);
    const ctl = new CtlClient(nc, { lattice, timeoutMs: 3000, collectMs: 500 });
    expect((await ctl.getInventory(h.id)).components.map((c) => c.id)).toEqual(['orphan-hello']);
  });

  it('spreads over three labelled hosts by weight (all_hosts.yaml adapted)', async () => {
    const lattice = 'wadm-spread';
    await wadm(lattice);
    const [east, west, moon] = await Promise.all([
      host(lattice, 'region=us-brooks-east'),
      host(lattice, 'region=us-taylor-west'),
      host(lattice, 'region=moon'),
    ]);
    const yaml = spreadApp('hello-all-hosts', 5, [
      '{ name: eastcoast, requirements: { region: us-brooks-east }, weight: 40 }',
      '{ name: westcoast, requirements: { region: us-taylor-west }, weight: 40 }',
      '{ name: the-moon, requirements: { region: moon }, weight: 20 }',
    ]);
    expect((await app(lattice, 'deploy', manifestFile('spread', yaml), '--wait')).code).toBe(0);
    const ctl = new CtlClient(nc, { lattice, timeoutMs: 3000, collectMs: 500 });
    expect(await componentCounts(ctl, 'hello_all_hosts-hello')).toEqual({ [east.id]: 2, [west.id]: 2, [moon.id]: 1 });
  });

  it('reschedules onto another eligible host when a host stops (host_stop.yaml adapted)', async () => {
    const lattice = 'wadm-hoststop';
    await wadm(lattice);
    const [a, b] = await Promise.all([host(lattice, 'region=us-brooks-east'), host(lattice, 'region=us-brooks-east')]);
    const yaml = spreadApp('host-stop', 5, [
      '{ name: eastcoast, requirements: { region: us-brooks-east }, weight: 100 }',
    ]);
    expect((await app(lattice, 'deploy', manifestFile('hoststop', yaml), '--wait')).code).toBe(0);
    const ctl = new CtlClient(nc, { lattice, timeoutMs: 3000, collectMs: 500 });
    const before = await componentCounts(ctl, 'host_stop-hello');
    expect(Object.values(before)).toEqual([5]);
    const victim = [a, b].find((h) => h.id in before)!;
    const survivor = [a, b].find((h) => h !== victim)!;
    expect(await victim.signal('SIGTERM')).toBe(0);
    await waitUntil(
      async () => {
        const c = await componentCounts(ctl, 'host_stop-hello');
        return c[survivor.id] === 5 ? c : undefined;
      },
      30_000,
      'instances rescheduled on the surviving host',
    );
    await waitUntil(
      async () =>
        (await app(lattice, 'status', 'host-stop')).json?.status?.status?.type === 'deployed' ? true : undefined,
      15_000,
      'status deployed again',
    );
  });

  it('one wadm serves several lattices: each app lands only on its own lattice', async () => {
    await lat.wadm({ lattices: ['wadm-multi-a', 'wadm-multi-b'] });
    const [ha, hb] = await Promise.all([host('wadm-multi-a'), host('wadm-multi-b')]);
    const [pa, pb] = await Promise.all([freePort(), freePort()]);
    expect(
      (await app('wadm-multi-a', 'deploy', manifestFile('multi-a', helloApp('alpha', pa, V1, 1)), '--wait')).code,
    ).toBe(0);
    expect(
      (await app('wadm-multi-b', 'deploy', manifestFile('multi-b', helloApp('beta', pb, V2, 1)), '--wait')).code,
    ).toBe(0);
    await waitForBody(`http://127.0.0.1:${pa}/`, BODY1);
    await waitForBody(`http://127.0.0.1:${pb}/`, BODY2);
    const ids = async (lattice: string, hostId: string) =>
      (await new CtlClient(nc, { lattice, timeoutMs: 3000 }).getInventory(hostId)).components.map((c) => c.id);
    expect(await ids('wadm-multi-a', ha.id)).toEqual(['alpha-hello']);
    expect(await ids('wadm-multi-b', hb.id)).toEqual(['beta-hello']);
    expect((await app('wadm-multi-a', 'list')).json.applications.map((a: { name: string }) => a.name)).toEqual([
      'alpha',
    ]);
  });

  it('engine restart rebuilds state without duplicate starts; three engines at once do not over-start', async () => {
    const lattice = 'wadm-engines';
    const events = await new EventLog(nc, lattice).start();
    try {
      await Promise.all([wadm(lattice), wadm(lattice), wadm(lattice)]);
      const h = await host(lattice);
      const port = await freePort();
      expect(
        (await app(lattice, 'deploy', manifestFile('engines', helloApp('engines', port, V1, 3)), '--wait')).code,
      ).toBe(0);
      await waitForBody(`http://127.0.0.1:${port}/`, BODY1);
      await new Promise((r) => setTimeout(r, 3000)); // let any duplicate commands surface
      const scaled = events
        .named('component_scaled')
        .filter((e) => (e.data as { component_id?: string }).component_id === 'engines-hello');
      expect(scaled).toHaveLength(1);
      expect(events.named('provider_started')).toHaveLength(1);
      expect(events.named('provider_start_failed')).toHaveLength(0);

      const mark = events.mark();
      await lat.stopWadms();
      await wadm(lattice);
      await new Promise((r) => setTimeout(r, 4000));
      const after = events
        .since(mark)
        .filter((e) =>
          ['component_scaled', 'provider_started', 'provider_stopped', 'linkdef_set', 'linkdef_deleted'].includes(
            e.name,
          ),
        );
      expect(after).toEqual([]);
      expect((await app(lattice, 'status', 'engines')).json.status.status.type).toBe('deployed');
      const ctl = new CtlClient(nc, { lattice, timeoutMs: 3000, collectMs: 500 });
      expect((await ctl.getInventory(h.id)).components).toEqual([
        expect.objectContaining({ id: 'engines-hello', max_instances: 3 }),
      ]);
    } finally {
      events.stop();
    }
  });
});
