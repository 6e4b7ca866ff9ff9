import { describe, expect, it } from 'vitest';
import {
  deleteNeedsUnpublish,
  deleteReply,
  deployReply,
  parseRequestBody,
  putReply,
  summaryOf,
  undeployReply,
  versionsReply,
} from '../../../src/wadm/api/responses.js';
import { parseApiSubject } from '../../../src/wadm/api/subjects.js';
import { contentTypeOf } from '../../../src/wadm/api/put-body.js';
import type { StoredApp } from '../../../src/wadm/types.js';
import { undeployedStatus, waitingNoHostsStatus } from '../../../src/wadm/types.js';

const enc = (s: string) => new TextEncoder().encode(s);
const app: StoredApp = {
  name: 'a',
  versions: [
    {
      version: 'v1',
      manifest: {
        apiVersion: 'x',
        kind: 'Application',
        metadata: { name: 'a', annotations: { version: 'v1' } },
        spec: { components: [] },
      },
    },
    {
      version: 'v2',
      manifest: {
        apiVersion: 'x',
        kind: 'Application',
        metadata: { name: 'a', annotations: { version: 'v2', description: 'd2' } },
        spec: { components: [] },
      },
    },
  ],
  deployed_version: 'v1',
  deploy_history: [{ version: 'v1', deployed_at: '2026-01-01T00:00:00Z' }],
  revision: 3,
};

describe('API subject parsing', () => {
  it('decodes operations with and without names', () => {
    expect(parseApiSubject('wadm.api.default.model.put', 'wadm.api')).toEqual({
      kind: 'op',
      lattice: 'default',
      op: 'put',
    });
    expect(parseApiSubject('wadm.api.default.model.get', 'wadm.api')).toEqual({
      kind: 'op',
      lattice: 'default',
      op: 'get',
    });
    expect(parseApiSubject('wadm.api.l.model.get.app', 'wadm.api')).toEqual({
      kind: 'op',
      lattice: 'l',
      op: 'get',
      name: 'app',
    });
    expect(parseApiSubject('custom.prefix.l.model.status.app', 'custom.prefix')).toEqual({
      kind: 'op',
      lattice: 'l',
      op: 'status',
      name: 'app',
    });
  });
  it('reports invalid and unsupported subjects', () => {
    expect(parseApiSubject('wadm.api.l', 'wadm.api')).toEqual({
      kind: 'invalid',
      message: 'Invalid subject: Expected to find API category',
    });
    expect(parseApiSubject('wadm.api.l.model.get.a.b', 'wadm.api').kind).toBe('invalid');
    for (const s of [
      'wadm.api.l.models.get',
      'wadm.api.l.model.put.x',
      'wadm.api.l.model.list.x',
      'wadm.api.l.model.del',
      'wadm.api.l.model.nope.x',
      'wadm.api.l.model.__proto__.x',
    ]) {
      expect(parseApiSubject(s, 'wadm.api'), s).toEqual({ kind: 'unsupported', message: `Unsupported subject: ${s}` });
    }
  });
});

describe('request bodies', () => {
  it('accepts empty, {}, null and string versions; ignores unknown keys', () => {
    expect(parseRequestBody(enc(''), 'deploy')).toEqual({ ok: true });
    expect(parseRequestBody(enc('{}'), 'deploy')).toEqual({ ok: true });
    expect(parseRequestBody(enc('{"version":null}'), 'delete')).toEqual({ ok: true, version: null });
    expect(parseRequestBody(enc('{"version":"v1","non_destructive":true}'), 'deploy')).toEqual({
      ok: true,
      version: 'v1',
    });
    expect(parseRequestBody(enc('{"orphan":true}'), 'undeploy')).toEqual({ ok: true, orphan: true });
  });
  it('names the request in parse errors', () => {
    const bad = parseRequestBody(enc('{"version":3}'), 'deploy');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reply.message).toMatch(/^Unable to parse deploy application request: /);
    expect(parseRequestBody(enc('[1]'), 'get').ok).toBe(false);
  });
  it('content types are compared without parameters and case', () => {
    expect(contentTypeOf('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(contentTypeOf('')).toBeUndefined();
  });
});

describe('reply shaping', () => {
  it('put: the message carries the version that was current before', () => {
    expect(
      putReply({
        ok: true,
        created: false,
        name: 'a',
        version: 'v3',
        previousVersion: 'v2',
        totalVersions: 3,
        missingShared: [],
      }),
    ).toEqual({
      result: 'newversion',
      total_versions: 3,
      current_version: 'v3',
      message: 'Successfully put manifest a v2',
      name: 'a',
    });
    expect(
      putReply({
        ok: true,
        created: true,
        name: 'a',
        version: 'v1',
        previousVersion: '',
        totalVersions: 1,
        missingShared: ['x', 'y'],
      }).message,
    ).toBe('Successfully put manifest a , but some shared components are not deployed: ["x", "y"]');
    expect(putReply({ ok: false, message: 'nope' })).toEqual({ result: 'error', message: 'nope' });
  });
  it('versions in insertion order with deployed flags and our deploy history', () => {
    expect(versionsReply('a', app)).toEqual({
      result: 'success',
      message: 'Successfully fetched versions for application a',
      versions: [
        { version: 'v1', deployed: true },
        { version: 'v2', deployed: false },
      ],
      deploy_history: app.deploy_history,
    });
  });
  it('summary: current version and its description; waiting shown as undeployed in the deprecated field', () => {
    expect(summaryOf(app, waitingNoHostsStatus())).toMatchObject({
      name: 'a',
      version: 'v2',
      description: 'd2',
      deployed_version: 'v1',
      status: 'undeployed',
    });
    expect(summaryOf(app, undeployedStatus())).toMatchObject({ status: 'undeployed', status_message: '' });
  });
  it('deploy and undeploy replies', () => {
    expect(deployReply({ kind: 'notfound', name: 'a' }, 'latest')).toEqual({
      result: 'notfound',
      message: 'Application with the name a not found',
      name: 'a',
      version: 'latest',
    });
    expect(deployReply({ kind: 'noversion', name: 'a', version: 'v9' }, 'v9')).toMatchObject({
      result: 'error',
      version: 'v9',
    });
    expect(deployReply({ kind: 'rejected', name: 'a', message: 'guard' }, undefined)).toEqual({
      result: 'error',
      message: 'guard',
    });
    expect(undeployReply({ kind: 'already', name: 'a' })).toEqual({
      result: 'acknowledged',
      message: 'Application a was already undeployed',
      name: 'a',
      version: null,
    });
  });
  it('delete replies, and which deletes notify the engine', () => {
    const wholeNoop = { kind: 'noop', name: 'a', whole: true } as const;
    const versionNoop = { kind: 'noop', name: 'a', version: 'v9', whole: false } as const;
    const keptDeployed = { kind: 'deleted', name: 'a', version: 'v2', whole: false, undeploy: false } as const;
    const lostDeployed = { kind: 'deleted', name: 'a', version: 'v1', whole: false, undeploy: true } as const;
    const last = { kind: 'deleted', name: 'a', version: 'v1', whole: true, undeploy: true } as const;
    expect(deleteReply(wholeNoop).message).toBe("Application a doesn't exist or was already deleted");
    expect(deleteReply(versionNoop).message).toBe("Application version v9 doesn't exist");
    expect(deleteReply(last).message).toBe('Successfully deleted last version of application a');
    expect([wholeNoop, versionNoop, keptDeployed, lostDeployed, last].map(deleteNeedsUnpublish)).toEqual([
      true,
      false,
      false,
      true,
      true,
    ]);
  });
});
