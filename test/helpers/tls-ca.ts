/**
 * A throw-away certificate authority for tests, made with `openssl` in a temp dir: the CA certificate and server
 * certificates it signs for chosen subjectAltNames (e.g. `IP:127.0.0.1`, `DNS:other.example`).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCa {
  /** PEM file of the CA certificate (what `--oci-tls-ca-file` takes). */
  caFile: string;
  /** A server certificate + key signed by this CA, valid for `altNames` (`IP:…`, `DNS:…`). */
  issue(name: string, altNames: string[]): { certFile: string; keyFile: string };
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export function makeTestCa(dir: string, name = 'wash-test-ca'): TestCa {
  const caKey = join(dir, `${name}.key`);
  const caFile = join(dir, `${name}.crt`);
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`].concat([
      '-keyout',
      caKey,
      '-out',
      caFile,
    ]),
  );
  return {
    caFile,
    issue(server, altNames) {
      const keyFile = join(dir, `${server}.key`);
      const csr = join(dir, `${server}.csr`);
      const certFile = join(dir, `${server}.crt`);
      const ext = join(dir, `${server}.ext`);
      writeFileSync(ext, `subjectAltName=${altNames.join(',')}\nbasicConstraints=CA:FALSE\n`);
      openssl([
        'req',
        '-new',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        `/CN=${server}`,
        '-keyout',
        keyFile,
        '-out',
        csr,
      ]);
      openssl(
        ['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-days', '2'].concat([
          '-extfile',
          ext,
          '-out',
          certFile,
        ]),
      );
      return { certFile, keyFile };
    },
  };
}
