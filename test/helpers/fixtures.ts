/**
 * Test components for other tests. WAT-built ones are committed and always present; JS ones (componentize-js,
 * ~12 MB, ~13 s each) are built on demand into test/fixtures/components/build/ and cached:
 *
 *   beforeAll(async () => { await ensureJsFixtures(); }, 180_000);
 *   const bytes = readFileSync(fixturePath('js-config'));
 *
 * What each component does (bodies are exact):
 * - http-hello-v1 / http-hello-v2: 200 text/plain "hello from wash v1\n" / "...v2\n"; reusable instance.
 * - http-trap: traps (`unreachable`) inside handle; the host must answer 500 and stay up.
 * - calc: imports example:calc/host@0.1.0 `log(message)`, exports example:calc/calc@0.1.0 `add(s32, s32) -> s32`
 *   (wrapping); every add logs "calc.add called".
 * - calc-sink: exports example:calc/host@0.1.0 `log(message)` (does nothing), for component → component wRPC.
 * - calc-http: HTTP handler answering 200 text/plain `${add(40, 2)}\n` from its import example:calc/calc@0.1.0
 *   (link it to a calc component over wRPC); a failing `add` traps before any response (500).
 * - js-hello-fetch: FetchEvent style, 200 text/plain "hello from js-hello-fetch\n"; ONE request per instance;
 *   header x-requests-seen = requests this instance state has seen (1 when the host resets it), and for a POST
 *   x-body-length = the body's length and x-paths-seen = paths this instance state has seen (a timer and some
 *   allocation on that path).
 * - js-config: reusable; body = wasi:config/runtime get("greeting") + "\n" (or "no greeting configured\n"),
 *   header x-config-store-greeting = wasi:config/store get("greeting") when set, header x-served = request
 *   count of the instance; a config `err` gives 500 "config error: {...}". Logs one wasi:logging line
 *   (info, context "js-config", "GET /path -> 200") per request.
 * - js-keyvalue: reusable; drives wasi:keyvalue store/atomics/batch and wasi:http/outgoing-handler from HTTP
 *   routes (`/kv/<store>/<key>` GET/PUT/DELETE, `/incr/<store>/<key>?by=n`, `/keys/<store>`, `/batch/<store>`,
 *   `/fetch?url=…`); a keyvalue or outgoing-http error answers 502 with the error variant as JSON. See the
 *   header of test/fixtures/components/js/keyvalue.js.
 * - js-messaging: exports wasmcloud:messaging/handler (echoes to reply-to, republishes to "<subject>.seen") and
 *   an HTTP handler with /publish and /request over wasmcloud:messaging/consumer; see its source header.
 * - js-blobstore: reusable; drives every wasi:blobstore blobstore/container/types call from HTTP routes
 *   (`/containers/<c>`, `/blob/<c>/<object>` GET/PUT/DELETE, `/list/<c>`, `/meta/<c>/<object>`, `/copy`, `/move`, …);
 *   a blobstore error answers 502 with the error string as the body. See test/fixtures/components/js/blobstore.js.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  FIXTURES_DIR,
  JS_FIXTURES,
  WAT_FIXTURES,
  jsFixturePath,
  staleJsFixtures,
  watFixturePath,
} from '../../scripts/build-fixtures.mjs';
import { PEER_FIXTURES_SKIP, WASMCLOUD_ARTIFACTS } from './peer-fixtures.js';

export type WatFixtureName = 'http-hello-v1' | 'http-hello-v2' | 'http-trap' | 'calc' | 'calc-sink' | 'calc-http';
export type JsFixtureName = 'js-hello-fetch' | 'js-config' | 'js-keyvalue' | 'js-messaging' | 'js-blobstore';
export type FixtureName = WatFixtureName | JsFixtureName;

export { FIXTURES_DIR };

/** Exact HTTP response bodies of the components that answer with a fixed body. */
export const FIXTURE_BODIES = {
  'http-hello-v1': 'hello from wash v1\n',
  'http-hello-v2': 'hello from wash v2\n',
  'js-hello-fetch': 'hello from js-hello-fetch\n',
} as const satisfies Partial<Record<FixtureName, string>>;

const isJs = (name: string): boolean => JS_FIXTURES.some((f) => f.name === name);

/** Absolute path of a fixture component. JS fixtures exist only after `ensureJsFixtures()`. */
export function fixturePath(name: FixtureName): string {
  if (isJs(name)) return jsFixturePath(name);
  if (WAT_FIXTURES.some((f) => f.name === name)) return watFixturePath(name);
  throw new Error(`unknown fixture component "${name}"`);
}

const root = join(FIXTURES_DIR, '..', '..', '..');
const script = join(root, 'scripts', 'build-fixtures.mjs');

/**
 * Builds the JS fixtures when missing or stale (in a child process, so the test process keeps its own
 * preview2-shim state), then returns their paths. Concurrent callers wait on one build (file lock).
 */
export async function ensureJsFixtures(): Promise<Record<JsFixtureName, string>> {
  if (staleJsFixtures().length > 0) {
    try {
      await promisify(execFile)(process.execPath, [script, '--js'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new Error(`building the JS fixture components failed: ${e.stderr || e.stdout || e.message}`);
    }
  }
  const paths = Object.fromEntries(JS_FIXTURES.map((f) => [f.name, jsFixturePath(f.name)])) as Record<
    JsFixtureName,
    string
  >;
  for (const path of Object.values(paths)) if (!existsSync(path)) throw new Error(`fixture build left no ${path}`);
  return paths;
}

/** Real wasmCloud artifacts shared by the team (outside the repo), located by `peer-fixtures.ts`. */
export function peerFixturePath(
  file: 'hello_plugin_s.wasm' | 'echo_messaging_v0.9.0.wasm' | 'guest.component.wasm',
): string {
  if (!WASMCLOUD_ARTIFACTS) throw new Error(`peer fixture ${file} needed ${PEER_FIXTURES_SKIP}`);
  return join(WASMCLOUD_ARTIFACTS, file);
}

export function hasPeerFixtures(): boolean {
  return WASMCLOUD_ARTIFACTS !== undefined;
}
