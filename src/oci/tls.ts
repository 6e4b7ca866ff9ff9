/**
 * Trusting a registry served over HTTPS with a private CA (`--oci-tls-ca-file`, WASMCLOUD_OCI_TLS_CA_FILE), and
 * telling TLS failures apart (unknown CA, wrong host name, expired) in words that name the option to use.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { rootCertificates } from 'node:tls';
import { UserError } from '../errors.js';

export const CA_FILE_FLAG = '--oci-tls-ca-file';
export const CA_FILE_ENV = 'WASMCLOUD_OCI_TLS_CA_FILE';
const SETTING = `${CA_FILE_FLAG} (${CA_FILE_ENV})`;

const bundles = new Map<string, readonly string[]>();

/**
 * The trust list for a CA bundle file: Node's public roots plus the PEM certificates of the file (so a registry
 * with a public certificate still works). Read once per path; a missing or non-PEM file is a clear error.
 */
export function caBundle(file: string): readonly string[] {
  const path = resolve(file);
  const known = bundles.get(path);
  if (known) return known;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new UserError(`cannot read the registry CA file ${path} given by ${SETTING}`, {
      cause,
      suggestion: `${(cause as NodeJS.ErrnoException).code ?? 'unreadable'}: give the path of a PEM file holding the CA certificate(s) that signed the registry's certificate`,
    });
  }
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!pems) {
    throw new UserError(`the registry CA file ${path} given by ${SETTING} holds no PEM certificate`, {
      suggestion: 'it must contain -----BEGIN CERTIFICATE----- blocks (e.g. the ca.crt of your private CA)',
    });
  }
  pems.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (cause) {
      throw new UserError(
        `certificate ${i + 1} in the registry CA file ${path} given by ${SETTING} is not a valid X.509 certificate`,
        { cause, suggestion: 'export the CA certificate again in PEM form (openssl x509 -in ca.crt -out ca.pem)' },
      );
    }
  });
  const list = [...rootCertificates, ...pems];
  bundles.set(path, list);
  return list;
}

const UNKNOWN_CA = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

export interface TlsFailure {
  detail: string;
  suggestion: string;
}

/** A TLS verification failure of a request to `registry`, or undefined when `err` is something else. */
export function describeTlsFailure(err: unknown, registry: string, caFile: string | undefined): TlsFailure | undefined {
  const e = err as { code?: string; reason?: string; cert?: { subjectaltname?: string } };
  const code = e?.code ?? '';
  if (UNKNOWN_CA.has(code)) {
    return {
      detail: `its TLS certificate is signed by a certificate authority this client does not trust (${code})`,
      suggestion: caFile
        ? `the CA file ${resolve(caFile)} (${SETTING}) does not hold the CA that signed it; give the right CA certificate`
        : `trust the registry's CA with ${CA_FILE_FLAG} <ca.pem> (or ${CA_FILE_ENV}=<ca.pem>)`,
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const host = registry.replace(/:\d+$/, '');
    const names = e.cert?.subjectaltname;
    return {
      detail: `its TLS certificate is not valid for the name '${host}'${names ? ` (it is for ${names})` : ''}`,
      suggestion: `use a registry address the certificate names, or reissue the certificate with '${host}' in its subjectAltName`,
    };
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return {
      detail: `its TLS certificate ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'} (${code})`,
      suggestion: "renew the registry's certificate (and check this machine's clock)",
    };
  }
  return undefined;
}
