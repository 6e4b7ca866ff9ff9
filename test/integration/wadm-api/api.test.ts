/**
 * The wadm API behaviour list (wadm.md §2 and §6.3, `tests/api_model_operations.rs`) against our server, over
 * real NATS with raw requests, so the wire shapes are what is checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsConnect } from '../../../src/lattice/connect.js';
import { isUlid } from '../../../src/lattice/ulid.js';
import { startApiServer, type ApiServer } from '../../../src/wadm/api/index.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { collectEvents, manifestYaml, request, until } from './helpers.js';

let nats: TestNats;
let nc: NatsConnection;
let server: ApiServer;

const api = (op: string, name?: string, lattice = 'default') =>
  `wadm.api.${lattice}.model.${op}${name ? `.${name}` : ''}`;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  server = await startApiServer(nc, { lattices: ['default', 'other'] });
});
afterAll(async () => {
  await server?.close();
  await nc?.close();
  await nats?.close();
});

describe('put', () => {
  it('gives an unversioned manifest a ULID; versions count up with newversion', async () => {
    const first = await request(nc, api('put'), manifestYaml('unversioned'));
    expect(first).toMatchObject({
      result: 'created',
      total_versions: 1,
      name: 'unversioned',
      message: 'Successfully put manifest unversioned ',
    });
    expect(isUlid(first.current_version as string)).toBe(true);
    const stored = await request<any>(nc, api('get', 'unversioned'));
    expect(stored.manifest.metadata.annotations.version).toBe(first.current_version);

    expect(await request(nc, api('put'), manifestYaml('counted', 'v0.0.1'))).toMatchObject({
      result: 'created',
      total_versions: 1,
      current_version: 'v0.0.1',
    });
    expect(await request(nc, api('put'), manifestYaml('counted', 'v0.0.2'))).toEqual({
      result: 'newversion',
      total_versions: 2,
      current_version: 'v0.0.2',
      name: 'counted',
      message: 'Successfully put manifest counted v0.0.1',
    });
    expect(await request(nc, api('put'), manifestYaml('counted', 'v0.0.3'))).toMatchObject({
      result: 'newversion',
      total_versions: 3,
    });
  });

  it('refuses an existing version and the version latest', async () => {
    await request(nc, api('put'), manifestYaml('dupe', 'v1'));
    expect(await request(nc, api('put'), manifestYaml('dupe', 'v1'))).toEqual({
      result: 'error',
      message: 'Manifest version v1 already exists',
    });
    const latest = await request(nc, api('put'), manifestYaml('dupe', 'latest'));
    expect(latest.result).toBe('error');
    expect(latest.message).toContain('latest is not allowed in wadm');
  });

  it('honours Content-Type hints and refuses unknown ones', async () => {
    const json = JSON.stringify({
      apiVersion: 'core.oam.dev/v1beta1',
      kind: 'Application',
      metadata: { name: 'typed', annotations: { version: 'j1' } },
      spec: { components: [{ name: 'c', type: 'component', properties: { image: 'x:1' } }] },
    });
    expect(await request(nc, api('put'), json, { 'Content-Type': 'application/json' })).toMatchObject({
      result: 'created',
      current_version: 'j1',
    });
    expect(
      await request(nc, api('put'), manifestYaml('typed', 'y1'), { 'Content-Type': 'application/yaml' }),
    ).toMatchObject({ result: 'newversion', current_version: 'y1' });
    const yamlAsJson = await request(nc, api('put'), manifestYaml('typed', 'y2'), {
      'Content-Type': 'application/json',
    });
    expect(yamlAsJson.result).toBe('error');
    expect(yamlAsJson.message).toMatch(/^Unable to parse manifest: JSON/);
    expect(await request(nc, api('put'), json, { 'Content-Type': 'text/plain' })).toEqual({
      result: 'error',
      message: 'Unsupported content type text/plain given. Wadm supports YAML and JSON',
    });
  });

  it('validates: first Error in message, every Error in errors, names with bad characters refused', async () => {
    const dupes = manifestYaml('invalid-app', 'v1').replace('    - name: httpserver', '    - name: hello');
    const reply = await request<any>(nc, api('put'), dupes);
    expect(reply.result).toBe('error');
    expect(reply.message).toBe('Duplicate component name in manifest: hello');
    expect(reply.errors.length).toBeGreaterThanOrEqual(1);
    expect(reply.errors[0]).toContain('Duplicate component name in manifest: hello');
    const badName = await request(nc, api('put'), manifestYaml('bad.name', 'v1'));
    expect(badName).toEqual({
      result: 'error',
      message:
        'Manifest name bad.name contains invalid characters. Manifest names can only contain alphanumeric characters, dashes, and underscores.',
    });
    const syntax = await request<any>(nc, api('put'), 'metadata: [unclosed');
    expect(syntax.result).toBe('error');
    expect(syntax.message).toMatch(/^Unable to parse manifest: .*line 1/);
    expect((await request(nc, api('get', 'invalid-app'))).result).toBe('notfound');
  });

  it('notes missing shared components but still stores the manifest', async () => {
    const consumer = manifestYaml('needs-shared', 'v1').replace(
      '        image: ghcr.io/wasmcloud/http-server:0.23.2',
      '        application:\n          name: nowhere\n          component: httpserver',
    );
    const reply = await request(nc, api('put'), consumer);
    expect(reply).toMatchObject({
      result: 'created',
      message: 'Successfully put manifest needs-shared , but some shared components are not deployed: ["httpserver"]',
    });
    const deploy = await request(nc, api('deploy', 'needs-shared'));
    expect(deploy).toEqual({
      result: 'error',
      message: 'Application contains shared components that are not deployed in other applications: ["httpserver"]',
    });
  });
});

describe('get, versions and delete', () => {
  it('gets the current or a given version; notfound otherwise', async () => {
    await request(nc, api('put'), manifestYaml('getter', 'a1', { description: 'first' }));
    await request(nc, api('put'), manifestYaml('getter', 'a2', { description: 'second' }));
    const cur = await request<any>(nc, api('get', 'getter'));
    expect(cur).toMatchObject({ result: 'success', message: 'Successfully fetched application getter' });
    expect(cur.manifest.metadata.annotations).toEqual({ version: 'a2', description: 'second' });
    const old = await request<any>(nc, api('get', 'getter'), { version: 'a1' });
    expect(old).toMatchObject({ result: 'success', message: 'Successfully fetched application getter a1' });
    expect(old.manifest.metadata.annotations.version).toBe('a1');
    expect(await request(nc, api('get', 'getter'), { version: 'zz' })).toEqual({
      result: 'notfound',
      message: "Application getter with version zz doesn't exist",
    });
    expect(await request(nc, api('get', 'nobody'))).toEqual({
      result: 'notfound',
      message: 'Application with the name nobody not found',
    });
    expect((await request(nc, api('get', 'getter'), '{not json')).message).toMatch(
      /^Unable to parse get application request/,
    );
  });

  it('lists versions in insertion order, also after deleting a middle one', async () => {
    for (const v of ['v0.0.9', 'v0.0.10', 'v0.0.2', '3']) await request(nc, api('put'), manifestYaml('ordering', v));
    const versions = async () =>
      ((await request<any>(nc, api('versions', 'ordering'))).versions as Array<{ version: string }>).map(
        (v) => v.version,
      );
    expect(await versions()).toEqual(['v0.0.9', 'v0.0.10', 'v0.0.2', '3']);
    expect(await request(nc, api('del', 'ordering'), { version: 'v0.0.10' })).toEqual({
      result: 'deleted',
      message: 'Successfully deleted version v0.0.10 of application ordering',
      undeploy: false,
    });
    expect(await versions()).toEqual(['v0.0.9', 'v0.0.2', '3']);
    expect(await request(nc, api('versions', 'nobody'))).toMatchObject({ result: 'notfound', versions: [] });
  });

  it('noop deletes: unknown app publishes unpublish, unknown version of an existing app does not', async () => {
    const ev = collectEvents(nc, 'wadm.evt.default.manifest_unpublished');
    expect(await request(nc, api('del', 'ghost'))).toEqual({
      result: 'noop',
      message: "Application ghost doesn't exist or was already deleted",
      undeploy: false,
    });
    await until(() => ev.events.length === 1);
    expect(ev.events[0]).toMatchObject({
      type: 'com.wadm.manifest_unpublished',
      source: 'wadm',
      data: { name: 'ghost' },
    });
    await request(nc, api('put'), manifestYaml('keeper', 'k1'));
    await request(nc, api('deploy', 'keeper'));
    expect(await request(nc, api('del', 'keeper'), { version: 'k9' })).toEqual({
      result: 'noop',
      message: "Application version k9 doesn't exist",
      undeploy: false,
    });
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect(ev.events.map((e) => e.data.name)).toEqual(['ghost']);
    ev.stop();
    const v = await request<any>(nc, api('versions', 'keeper'));
    expect(v.versions).toEqual([{ version: 'k1', deployed: true }]);
  });

  it('deleting the deployed version undeploys; deleting the last version or all removes the app', async () => {
    const ev = collectEvents(nc, 'wadm.evt.default.manifest_unpublished');
    await request(nc, api('put'), manifestYaml('doomed', 'd1'));
    await request(nc, api('put'), manifestYaml('doomed', 'd2'));
    await request(nc, api('deploy', 'doomed'), { version: 'd2' });
    expect(await request(nc, api('del', 'doomed'), { version: 'd2' })).toEqual({
      result: 'deleted',
      message: 'Successfully deleted version d2 of application doomed',
      undeploy: true,
    });
    await until(() => ev.events.length === 1);
    expect(await request(nc, api('del', 'doomed'), { version: 'd1' })).toEqual({
      result: 'deleted',
      message: 'Successfully deleted last version of application doomed',
      undeploy: true,
    });
    expect((await request(nc, api('get', 'doomed'))).result).toBe('notfound');
    await request(nc, api('put'), manifestYaml('doomed', 'd3'));
    expect(await request(nc, api('del', 'doomed'))).toEqual({
      result: 'deleted',
      message: 'Successfully deleted application doomed',
      undeploy: true,
    });
    expect((await request(nc, api('get', 'doomed'))).result).toBe('notfound');
    await until(() => ev.events.length === 3);
    ev.stop();
  });
});

describe('deploy and undeploy', () => {
  it('deploys latest (no body), a version, then latest again, publishing manifest_published each time', async () => {
    const ev = collectEvents(nc, 'wadm.evt.default.manifest_published');
    await request(nc, api('put'), manifestYaml('deployable', 'v0.0.1'));
    await request(nc, api('put'), manifestYaml('deployable', 'v0.0.2'));
    const deployed = async () =>
      (
        (await request<any>(nc, api('versions', 'deployable'))).versions as Array<{
          version: string;
          deployed: boolean;
        }>
      )
        .filter((v) => v.deployed)
        .map((v) => v.version);

    expect(await request(nc, api('deploy', 'deployable'))).toEqual({
      result: 'acknowledged',
      message: 'Successfully deployed application deployable v0.0.2',
      name: 'deployable',
      version: 'v0.0.2',
    });
    expect(await deployed()).toEqual(['v0.0.2']);
    await until(() => ev.events.length === 1);
    expect(ev.events[0]).toMatchObject({
      specversion: '1.0',
      type: 'com.wadm.manifest_published',
      source: 'wadm',
      data: { metadata: { name: 'deployable', annotations: { version: 'v0.0.2' } } },
    });

    expect((await request(nc, api('deploy', 'deployable'), { version: 'v0.0.1' })).version).toBe('v0.0.1');
    expect(await deployed()).toEqual(['v0.0.1']);
    expect((await request(nc, api('deploy', 'deployable'), { version: 'latest' })).version).toBe('v0.0.2');
    expect((await request(nc, api('deploy', 'deployable'), { version: null })).version).toBe('v0.0.2');
    await until(() => ev.events.length === 4);
    expect(ev.events[1].data.metadata.annotations.version).toBe('v0.0.1');
    ev.stop();

    expect(await request(nc, api('deploy', 'deployable'), { version: 'v9' })).toEqual({
      result: 'error',
      message: "Application with the name 'deployable' does not have a version 'v9' to deploy",
      name: 'deployable',
      version: 'v9',
    });
    expect(await request(nc, api('deploy', 'unknown-app'), { version: 'v1' })).toEqual({
      result: 'notfound',
      message: 'Application with the name unknown-app not found',
      name: 'unknown-app',
      version: 'v1',
    });
    // the versions reply carries our deploy history extension
    const hist = await request<any>(nc, api('versions', 'deployable'));
    expect(hist.deploy_history.map((h: { version: string }) => h.version)).toEqual([
      'v0.0.2',
      'v0.0.1',
      'v0.0.2',
      'v0.0.2',
    ]);
  });

  it('undeploy clears the deployed version and always publishes manifest_unpublished (orphan flag passed through)', async () => {
    const ev = collectEvents(nc, 'wadm.evt.default.manifest_unpublished');
    await request(nc, api('put'), manifestYaml('undeployable', 'u1'));
    await request(nc, api('deploy', 'undeployable'));
    expect(await request(nc, api('undeploy', 'undeployable'))).toEqual({
      result: 'acknowledged',
      message: 'Successfully undeployed application undeployable',
      name: 'undeployable',
      version: null,
    });
    expect((await request<any>(nc, api('versions', 'undeployable'))).versions).toEqual([
      { version: 'u1', deployed: false },
    ]);
    expect(await request(nc, api('undeploy', 'undeployable'), { non_destructive: true })).toEqual({
      result: 'acknowledged',
      message: 'Application undeployable was already undeployed',
      name: 'undeployable',
      version: null,
    });
    await request(nc, api('deploy', 'undeployable'));
    await request(nc, api('undeploy', 'undeployable'), { orphan: true });
    await until(() => ev.events.length === 3);
    expect(ev.events.map((e) => e.data)).toEqual([
      { name: 'undeployable' },
      { name: 'undeployable' },
      { name: 'undeployable', orphan: true },
    ]);
    ev.stop();
    expect(await request(nc, api('undeploy', 'nope'))).toEqual({
      result: 'notfound',
      message: 'Application with the name nope not found',
      name: 'nope',
      version: null,
    });
  });

  it('refuses to deploy an explicit id another deployed app already uses', async () => {
    const withId = (name: string) =>
      manifestYaml(name, 'v1').replace(
        '        image: ghcr.io/wasmcloud/http-server:0.23.2',
        '        image: ghcr.io/wasmcloud/http-server:0.23.2\n        id: the-http-server',
      );
    await request(nc, api('put'), withId('first-owner'));
    await request(nc, api('put'), withId('second-owner'));
    expect((await request(nc, api('deploy', 'first-owner'))).result).toBe('acknowledged');
    expect(await request(nc, api('deploy', 'second-owner'))).toEqual({
      result: 'error',
      message: "Component identifier 'the-http-server' is already deployed in a different application 'first-owner'.",
    });
    await request(nc, api('undeploy', 'first-owner'));
    expect((await request(nc, api('deploy', 'second-owner'))).result).toBe('acknowledged');
  });
});

describe('list and status', () => {
  it('lists with model.get (wrapped) and model.list (bare array), a missing status as waiting (wadm 0.21)', async () => {
    await request(nc, api('put'), manifestYaml('listed', 'l1', { description: 'a listed app' }));
    const list = await request<any>(nc, api('get'));
    expect(list).toMatchObject({ result: 'success', message: 'Successfully fetched list of applications' });
    const listed = list.models.find((m: { name: string }) => m.name === 'listed');
    expect(listed).toEqual({
      name: 'listed',
      version: 'l1',
      description: 'a listed app',
      deployed_version: null,
      detailed_status: {
        status: { type: 'waiting', message: 'Waiting for status: Lattice contains no hosts, deployment not started.' },
        version: '',
        components: [],
      },
      status: 'undeployed',
      status_message: 'Waiting for status: Lattice contains no hosts, deployment not started.',
    });
    const names = list.models.map((m: { name: string }) => m.name);
    expect(names).toEqual([...names].sort());
    const bare = await request<any>(nc, api('list'));
    expect(Array.isArray(bare)).toBe(true);
    expect(bare.map((m: { name: string }) => m.name)).toEqual(names);

    // upstream (handlers.rs list_models) says waiting even when the lattice has hosts
    const host = nc.subscribe('wasmbus.ctl.v1.default.host.ping', {
      callback: (_e, m) => {
        m.respond(new TextEncoder().encode('{"success":true,"message":"","response":{}}'));
      },
    });
    await nc.flush();
    const withHost = await request<any>(nc, api('get'));
    host.unsubscribe();
    expect(withHost.models.find((m: { name: string }) => m.name === 'listed').detailed_status.status).toEqual({
      type: 'waiting',
      message: 'Waiting for status: Lattice contains no hosts, deployment not started.',
    });
  });

  it('status reads the last message of wadm.status.{lattice}.{name}, undeployed when there is none', async () => {
    expect(await request(nc, api('status', 'never-seen'))).toEqual({
      result: 'ok',
      message: 'Successfully fetched status for application never-seen',
      status: { status: { type: 'undeployed' }, version: '', components: [] },
    });
    const { jetstream } = await import('@nats-io/jetstream');
    const js = jetstream(nc);
    const first = { status: { type: 'reconciling', message: 'Scaling' }, scalers: [], version: '', components: [] };
    const second = {
      status: { type: 'ready' },
      version: '',
      components: [],
      scalers: [
        {
          id: 'abc',
          kind: 'SpreadScaler',
          name: 'listed-hello',
          status: { type: 'deployed' },
          desired: 1,
          observed: 1,
        },
      ],
    };
    await js.publish('wadm.status.default.listed', JSON.stringify(first));
    await js.publish('wadm.status.default.listed', JSON.stringify(second));
    const status = await request<any>(nc, api('status', 'listed'));
    expect(status.status.status).toEqual({ type: 'deployed' }); // alias ready → deployed
    expect(status.status.scalers[0]).toMatchObject({
      name: 'listed-hello',
      desired: 1,
      observed: 1,
      status: { type: 'deployed' },
    });
    const summary = (await request<any>(nc, api('get'))).models.find((m: { name: string }) => m.name === 'listed');
    expect(summary.status).toBe('deployed');
    expect(summary.detailed_status.scalers).toHaveLength(1);
  });

  it('history is not supported', async () => {
    expect(await request(nc, api('history', 'listed'))).toEqual({
      result: 'error',
      message: 'Model deployment history is not currently supported. It may be added in a future version',
    });
  });
});

describe('subjects and lattices', () => {
  it('answers invalid and unsupported subjects with wadm messages', async () => {
    expect((await request<any>(nc, 'wadm.api.default.model')).message).toBe(
      'Invalid subject: Expected to find operation',
    );
    expect((await request<any>(nc, 'wadm.api.default.model.get.a.b')).message).toMatch(
      /^Invalid subject: Found extra components of subject/,
    );
    expect(await request(nc, 'wadm.api.default.bogus.get')).toEqual({
      result: 'error',
      message: 'Unsupported subject: wadm.api.default.bogus.get',
    });
    expect((await request<any>(nc, 'wadm.api.default.model.frobnicate.x')).message).toBe(
      'Unsupported subject: wadm.api.default.model.frobnicate.x',
    );
    expect((await request<any>(nc, 'wadm.api.default.model.put.x')).message).toBe(
      'Unsupported subject: wadm.api.default.model.put.x',
    );
    expect((await request<any>(nc, 'wadm.api.default.model.deploy')).message).toBe(
      'Unsupported subject: wadm.api.default.model.deploy',
    );
  });

  it('keeps lattices apart and does not answer lattices it does not serve', async () => {
    await request(nc, api('put', undefined, 'other'), manifestYaml('listed', 'o1'));
    expect((await request<any>(nc, api('versions', 'listed', 'other'))).versions).toEqual([
      { version: 'o1', deployed: false },
    ]);
    expect((await request<any>(nc, api('versions', 'listed'))).versions).toEqual([{ version: 'l1', deployed: false }]);
    await expect(request(nc, api('get', undefined, 'unserved'))).rejects.toThrow(/no responders|503/i);
  });
});
