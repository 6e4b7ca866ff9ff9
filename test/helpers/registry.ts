/**
 * Real OCI registries for tests: Debian's `docker-registry` (distribution 2.x) on a free loopback port with a
 * temp storage dir, optionally behind htpasswd (Basic) auth or token (Bearer) auth with an in-process token
 * service. Never port 5000, never a registry already on the machine. Install with scripts/install-system-deps.sh.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/up/nats-server.js';

export type RegistryAuth = 'none' | 'htpasswd' | 'token';

export interface TestRegistry {
  /** `127.0.0.1:<port>` (what refs and --allowed-insecure name). */
  host: string;
  port: number;
  storageDir: string;
  auth: RegistryAuth;
  /** File holding a blob's bytes in the registry's storage (to corrupt it). */
  blobFile(digest: string): string;
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
});

export function registryBinary(): string | undefined {
  for (const p of ['/usr/bin/docker-registry', '/usr/sbin/docker-registry']) if (existsSync(p)) return p;
  return undefined;
}

export function requireRegistryBinary(): string {
  const bin = registryBinary();
  if (!bin)
    throw new Error(
      'docker-registry is not installed; run scripts/install-system-deps.sh (Debian package docker-registry)',
    );
  return bin;
}

/** The TLS port accepts connections (its certificate is the test's business, not this probe's). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** A token service (distribution docs/spec/auth/token.md): Basic login → ES256 JWT with x5c, scoped access. */
async function startTokenService(
  dir: string,
  users: Record<string, string>,
  service: string,
): Promise<{ server: Server; realm: string; certFile: string }> {
  const keyFile = join(dir, 'token.key');
  const certFile = join(dir, 'token.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=wash-test-token',
      '-days',
      '2',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  const key = createPrivateKey(readFileSync(keyFile));
  const der = new X509Certificate(readFileSync(certFile)).raw;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization ?? '';
    let user: string | undefined;
    if (auth.startsWith('Basic ')) {
      const [name, ...rest] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (users[name] !== rest.join(':')) {
        res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      user = name;
    }
    // Anonymous callers get a token without access (the registry then answers 401 on use).
    const access = url.searchParams.getAll('scope').flatMap((s) => {
      const [type, name, actions] = s.split(':');
      return user && type === 'repository' ? [{ type, name, actions: actions.split(',') }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [der.toString('base64')] };
    const claims = {
      iss: 'wash-test-issuer',
      sub: user ?? '',
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token: `${input}.${b64url(sig)}`, expires_in: 300 }));
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, realm: `http://127.0.0.1:${port}/token`, certFile };
}

export async function startTestRegistry(
  opts: {
    auth?: RegistryAuth;
    users?: Record<string, string>;
    /** Serve HTTPS with this certificate (see tls-ca.ts) instead of plain HTTP. */
    tls?: { certFile: string; keyFile: string };
  } = {},
): Promise<TestRegistry> {
  const bin = requireRegistryBinary();
  const auth = opts.auth ?? 'none';
  const users = opts.users ?? { alice: 's3cret-pass' };
  const dir = mkdtempSync(join(tmpdir(), 'wash-test-registry-'));
  const storageDir = join(dir, 'storage');
  const port = await freePort();
  let tokenServer: Server | undefined;
  let authYaml = '';
  if (auth === 'htpasswd') {
    const file = join(dir, 'htpasswd');
    for (const [name, password] of Object.entries(users)) {
      const line = execFileSync('htpasswd', ['-nbB', name, password], { encoding: 'utf8' }).trim();
      appendFileSync(file, `${line}\n`);
    }
    authYaml = `auth:\n  htpasswd:\n    realm: wash-test\n    path: ${file}\n`;
  } else if (auth === 'token') {
    const t = await startTokenService(dir, users, 'wash-test-registry');
    tokenServer = t.server;
    authYaml = `auth:\n  token:\n    realm: ${t.realm}\n    service: wash-test-registry\n    issuer: wash-test-issuer\n    rootcertbundle: ${t.certFile}\n`;
  }
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storageDir}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      `  secret: ${randomBytes(16).toString('hex')}`,
      ...(opts.tls ? ['  tls:', `    certificate: ${opts.tls.certFile}`, `    key: ${opts.tls.keyFile}`] : []),
      authYaml,
    ].join('\n'),
  );
  const child = spawn(bin, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  if (process.env.WASH_TEST_PIDS && child.pid) appendFileSync(process.env.WASH_TEST_PIDS, `${child.pid} ${dir}\n`);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited at start: ${stderr}`);
    const ok = opts.tls
      ? await listening(port)
      : await fetch(`http://127.0.0.1:${port}/v2/`).then(
          (r) => r.status === 200 || r.status === 401,
          () => false,
        );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not answer on ${port} within 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let closed = false;
  return {
    host: `127.0.0.1:${port}`,
    port,
    storageDir,
    auth,
    blobFile: (digest) => {
      const hex = digest.replace(/^sha256:/, '');
      return join(storageDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
    },
    async close() {
      if (closed) return;
      closed = true;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      running.delete(child);
      if (tokenServer) await new Promise((r) => tokenServer!.close(() => r(undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
