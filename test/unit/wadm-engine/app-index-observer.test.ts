import { describe, expect, it } from 'vitest';
import { createApp, reconcileApp } from '../../../src/wadm/engine/app.js';
import { AppIndex } from '../../../src/wadm/engine/app-index.js';
import { expectationKey } from '../../../src/wadm/engine/commands.js';
import { appsTouched, observeEvent } from '../../../src/wadm/engine/observer.js';
import { linkIdentity } from '../../../src/wadm/engine/state.js';
import { componentApp, evt, hostEventsFor, parseManifest, stateWith, T0 } from './helpers.js';

const linked = parseManifest(
  JSON.stringify({
    apiVersion: 'core.oam.dev/v1beta1',
    kind: 'Application',
    metadata: { name: 'web', annotations: { version: 'v1' } },
    spec: {
      components: [
        {
          name: 'hello',
          type: 'component',
          properties: { image: 'ghcr.io/x/hello:0.1.0', config: [{ name: 'greet', properties: { a: 'b' } }] },
          traits: [{ type: 'spreadscaler', properties: { instances: 1 } }],
        },
        {
          name: 'http',
          type: 'capability',
          properties: { image: 'ghcr.io/x/http:0.1.0' },
          traits: [
            {
              type: 'link',
              properties: {
                namespace: 'wasi',
                package: 'http',
                interfaces: ['incoming-handler'],
                target: { name: 'hello' },
              },
            },
          ],
        },
      ],
    },
  }),
);

describe('AppIndex', () => {
  it('indexes workloads (link ends too), links and configs, and forgets an app completely', () => {
    const index = new AppIndex();
    const web = createApp(linked);
    const other = createApp(componentApp({ name: 'other' }));
    index.add(web);
    index.add(other);
    expect(index.appsUsingWorkload('web-hello')).toEqual(['web']);
    expect(index.appsUsingWorkload('web-http')).toEqual(['web']);
    expect(index.appsUsingWorkload('other-hello')).toEqual(['other']);
    expect(index.appsUsingLink(linkIdentity('web-http', 'wasi', 'http', 'default'))).toEqual(['web']);
    expect(index.configNames()).toEqual(['web-greet']);
    expect(index.usesConfig('web-greet')).toBe(true);

    index.expect('web', 'k1');
    index.expect('other', 'k1');
    expect(index.appsExpecting('k1')).toEqual(['web', 'other']);
    index.fulfilled('other', 'k1');
    expect(index.appsExpecting('k1')).toEqual(['web']);

    index.remove('web');
    expect(index.appsUsingWorkload('web-hello')).toEqual([]);
    expect(index.appsUsingLink(linkIdentity('web-http', 'wasi', 'http', 'default'))).toEqual([]);
    expect(index.configNames()).toEqual([]);
    expect(index.appsExpecting('k1')).toEqual([]);
    expect(index.appsUsingWorkload('other-hello')).toEqual(['other']);
    index.clear();
    expect(index.appsUsingWorkload('other-hello')).toEqual([]);
  });
});

describe('observer', () => {
  it('an event for a workload marks the apps using it; a new host marks all', () => {
    const index = new AppIndex();
    const app = createApp(componentApp({ name: 'a' }));
    index.add(app);
    const state = stateWith([{ id: 'NH1' }]);
    const scaled = observeEvent(
      state,
      index,
      new Map([['a', app]]),
      evt(
        'component_scaled',
        {
          component_id: 'a-hello',
          image_ref: 'ghcr.io/x/hello:0.1.0',
          max_instances: 1,
          annotations: {},
          host_id: 'NH1',
        } as never,
        'NH1',
      ),
      T0,
    );
    expect([...scaled.dirty]).toEqual(['a']);
    expect(scaled.all).toBe(false);
    expect(appsTouched(index, { hosts: true }).all).toBe(true);
    expect([...appsTouched(index, { componentIds: ['unrelated'] }).dirty]).toEqual([]);
  });

  it('an awaited event reaches the app waiting for it and is fulfilled once nothing waits for it', () => {
    const index = new AppIndex();
    const app = createApp(componentApp({ name: 'b' }));
    index.add(app);
    const state = stateWith([{ id: 'NH1' }]);
    const pass = reconcileApp(app, state, T0);
    expect(pass.commands.length).toBeGreaterThan(0);
    for (const rt of app.scalers) for (const e of rt.expected) index.expect('b', expectationKey(e));
    const key = expectationKey(app.scalers.flatMap((rt) => rt.expected)[0]);
    expect(index.appsExpecting(key)).toEqual(['b']);
    const events = pass.commands.flatMap((c) => hostEventsFor(state, c.command, T0 + 10));
    expect(events.length).toBeGreaterThan(0);
    const seen = observeEvent(state, index, new Map([['b', app]]), events[0], T0 + 10);
    expect(seen.dirty.has('b')).toBe(true);
    expect(index.appsExpecting(key)).toEqual([]);
  });
});
