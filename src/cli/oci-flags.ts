import * as Flags from '@oclif/core/flags';

/** `--oci-tls-ca-file`: the same flag and variable on wash host, wash up, wash push, wash pull and wash inspect. */
export function ociTlsCaFileFlag(helpGroup: string) {
  return Flags.string({
    env: 'WASMCLOUD_OCI_TLS_CA_FILE',
    aliases: ['oci-ca-file'],
    description: 'PEM file of CA certificate(s) to trust for HTTPS registries (a private CA), besides the public ones',
    helpGroup,
  });
}
