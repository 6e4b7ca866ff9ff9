import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ComponentManager } from '../../../src/host/components.js';
import { silentLogger } from '../../../src/host/log.js';
import type { ScaleComponentCommand } from '../../../src/lattice/types.js';
import { fixturePath, hasPeerFixtures, peerFixturePath } from '../../helpers/fixtures.js';
import { needing } from '../../helpers/peer-fixtures.js';
import { forgePayload, signComponent, withCustomSection } from '../../helpers/wascap.js';
import { withoutClaimsSections } from '../../../src/component/module-hash.js';
import { readClaims } from '../../../src/component/claims.js';
import { type FakeRunning, FakeRuntime, RecordingEvents } from './fakes.js';

const dir = mkdtempSync(join(tmpdir(), 'wash-host-components-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return `file://${p}`;
};
const v1 = file('v1.wasm', 'one');
const v2 = file('v2.wasm', 'two');
const broken = file('broken.wasm', 'fail');

function setup(over: Partial<ConstructorParameters<typeof ComponentManager>[0]> = {}) {
  const events = new RecordingEvents();
  const runtime = new FakeRuntime();
  const specs: Array<[string, string]> = [];
  const configs: Record<string, Record<string, string>> = { a: { greeting: 'hi' } };
  const mgr = new ComponentManager({
    hostId: 'NHOST',
    runtime: async () => runtime,
    events,
    log: silentLogger,
    allowFileLoad: true,
    config: (names) => Object.assign({}, ...names.map((n) => configs[n] ?? {})),
    ensureSpec: async (id, url) => {
      specs.push([id, url]);
    },
    ...over,
  });
  return { mgr, events, runtime, specs, configs };
}

const scale = (over: Partial<ScaleComponentCommand>): ScaleComponentCommand => ({
  component_ref: v1,
  component_id: 'hello',
  count: 1,
  host_id: 'NHOST',
  config: [],
  allow_update: false,
  ...over,
});

describe('ComponentManager', () => {
  it('scale_new_startsAndEmitsScaled', async () => {
    const { mgr, events, runtime, specs } = setup();
    expect(mgr.scale(scale({ count: 5, annotations: { 'wasmcloud.dev/appspec': 'app' } }))).toEqual({
      success: true,
      message: '',
    });
    await mgr.idle();
    expect(runtime.started).toHaveLength(1);
    expect(events.named('component_scaled')).toEqual([
      {
        component_id: 'hello',
        image_ref: v1,
        host_id: 'NHOST',
        max_instances: 5,
        annotations: { 'wasmcloud.dev/appspec': 'app' },
      },
    ]);
    expect(mgr.descriptions()).toEqual([
      {
        id: 'hello',
        image_ref: v1,
        annotations: { 'wasmcloud.dev/appspec': 'app' },
        revision: 0,
        max_instances: 5,
        limits: null,
      },
    ]);
    expect(specs).toEqual([['hello', v1]]);
  });

  it('scale_configNames_liveThroughCapability', async () => {
    const { mgr, runtime, configs } = setup();
    mgr.scale(scale({ config: ['a'] }));
    await mgr.idle();
    const cap = runtime.started[0].opts.capabilities;
    expect(cap.config()).toEqual({ greeting: 'hi' });
    configs.a = { greeting: 'hello' };
    expect(cap.config()).toEqual({ greeting: 'hello' });
  });

  it('scale_failures_emitScaleFailedWithCauseChain', async () => {
    const { mgr, events } = setup();
    mgr.scale(scale({ component_ref: broken }));
    mgr.scale(scale({ component_id: 'oci', component_ref: 'ghcr.io/x/y:1' }));
    mgr.scale(scale({ component_id: 'missing', component_ref: 'file:///nonexistent/x.wasm' }));
    await mgr.idle();
    const failed = events.named('component_scale_failed');
    expect(failed.map((f) => f.component_id).sort()).toEqual(['hello', 'missing', 'oci']);
    expect(failed.find((f) => f.component_id === 'hello')?.error).toBe('not a component: bad magic');
    expect(failed.find((f) => f.component_id === 'oci')?.error).toBe(
      'ghcr.io/x/y:1 is an OCI reference and this host has no registry access configured',
    );
    expect(failed.find((f) => f.component_id === 'missing')?.error).toMatch(/cannot read \/nonexistent\/x.wasm/);
    expect(mgr.size).toBe(0);
  });

  it('scale_ociRef_readiesTheRuntimeWhileThePullIsInFlight', async () => {
    // The pull resolves only once the runtime has been asked for: a sequential read-then-runtime would hang.
    let runtimeAsked!: () => void;
    const asked = new Promise<void>((r) => (runtimeAsked = r));
    const fake = new FakeRuntime();
    const { mgr, events } = setup({
      runtime: async () => {
        runtimeAsked();
        return fake;
      },
      oci: {
        fetch: async (ref) => {
          await asked;
          return {
            bytes: new TextEncoder().encode('one'),
            digest: 'sha256:x',
            layerDigest: 'sha256:l',
            location: ref,
            cached: true,
          };
        },
      },
    });
    mgr.scale(scale({ component_ref: 'ghcr.io/org/hello:1.0.0' }));
    await mgr.idle();
    expect(fake.started).toHaveLength(1);
    expect(events.named('component_scaled').map((e) => e.image_ref)).toEqual(['ghcr.io/org/hello:1.0.0']);
  });

  describe('cached tag: serves at once, re-checked in the background (stale-while-revalidate)', () => {
    const enc = (t: string) => new TextEncoder().encode(t);
    const TAG = 'ghcr.io/org/hello:1.0.0';
    function withPull(guess: { bytes: Uint8Array; layerDigest: string } | undefined) {
      let settle!: (r: { text: string; layerDigest: string } | Error) => void;
      const pulled = new Promise<{ text: string; layerDigest: string } | Error>((r) => (settle = r));
      const warnings: string[] = [];
      const ctx = setup({
        tagRecheckDelayMs: 0,
        log: { ...silentLogger, warn: (msg: string) => warnings.push(msg) },
        oci: {
          guess: async () => guess,
          fetch: async (ref) => {
            const r = await pulled;
            if (r instanceof Error) throw r;
            return { bytes: enc(r.text), digest: 'sha256:m', layerDigest: r.layerDigest, location: ref, cached: true };
          },
        },
      });
      return { ...ctx, settle, warnings };
    }
    const until = async (cond: () => boolean) => {
      for (let turns = 0; !cond(); turns++) {
        if (turns > 1000) throw new Error('condition not reached');
        await new Promise((r) => setImmediate(r));
      }
    };
    const revisionOf = (mgr: ComponentManager) => mgr.descriptions().find((d) => d.id === 'hello')?.revision;

    it('same digest: routed and reported before the registry answers; the answer changes nothing', async () => {
      const { mgr, events, runtime, settle } = withPull({ bytes: enc('one'), layerDigest: 'sha256:aaa' });
      mgr.scale(scale({ component_ref: TAG }));
      await until(() => events.named('component_scaled').length === 1);
      expect(mgr.get('hello')).toBe(runtime.started[0]);
      expect(runtime.started[0].digest).toBe('one');
      settle({ text: 'one', layerDigest: 'sha256:aaa' });
      await mgr.idle();
      expect(runtime.started.map((r) => [r.digest, r.stopped])).toEqual([['one', false]]);
      expect(mgr.get('hello')).toBe(runtime.started[0]);
      expect(events.named('component_scaled').map((e) => e.image_ref)).toEqual([TAG]);
      expect(revisionOf(mgr)).toBe(0);
    });

    it('moved tag: the cached start serves first, then the new bytes replace it (old one stopped after)', async () => {
      const { mgr, events, runtime, settle } = withPull({ bytes: enc('one'), layerDigest: 'sha256:aaa' });
      mgr.scale(scale({ component_ref: TAG }));
      await until(() => mgr.get('hello') !== undefined);
      expect(mgr.get('hello')?.digest).toBe('one');
      settle({ text: 'two', layerDigest: 'sha256:bbb' });
      await mgr.idle();
      expect(runtime.started.map((r) => [r.digest, r.stopped])).toEqual([
        ['one', true],
        ['two', false],
      ]);
      expect(mgr.get('hello')).toBe(runtime.started[1]);
      expect(events.named('component_scaled').map((e) => [e.image_ref, e.max_instances])).toEqual([
        [TAG, 1],
        [TAG, 1],
      ]);
      expect(revisionOf(mgr)).toBe(1);
    });

    it('moved tag after a scale to 0: nothing is started again', async () => {
      const { mgr, runtime, settle } = withPull({ bytes: enc('one'), layerDigest: 'sha256:aaa' });
      mgr.scale(scale({ component_ref: TAG }));
      await until(() => mgr.get('hello') !== undefined);
      mgr.scale(scale({ component_ref: TAG, count: 0 }));
      await until(() => mgr.size === 0);
      settle({ text: 'two', layerDigest: 'sha256:bbb' });
      await mgr.idle();
      expect(runtime.started.map((r) => [r.digest, r.stopped])).toEqual([['one', true]]);
      expect(mgr.size).toBe(0);
    });

    it('failed pull: the cached start keeps serving and the failure is a warning', async () => {
      const { mgr, events, runtime, settle, warnings } = withPull({ bytes: enc('one'), layerDigest: 'sha256:aaa' });
      mgr.scale(scale({ component_ref: TAG }));
      settle(new Error('OCI pull failed (unauthorized): registry ghcr.io refused anonymous access'));
      await mgr.idle();
      expect(runtime.started.map((r) => r.stopped)).toEqual([false]);
      expect(mgr.get('hello')).toBe(runtime.started[0]);
      expect(events.named('component_scale_failed')).toEqual([]);
      expect(warnings).toEqual([`component hello: ${TAG} could not be re-checked; serving the cached image`]);
    });

    it('cached bytes that fail to start do not matter when the tag moved to good ones', async () => {
      const { mgr, events, runtime, settle } = withPull({ bytes: enc('fail'), layerDigest: 'sha256:bad' });
      mgr.scale(scale({ component_ref: TAG }));
      settle({ text: 'two', layerDigest: 'sha256:bbb' });
      await mgr.idle();
      expect(runtime.started.map((r) => r.digest)).toEqual(['two']);
      expect(events.named('component_scaled')).toHaveLength(1);
      expect(events.named('component_scale_failed')).toEqual([]);
    });

    it('no cached guess: waits for the pull as before', async () => {
      const { mgr, events, runtime, settle } = withPull(undefined);
      mgr.scale(scale({ component_ref: TAG }));
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      expect(runtime.started).toHaveLength(0);
      settle({ text: 'one', layerDigest: 'sha256:aaa' });
      await mgr.idle();
      expect(runtime.started).toHaveLength(1);
      expect(events.named('component_scaled')).toHaveLength(1);
    });
  });

  it('scale_ociRef_pullsThroughFetcher_evenWithoutFileLoad', async () => {
    const pulls: Array<[string, number | undefined]> = [];
    const { mgr, events, runtime } = setup({
      allowFileLoad: false,
      maxComponentSizeBytes: 1000,
      oci: {
        fetch: async (ref, max) => {
          pulls.push([ref, max]);
          if (ref.includes('denied'))
            throw new Error('OCI pull failed (unauthorized): registry r refused anonymous access');
          return {
            bytes: new TextEncoder().encode('one'),
            digest: 'sha256:x',
            layerDigest: 'sha256:l',
            location: ref,
            cached: false,
          };
        },
      },
    });
    mgr.scale(scale({ component_ref: 'ghcr.io/org/hello:1.0.0' }));
    mgr.scale(scale({ component_id: 'denied', component_ref: 'ghcr.io/org/denied:1.0.0' }));
    await mgr.idle();
    expect(pulls).toEqual([
      ['ghcr.io/org/hello:1.0.0', 1000],
      ['ghcr.io/org/denied:1.0.0', 1000],
    ]);
    expect(runtime.started).toHaveLength(1);
    expect(events.named('component_scaled').map((e) => e.image_ref)).toEqual(['ghcr.io/org/hello:1.0.0']);
    expect(events.named('component_scale_failed')[0]).toMatchObject({
      component_id: 'denied',
      error: 'OCI pull failed (unauthorized): registry r refused anonymous access',
    });
  });

  it('scale_fileLoadDisabled_fails', async () => {
    const { mgr, events } = setup({ allowFileLoad: false });
    mgr.scale(scale({}));
    await mgr.idle();
    expect(events.named('component_scale_failed')[0].error).toMatch(/allow-file-load/);
  });

  it('scale_toZero_stopsAndEmitsZero_evenWhenNotRunning', async () => {
    const { mgr, events, runtime } = setup();
    mgr.scale(scale({ count: 0, component_id: 'ghost' }));
    mgr.scale(scale({}));
    mgr.scale(scale({ count: 0 }));
    await mgr.idle();
    expect(events.named('component_scaled').map((e) => [e.component_id, e.max_instances])).toEqual([
      ['ghost', 0],
      ['hello', 1],
      ['hello', 0],
    ]);
    expect((runtime.started[0] as FakeRunning).stopped).toBe(true);
    expect(mgr.has('hello')).toBe(false);
  });

  it('scale_running_adjustsCount_differentRefWithoutAllowUpdate_warns', async () => {
    const { mgr, events, runtime } = setup();
    mgr.scale(scale({}));
    await mgr.idle();
    const reply = mgr.scale(scale({ component_ref: v2, count: 3 }));
    expect(reply.success).toBe(true);
    expect(reply.message).toMatch(/already running with a different image reference/);
    await mgr.idle();
    expect(runtime.started).toHaveLength(1);
    expect(runtime.started[0].maxInstances).toBe(3);
    expect(events.named('component_scaled').at(-1)).toMatchObject({ image_ref: v1, max_instances: 3 });
  });

  it('scale_allowUpdate_updatesToNewRef', async () => {
    const { mgr, runtime } = setup();
    mgr.scale(scale({}));
    await mgr.idle();
    expect(mgr.scale(scale({ component_ref: v2, count: 2, allow_update: true })).message).toBe('');
    await mgr.idle();
    expect(runtime.started.map((r) => r.digest)).toEqual(['one', 'two']);
    expect(mgr.get('hello')?.digest).toBe('two');
    expect(mgr.descriptions()[0].image_ref).toBe(v2);
  });

  it('update_swapsThenStopsOld_withTwoScaledEvents', async () => {
    const { mgr, events, runtime, specs } = setup();
    mgr.scale(scale({ count: 4 }));
    await mgr.idle();
    expect(mgr.update({ host_id: 'NHOST', component_id: 'hello', new_component_ref: v2 })).toEqual({
      success: true,
      message: `component hello updating from ${v1} to ${v2}`,
    });
    await mgr.idle();
    const scaled = events
      .named('component_scaled')
      .slice(1)
      .map((e) => [e.image_ref, e.max_instances]);
    expect(scaled).toEqual([
      [v2, 4],
      [v1, 0],
    ]);
    expect((runtime.started[0] as FakeRunning).stopped).toBe(true);
    expect((runtime.started[1] as FakeRunning).stopped).toBe(false);
    expect(mgr.get('hello')?.digest).toBe('two');
    expect(specs.at(-1)).toEqual(['hello', v2]);
  });

  it('update_repliesPerV1', async () => {
    const { mgr } = setup();
    expect(mgr.update({ host_id: 'N', component_id: 'nope', new_component_ref: v2 })).toEqual({
      success: false,
      message: 'component nope not found',
    });
    mgr.scale(scale({}));
    await mgr.idle();
    expect(mgr.update({ host_id: 'N', component_id: 'hello', new_component_ref: v1 })).toEqual({
      success: true,
      message: `component hello already updated to ${v1}`,
    });
  });

  it('update_newVersionBroken_keepsOldRunning', async () => {
    const { mgr, events } = setup();
    mgr.scale(scale({}));
    await mgr.idle();
    mgr.update({ host_id: 'N', component_id: 'hello', new_component_ref: broken });
    await mgr.idle();
    expect(events.named('component_scale_failed')[0]).toMatchObject({
      image_ref: broken,
      error: 'not a component: bad magic',
    });
    expect(mgr.get('hello')?.digest).toBe('one');
  });

  it('maxComponents_enforced', async () => {
    const { mgr, events } = setup({ maxComponents: 1 });
    mgr.scale(scale({ component_id: 'a' }));
    mgr.scale(scale({ component_id: 'b' }));
    await mgr.idle();
    expect(events.named('component_scale_failed').map((e) => [e.component_id, e.error])).toEqual([
      ['b', expect.stringMatching(/maximum of 1 components/)],
    ]);
  });

  it('maxComponentSize_enforced', async () => {
    const { mgr, events } = setup({ maxComponentSizeBytes: 2 });
    mgr.scale(scale({}));
    await mgr.idle();
    expect(events.named('component_scale_failed')[0].error).toMatch(
      /over the limit of 2 bytes \(--max-component-size-bytes\)/,
    );
  });

  it('scale_devZero_failsAtOnce_withoutReading', async () => {
    const { mgr, events, runtime } = setup({ maxComponentSizeBytes: 1024 * 1024 });
    mgr.scale(scale({ component_ref: 'file:///dev/zero' }));
    await mgr.idle();
    expect(events.named('component_scale_failed')[0].error).toMatch(/\/dev\/zero: it is not a regular file/);
    expect(runtime.started).toHaveLength(0);
  });

  it('scale_outsideAllowedDirs_refusedWithoutRevealingExistence', async () => {
    const { mgr, events, runtime } = setup({ allowedFileDirs: [dir] });
    mgr.scale(scale({ component_id: 'inside' }));
    mgr.scale(scale({ component_id: 'shadow', component_ref: 'file:///etc/shadow' }));
    mgr.scale(scale({ component_id: 'ghost', component_ref: 'file:///etc/no-such-file' }));
    await mgr.idle();
    expect(runtime.started).toHaveLength(1);
    const failed = events.named('component_scale_failed');
    const shadow = String(failed.find((f) => f.component_id === 'shadow')?.error);
    const ghost = String(failed.find((f) => f.component_id === 'ghost')?.error);
    expect(shadow).toMatch(/not inside a directory this host may load files from/);
    expect(shadow.replace('shadow', 'X')).toBe(ghost.replace('no-such-file', 'X'));
  });

  describe('signed components: claims checked before the start, as upstream hosts do', () => {
    const calc = readFileSync(fixturePath('calc'));
    const now = Math.floor(Date.now() / 1000);
    const startEach = async (refs: Record<string, string>) => {
      const { mgr, events, runtime } = setup();
      for (const [id, ref] of Object.entries(refs)) mgr.scale(scale({ component_id: id, component_ref: ref }));
      await mgr.idle();
      const errors = Object.fromEntries(
        events.named('component_scale_failed').map((e) => [e.component_id as string, String(e.error)]),
      );
      return { started: runtime.started.map((r) => r.opts.componentId).sort(), errors };
    };

    it('valid claims start; expired, not yet valid, forged or altered ones are refused, saying why', async () => {
      const signed = signComponent(calc);
      const token = readClaims(signed)?.token ?? '';
      const altered = Buffer.from(signed);
      altered[20] ^= 0x01;
      const { started, errors } = await startEach({
        unsigned: file('calc.wasm', calc),
        signed: file('signed.wasm', signed),
        expired: file('expired.wasm', signComponent(calc, { payload: { exp: now - 3 * 86_400 - 60 } })),
        early: file('early.wasm', signComponent(calc, { payload: { nbf: now + 2 * 86_400 + 60 } })),
        forged: file(
          'forged.wasm',
          withCustomSection(
            withoutClaimsSections(signed),
            'wasmcloud_jwt',
            forgePayload(token, { wascap: { name: 'x' } }),
          ),
        ),
        altered: file('altered.wasm', altered),
      });
      expect(started).toEqual(['signed', 'unsigned']);
      expect(errors.expired).toMatch(
        /^its embedded claims \("signed-by-test" \(rev 0\), subject M\w+, issuer A\w+\) are refused: token expired at `3days ago`$/,
      );
      expect(errors.early).toMatch(/are refused: token cannot be used before `in 2days`$/);
      expect(errors.forged).toMatch(
        /are refused: signature is not valid: it was not signed by its issuer A\w+ \(the Ed25519 signature does not match\)$/,
      );
      expect(errors.altered).toMatch(
        /^failed to extract module claims: embedded claims in section "wasmcloud_jwt" do not match the binary: .*\(it was changed after it was signed\)$/,
      );
    });

    it.skipIf(!hasPeerFixtures())(
      needing(hasPeerFixtures(), 'the real signed component (hello_plugin_s.wasm) starts'),
      async () => {
        const { started, errors } = await startEach({ plugin: `file://${peerFixturePath('hello_plugin_s.wasm')}` });
        expect(errors).toEqual({});
        expect(started).toEqual(['plugin']);
      },
    );

    it('a signed component is named by its claims in events, inventory and the stored CLAIMS_ record', async () => {
      const nbf = now - 60;
      const signed = signComponent(calc, { name: 'Calculator', payload: { nbf } });
      const claims = readClaims(signed)!;
      const stored: Array<[string, unknown]> = [];
      const { mgr, events } = setup({
        storeClaims: async (subject, record) => {
          stored.push([subject, record]);
        },
      });
      const ref = file('calc-signed.wasm', signed);
      mgr.scale(scale({ component_id: 'calc', component_ref: ref }));
      await mgr.idle();
      expect(events.named('component_scaled')).toEqual([
        {
          public_key: claims.subject,
          claims: {
            call_alias: null,
            issuer: claims.issuer,
            tags: [],
            name: 'Calculator',
            version: null,
            revision: null,
            not_before_human: String(nbf),
            expires_human: 'never',
          },
          component_id: 'calc',
          image_ref: ref,
          host_id: 'NHOST',
          max_instances: 1,
          annotations: {},
        },
      ]);
      expect(mgr.descriptions()).toMatchObject([{ id: 'calc', name: 'Calculator' }]);
      expect(stored).toEqual([
        [
          claims.subject,
          {
            call_alias: '',
            issuer: claims.issuer,
            name: 'Calculator',
            revision: '0',
            subject: claims.subject,
            tags: [],
            version: '',
          },
        ],
      ]);

      mgr.scale(scale({ component_id: 'calc', component_ref: ref, count: 0 }));
      await mgr.idle();
      expect(events.named('component_scaled')[1]).toMatchObject({ public_key: claims.subject, max_instances: 0 });
      // An unsigned component carries neither.
      mgr.scale(scale({ component_id: 'plain', component_ref: file('calc-plain.wasm', calc) }));
      await mgr.idle();
      const plain = events.named('component_scaled')[2];
      expect(plain).not.toHaveProperty('public_key');
      expect(plain).not.toHaveProperty('claims');
    });
  });
});
