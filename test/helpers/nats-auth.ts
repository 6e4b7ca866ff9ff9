/**
 * Real `nats-server -js` instances that require authentication (user/password, operator-mode JWTs) or TLS,
 * configured by a file in a temp dir, for auth tests.
 * Same lifecycle rules as `startTestNats`: free port, temp store dir, pid recorded for the global teardown.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import { startNatsServer, type RunningNatsServer } from '../../src/up/nats-server.js';

export interface AuthNats extends RunningNatsServer {
  user: string;
  password: string;
  close(): Promise<void>;
}

const live = new Set<number>();
process.once('exit', () => {
  for (const pid of live)
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
});

export async function startAuthNats(user = 'wash', password = 'pw-Zq81-secret'): Promise<AuthNats> {
  const server = await startNatsWithConfig(
    `authorization {\n  users: [ { user: ${JSON.stringify(user)}, password: ${JSON.stringify(password)} } ]\n}\n`,
  );
  return { ...server, user, password };
}

/**
 * A real `nats-server -js` with the given config text (auth, TLS …) in a temp dir; `text` may be a function of the
 * temp dir (for files it references).
 */
export async function startNatsWithConfig(
  text: string | ((dir: string) => string),
): Promise<RunningNatsServer & { dir: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'wash-test-nats-auth-'));
  const config = join(dir, 'auth.conf');
  writeFileSync(config, typeof text === 'function' ? text(dir) : text);
  const server = await startNatsServer({ storeDir: join(dir, 'store'), userConfig: config });
  live.add(server.pid);
  if (process.env.WASH_TEST_PIDS) appendFileSync(process.env.WASH_TEST_PIDS, `${server.pid} ${dir}\n`);
  let closed = false;
  return {
    ...server,
    dir,
    async close() {
      if (closed) return;
      closed = true;
      await server.stop();
      live.delete(server.pid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An operator-mode config (memory resolver) and a user allowed in by it: the JWT + seed a `.creds` file holds. */
export function operatorModeConfig(): { config: string; userJwt: string; userSeed: string; creds: string } {
  const op = createOperator();
  const sys = createAccount();
  const acc = createAccount();
  const user = createUser();
  const opJwt = signedJwt(
    { sub: op.getPublicKey(), name: 'test-operator', nats: { type: 'operator', version: 2 } },
    op,
  );
  // JetStream (the servers run with -js) needs a system account.
  const sysJwt = signedJwt({ sub: sys.getPublicKey(), name: 'SYS', nats: { type: 'account', version: 2 } }, op);
  const accJwt = signedJwt(
    {
      sub: acc.getPublicKey(),
      name: 'test-account',
      nats: {
        limits: {
          subs: -1,
          data: -1,
          payload: -1,
          imports: -1,
          exports: -1,
          wildcards: true,
          conn: -1,
          leaf: -1,
          // JetStream for this account (hosts keep config and links in KV buckets).
          mem_storage: -1,
          disk_storage: -1,
          streams: -1,
          consumer: -1,
        },
        default_permissions: { pub: {}, sub: {} },
        type: 'account',
        version: 2,
      },
    },
    op,
  );
  const userJwt = signedJwt(
    {
      sub: user.getPublicKey(),
      name: 'test-user',
      nats: { pub: {}, sub: {}, subs: -1, data: -1, payload: -1, type: 'user', version: 2 },
    },
    acc,
  );
  const userSeed = new TextDecoder().decode(user.getSeed());
  return {
    config: [
      `operator: ${opJwt}`,
      `system_account: ${sys.getPublicKey()}`,
      'resolver: MEMORY',
      `resolver_preload: {\n  ${sys.getPublicKey()}: ${sysJwt}\n  ${acc.getPublicKey()}: ${accJwt}\n}`,
      '',
    ].join('\n'),
    userJwt,
    userSeed,
    creds: [
      '-----BEGIN NATS USER JWT-----',
      userJwt,
      '------END NATS USER JWT------',
      '',
      '-----BEGIN USER NKEY SEED-----',
      userSeed,
      '------END USER NKEY SEED------',
      '',
    ].join('\n'),
  };
}

function signedJwt(claims: Record<string, unknown>, signer: KeyPair): string {
  const b64 = (x: string | Uint8Array) => Buffer.from(x).toString('base64url');
  const body = { jti: randomUUID(), iat: Math.floor(Date.now() / 1000), iss: signer.getPublicKey(), ...claims };
  const head = `${b64(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }))}.${b64(JSON.stringify(body))}`;
  return `${head}.${b64(signer.sign(new TextEncoder().encode(head)))}`;
}
