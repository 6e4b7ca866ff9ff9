import { describe, expect, it } from 'vitest';
import { parseNatsServerAddress, stderrLog } from '../../../src/wadm/engine/process.js';
import { mirrorDocuments } from '../../../src/wadm/engine/state-mirror.js';
import { applyEvent } from '../../../src/wadm/engine/state.js';
import { UserError } from '../../../src/errors.js';
import { evt, stateWith } from './helpers.js';

describe('wadm process support', () => {
  it('natsServer_hostPortGetsTheNatsScheme', () => {
    expect(parseNatsServerAddress('127.0.0.1:4222')).toEqual({ url: 'nats://127.0.0.1:4222' });
  });

  it('natsServer_userPassAreSeparatedFromTheUrl', () => {
    expect(parseNatsServerAddress('wadm:s%40cret@nats.internal:4333')).toEqual({
      url: 'nats://nats.internal:4333',
      user: 'wadm',
      pass: 's@cret',
    });
  });

  it('natsServer_schemeKeptAndDefaultPortAdded', () => {
    expect(parseNatsServerAddress('tls://nats.example.com')).toEqual({ url: 'tls://nats.example.com:4222' });
  });

  it('natsServer_garbage_userErrorNamingTheFlag', () => {
    expect(() => parseNatsServerAddress('nats://:99999')).toThrow(UserError);
    expect(() => parseNatsServerAddress('nats://:99999')).toThrow(/--nats-server/);
  });

  it('stderrLog_dropsLevelsBelowTheThreshold', () => {
    const lines: string[] = [];
    const log = stderrLog('warn', (l) => lines.push(l));
    log('info', 'quiet');
    log('error', 'loud');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT.* ERROR loud\n$/);
  });
});

describe('wadm_state mirror', () => {
  it('documentsFollowRustWadmsLayout', () => {
    const state = stateWith([
      {
        id: 'H1',
        labels: { zone: 'a' },
        components: [{ id: 'c', image: 'c:1', count: 2, annotations: { k: 'v' } }],
        providers: [{ id: 'p', image: 'p:1' }],
      },
    ]);
    applyEvent(state, evt('health_check_passed', { host_id: 'H1', provider_id: 'p' }), 0);
    const docs = mirrorDocuments(state, 'default') as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(docs).sort()).toEqual(['component_default', 'host_default', 'provider_default']);
    expect(docs.host_default.H1).toMatchObject({
      id: 'H1',
      labels: { zone: 'a' },
      components: { c: 2 },
      providers: [{ provider_id: 'p', provider_ref: 'p:1', annotations: {} }],
    });
    expect(docs.component_default.c).toMatchObject({
      id: 'c',
      reference: 'c:1',
      instances: { H1: [{ annotations: { k: 'v' }, count: 2 }] },
    });
    expect(docs.provider_default.p).toMatchObject({ id: 'p', reference: 'p:1', hosts: { H1: 'Running' } });
  });
});
