import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { WashCommand } from '../output/command.js';
import { startProgress } from '../output/progress.js';

export const REGISTRY = 'REGISTRY';

/** Login flags shared by push and pull. */
export const registryLoginFlags = {
  user: Flags.string({ char: 'u', env: 'WASMCLOUD_OCI_REGISTRY_USER', description: 'Registry user name (also WASH_REG_USER)', helpGroup: REGISTRY }),
  password: Flags.string({ char: 'p', env: 'WASMCLOUD_OCI_REGISTRY_PASSWORD', description: 'Registry password or token (also WASH_REG_PASSWORD)', helpGroup: REGISTRY }),
  insecure: Flags.boolean({ description: 'Talk to the registry over plain HTTP (local registries)', helpGroup: REGISTRY }),
  'allow-latest': Flags.boolean({ description: "Allow the 'latest' tag (written or implied by a missing tag)", helpGroup: REGISTRY }),
  context: Flags.string({ env: 'WASH_CONTEXT', description: 'Wash context whose registry_credentials to use', helpGroup: REGISTRY }),
};

export default class Push extends WashCommand {
  static override summary = 'Push a component to an OCI registry';
  static override description = [
    'Pushes the component as a wasm OCI artifact the way wash and wasmCloud do: an OCI image manifest with config',
    'application/vnd.wasm.config.v0+json and one application/wasm layer. Logs in anonymously, with --user/--password',
    '(WASMCLOUD_OCI_REGISTRY_USER/_PASSWORD), or with registry_credentials of a wash context; Basic and Bearer-token',
    "registries both work. Prints the reference and the manifest digest; -o json gives {\"url\",\"digest\"}.",
  ].join('\n');
  static override examples = [
    { description: 'Push to a local registry over plain HTTP', command: '<%= config.bin %> push 127.0.0.1:5001/wash/hello:0.1.0 build/hello_s.wasm --insecure' },
    { description: 'Push to GHCR with a token', command: 'WASMCLOUD_OCI_REGISTRY_PASSWORD=$GITHUB_TOKEN <%= config.bin %> push ghcr.io/org/hello:0.1.0 build/hello_s.wasm -u org-bot' },
    { description: 'Script it', command: '<%= config.bin %> push oci://registry.example.com/team/api:1.2.0 build/api_s.wasm -o json' },
  ];

  static override args = {
    ref: Args.string({ description: 'Target reference: registry/repository:tag (oci:// allowed)', required: true }),
    component: Args.string({ description: 'Component file (.wasm) to push', required: true }),
  };

  static override flags = {
    ...registryLoginFlags,
    annotation: Flags.string({ char: 'a', multiple: true, description: 'Manifest annotation key=value (repeatable)', helpGroup: REGISTRY }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Push);
    const { pushFile } = await import('../oci/transfer.js');
    const progress = await startProgress(this.mode, `Pushing ${args.component} to ${args.ref}`);
    try {
      const result = await pushFile(args.ref, args.component, flags);
      progress.stop();
      this.emit({ url: result.url, digest: result.digest }, `Pushed ${result.url}\ndigest: ${result.digest}`);
    } catch (err) {
      progress.stop();
      throw err;
    }
  }
}
