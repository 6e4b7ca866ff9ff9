import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { WashCommand } from '../output/command.js';
import { startProgress } from '../output/progress.js';
import { REGISTRY, registryLoginFlags } from './push.js';

export default class Pull extends WashCommand {
  static override summary = 'Pull a component from an OCI registry into a file';
  static override description = [
    'Fetches the manifest (an OCI index is followed to its wasm entry), verifies the manifest and layer digests and',
    'keeps the layer in the wash cache by digest (a second pull of the same digest downloads nothing), then writes',
    'the component to --destination (default: <repository name>.wasm in the current directory).',
    '-o json gives {"url","digest"} (the manifest digest).',
  ].join('\n');
  static override examples = [
    {
      description: 'Pull a published component',
      command: '<%= config.bin %> pull ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0',
    },
    {
      description: 'From a local registry, to a chosen file',
      command: '<%= config.bin %> pull 127.0.0.1:5001/wash/hello:0.1.0 --insecure --destination build/hello.wasm',
    },
    {
      description: 'Through a mirror of ghcr.io',
      command:
        '<%= config.bin %> pull ghcr.io/org/hello:0.1.0 --registry-mirror ghcr.io=127.0.0.1:5001 --insecure -o json',
    },
    {
      description: 'From a registry behind a private CA',
      command: '<%= config.bin %> pull registry.corp.example/team/api:1.2.0 --oci-tls-ca-file ./corp-ca.pem',
    },
  ];

  static override args = {
    ref: Args.string({
      description: 'Reference: registry/repository:tag or registry/repository@sha256:… (oci:// allowed)',
      required: true,
    }),
  };

  static override flags = {
    destination: Flags.string({ char: 'd', description: 'File to write [default: ./<repository name>.wasm]' }),
    ...registryLoginFlags,
    'registry-mirror': Flags.string({
      multiple: true,
      env: 'WASMCLOUD_OCI_REGISTRY_MIRRORS',
      description: 'Pull REGISTRY through MIRROR: REGISTRY=MIRROR[/prefix] (repeatable)',
      helpGroup: REGISTRY,
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Pull);
    const { pullToFile } = await import('../oci/transfer.js');
    const progress = await startProgress(this.mode, `Pulling ${args.ref}`);
    try {
      const result = await pullToFile(args.ref, flags.destination, flags);
      progress.stop();
      this.emit(
        { url: result.url, digest: result.digest },
        `Pulled ${result.location}\ndigest: ${result.digest}\nwritten to ${result.destination}`,
      );
    } catch (err) {
      progress.stop();
      throw err;
    }
  }
}
