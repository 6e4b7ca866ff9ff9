/**
 * Small WAT components built at test time for what the shared fixtures do not cover: a probe of the
 * ambient authority (filesystem preopens, TCP sockets), a guest that never returns (clock loop), and a
 * guest calling an interface no capability provides. Each answers like the shared http-hello fixture.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../../helpers/fixtures.js';

export type ProbeName = 'ambient-probe' | 'clock-spin' | 'missing-import' | 'big-body' | 'echo';

const HTTP_IMPORTS = `
  (import "wasi:http/types@0.2.10" "[constructor]fields" (func $fields.new (result i32)))
  (import "wasi:http/types@0.2.10" "[constructor]outgoing-response" (func $response.new (param i32) (result i32)))
  (import "wasi:http/types@0.2.10" "[method]outgoing-response.body" (func $response.body (param i32 i32)))
  (import "wasi:http/types@0.2.10" "[method]outgoing-body.write" (func $body.write (param i32 i32)))
  (import "wasi:http/types@0.2.10" "[static]outgoing-body.finish" (func $body.finish (param i32 i32 i32 i32)))
  (import "wasi:http/types@0.2.10" "[static]response-outparam.set" (func $outparam.set (param i32 i32 i32 i32 i64 i32 i32 i32 i32)))
  (import "wasi:http/types@0.2.10" "[resource-drop]incoming-request" (func $request.drop (param i32)))
  (import "wasi:io/streams@0.2.10" "[method]output-stream.blocking-write-and-flush" (func $stream.write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.10" "[resource-drop]output-stream" (func $stream.drop (param i32)))`;

/** Sends memory[1024 .. 1024+len) as a 200 response; `repeat` writes it that many times. */
const RESPOND = `
  (func $respond (param $outparam i32) (param $len i32) (param $repeat i32)
    (local $response i32) (local $body i32) (local $stream i32)
    (local.set $response (call $response.new (call $fields.new)))
    (call $response.body (local.get $response) (i32.const 0))
    (local.set $body (i32.load (i32.const 4)))
    (call $outparam.set (local.get $outparam) (i32.const 0) (local.get $response)
      (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
    (call $body.write (local.get $body) (i32.const 0))
    (local.set $stream (i32.load (i32.const 4)))
    (block $done (loop $again
      (br_if $done (i32.eqz (local.get $repeat)))
      (call $stream.write (local.get $stream) (i32.const 1024) (local.get $len) (i32.const 0))
      (local.set $repeat (i32.sub (local.get $repeat) (i32.const 1)))
      (br $again)))
    (call $stream.drop (local.get $stream))
    (call $body.finish (local.get $body) (i32.const 0) (i32.const 0) (i32.const 0)))
  (global $heap (mut i32) (i32.const 65536))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (i32.and (i32.add (local.get 3) (i32.const 7)) (i32.const -8))))
    (local.get $ptr))
  (memory (export "memory") 4)`;

const WATS: Record<ProbeName, { world: string; wat: string }> = {
  // Body: "preopens=<count> tcp=<denied|allowed|error-N>\n"
  'ambient-probe': {
    world: `import wasi:filesystem/preopens@0.2.10; import wasi:sockets/tcp-create-socket@0.2.10;`,
    wat: `(module ${HTTP_IMPORTS}
  (import "wasi:filesystem/preopens@0.2.10" "get-directories" (func $preopens (param i32)))
  (import "wasi:sockets/tcp-create-socket@0.2.10" "create-tcp-socket" (func $tcp (param i32 i32)))
  ${RESPOND}
  (data (i32.const 1024) "preopens=? tcp=")
  (data (i32.const 2048) "denied\\n")
  (data (i32.const 2064) "allowed\\n")
  (func (export "wasi:http/incoming-handler@0.2.10#handle") (param $request i32) (param $outparam i32)
    (call $request.drop (local.get $request))
    (call $preopens (i32.const 16))
    (i32.store8 (i32.const 1033) (i32.add (i32.const 48) (i32.load (i32.const 20))))
    (call $tcp (i32.const 0) (i32.const 32))
    (if (i32.and (i32.eq (i32.load8_u (i32.const 32)) (i32.const 1)) (i32.eq (i32.load8_u (i32.const 36)) (i32.const 1)))
      (then (memory.copy (i32.const 1039) (i32.const 2048) (i32.const 7)) (call $respond (local.get $outparam) (i32.const 22) (i32.const 1)))
      (else (memory.copy (i32.const 1039) (i32.const 2064) (i32.const 8)) (call $respond (local.get $outparam) (i32.const 23) (i32.const 1)))))
)`,
  },
  // Never returns: keeps reading the monotonic clock.
  'clock-spin': {
    world: `import wasi:clocks/monotonic-clock@0.2.10;`,
    wat: `(module ${HTTP_IMPORTS}
  (import "wasi:clocks/monotonic-clock@0.2.10" "now" (func $now (result i64)))
  ${RESPOND}
  (func (export "wasi:http/incoming-handler@0.2.10#handle") (param $request i32) (param $outparam i32)
    (loop $forever (drop (call $now)) (br $forever)))
)`,
  },
  // Calls example:missing/api#ping, which no capability provides.
  'missing-import': {
    world: `import example:missing/api@0.1.0;`,
    wat: `(module ${HTTP_IMPORTS}
  (import "example:missing/api@0.1.0" "ping" (func $ping))
  ${RESPOND}
  (data (i32.const 1024) "pinged\\n")
  (func (export "wasi:http/incoming-handler@0.2.10#handle") (param $request i32) (param $outparam i32)
    (call $request.drop (local.get $request))
    (call $ping)
    (call $respond (local.get $outparam) (i32.const 7) (i32.const 1)))
)`,
  },
  // 4096 × 64 bytes = 256 KiB body: larger than the runtime's buffering threshold, so it streams.
  'big-body': {
    world: ``,
    wat: `(module ${HTTP_IMPORTS}
  ${RESPOND}
  (data (i32.const 1024) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\\n")
  (func (export "wasi:http/incoming-handler@0.2.10#handle") (param $request i32) (param $outparam i32)
    (call $request.drop (local.get $request))
    (call $respond (local.get $outparam) (i32.const 64) (i32.const 4096)))
)`,
  },
  // Echoes the request body (read with one blocking-read of up to 60 KiB).
  echo: {
    world: ``,
    wat: `(module ${HTTP_IMPORTS}
  (import "wasi:http/types@0.2.10" "[method]incoming-request.consume" (func $consume (param i32 i32)))
  (import "wasi:http/types@0.2.10" "[method]incoming-body.stream" (func $incoming.stream (param i32 i32)))
  (import "wasi:io/streams@0.2.10" "[method]input-stream.blocking-read" (func $read (param i32 i64 i32)))
  ${RESPOND}
  (func (export "wasi:http/incoming-handler@0.2.10#handle") (param $request i32) (param $outparam i32)
    (local $len i32)
    (call $consume (local.get $request) (i32.const 0))
    (call $incoming.stream (i32.load (i32.const 4)) (i32.const 0))
    (call $read (i32.load (i32.const 4)) (i64.const 61440) (i32.const 0))
    ;; result<list<u8>, stream-error>: ok → (ptr, len) at 4 / 8; closed (empty body) → len 0
    (if (i32.eqz (i32.load8_u (i32.const 0)))
      (then
        (local.set $len (i32.load (i32.const 8)))
        (memory.copy (i32.const 1024) (i32.load (i32.const 4)) (local.get $len))))
    (call $respond (local.get $outparam) (local.get $len) (i32.const 1)))
)`,
  },
};

/** Builds the probe components (jco parse + embed + new) and returns name → component bytes. */
export async function buildProbeComponents(): Promise<Record<ProbeName, Uint8Array>> {
  const { _setPreopens } = (await import('@bytecodealliance/preview2-shim/filesystem')) as unknown as {
    _setPreopens(p: Record<string, string>): void;
  };
  // jco's embed reads WIT through preview2-shim, which starts with no preopens (the runtime does not use it).
  _setPreopens({ '/': '/' });
  const { parse, componentEmbed, componentNew } = await import('@bytecodealliance/jco');
  const dir = mkdtempSync(join(tmpdir(), 'wash-probe-wit-'));
  try {
    cpSync(join(FIXTURES_DIR, 'wit', 'deps'), join(dir, 'deps'), { recursive: true });
    const worlds = Object.entries(WATS).map(
      ([name, { world }]) => `world ${name} { ${world} export wasi:http/incoming-handler@0.2.10; }`,
    );
    writeFileSync(
      join(dir, 'deps', 'missing.wit'),
      'package example:missing@0.1.0;\ninterface api { ping: func(); }\n',
    );
    writeFileSync(join(dir, 'probes.wit'), `package wash:probes@0.1.0;\n${worlds.join('\n')}\n`);
    const out: Partial<Record<ProbeName, Uint8Array>> = {};
    for (const [name, { wat }] of Object.entries(WATS) as [ProbeName, { wat: string }][]) {
      const core = await parse(wat);
      const embedded = await componentEmbed({ binary: core, witPath: dir, world: name });
      out[name] = await componentNew(embedded);
    }
    return out as Record<ProbeName, Uint8Array>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
