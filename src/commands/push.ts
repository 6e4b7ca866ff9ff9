import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { ociTlsCaFileFlag } from '../cli/oci-flags.js';
import { WashCommand } from '../output/command.js';
import { startProgress } from '../output/progress.js';

export const REGISTRY = 'REGISTRY';

/** Login flags shared by push and pull. */
export const registryLoginFlags = {
  user: Flags.string({
    char: 'u',
    env: 'WASMCLOUD_OCI_REGISTRY_USER',
    description: 'Registry user name (also WASH_REG_USER)',
    helpGroup: REGISTRY,
  }),
  password: Flags.string({
    char: 'p',
    env: 'WASMCLOUD_OCI_REGISTRY_PASSWORD',
    description: 'Registry password or token (also WASH_REG_PASSWORD)',
    helpGroup: REGISTRY,
  }),
  insecure: Flags.boolean({
    description: 'Talk to the registry over plain HTTP (local registries)',
    helpGroup: REGISTRY,
  }),
  'allow-latest': Flags.boolean({
    description: "Allow the 'latest' tag (written or implied by a missing tag)",
    helpGroup: REGISTRY,
  }),
  context: Flags.string({
    env: 'WASH_CONTEXT',
    description: 'Wash context whose registry_credentials to use',
    helpGroup: REGISTRY,
  }),
  'oci-tls-ca-file': ociTlsCaFileFlag(REGISTRY),
};

export default class Push extends WashCommand {
  static override summary = 'Push a component to an OCI registry';
  static override description = [
    'Pushes the component as a wasm OCI artifact the way wash and wasmCloud do: an OCI image manifest with config',
    'application/vnd.wasm.config.v0+json and one application/wasm layer. Logs in anonymously, with --user/--password',
    '(WASMCLOUD_OCI_REGISTRY_USER/_PASSWORD), or with registry_credentials of a wash context; Basic and Bearer-token',
    'registries both work. Prints the reference and the manifest digest; -o json gives {"url","digest"}.',
    '',
    'In a project directory (or with --config-path) the [registry] table of wasmcloud.toml supplies defaults:',
    'url (a whole reference such as ghcr.io/org/api:0.2.0, or a prefix such as ghcr.io/org that the project name and',
    'version complete), push_insecure, and credentials (a JSON file mapping registry hosts to {username,password} or',
    '{token}). With [registry] url the reference argument may be omitted, and a reference written without a',
    'registry (api:0.2.0) is pushed to the registry of [registry] url. Flags win over the project file.',
  ].join('\n');
  static override examples = [
    {
      description: 'Push to a local registry over plain HTTP',
      command: '<%= config.bin %> push 127.0.0.1:5001/wash/hello:0.1.0 build/hello_s.wasm --insecure',
    },
    {
      description: 'Push to GHCR with a token',
      command:
        'WASMCLOUD_OCI_REGISTRY_PASSWORD=$GITHUB_TOKEN <%= config.bin %> push ghcr.io/org/hello:0.1.0 build/hello_s.wasm -u org-bot',
    },
    {
      description: 'Script it',
      command: '<%= config.bin %> push oci://registry.example.com/team/api:1.2.0 build/api_s.wasm -o json',
    },
    {
      description: 'In a project whose wasmcloud.toml has [registry] url: push the build output there',
      command: '<%= config.bin %> push build/api_s.wasm',
    },
    {
      description: "Use another project's [registry] defaults",
      command: '<%= config.bin %> push build/api_s.wasm --config-path ./services/api',
    },
  ];

  static override args = {
    ref: Args.string({
      description:
        'Target reference: registry/repository:tag (oci:// allowed). Optional with [registry] url in wasmcloud.toml; then the only argument is the component file',
    }),
    component: Args.string({ description: 'Component file (.wasm) to push' }),
  };

  static override flags = {
    ...registryLoginFlags,
    annotation: Flags.string({
      char: 'a',
      multiple: true,
      description: 'Manifest annotation key=value (repeatable)',
      helpGroup: REGISTRY,
    }),
    'config-path': Flags.string({
      description:
        'Project directory or wasmcloud.toml whose [registry] table gives push defaults [default: wasmcloud.toml in the current directory, if any]',
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Push);
    const { pushFile } = await import('../oci/transfer.js');
    const { hasRegistry, resolvePushReference, splitPushArgs } = await import('../oci/push-target.js');
    const { projectPushSettings } = await import('../oci/project-push.js');
    const { ref, component } = splitPushArgs(args.ref, args.component);
    const { defaults, project, skipped } = await projectPushSettings(flags['config-path'], process.cwd(), {
      optional: ref !== undefined && hasRegistry(ref),
    });
    // A whole reference does not need the project; an unrelated problem in its wasmcloud.toml should not block it.
    if (skipped) this.note(`Not using wasmcloud.toml for push defaults: ${skipped.split('\n')[0]}`);
    const reference = resolvePushReference(ref, project);
    const progress = await startProgress(this.mode, `Pushing ${component} to ${reference}`);
    try {
      const result = await pushFile(reference, component, flags, defaults);
      progress.stop();
      this.emit({ url: result.url, digest: result.digest }, `Pushed ${result.url}\ndigest: ${result.digest}`);
    } catch (err) {
      progress.stop();
      throw err;
    }
  }
}
