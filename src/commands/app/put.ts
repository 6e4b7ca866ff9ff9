import * as Args from '@oclif/core/args';
import { waitFlags, WadmCommand } from '../../cli/wadm-command.js';

export default class AppPut extends WadmCommand {
  static override summary = 'Store a new version of an application manifest in wadm (does not deploy it)';
  static override description = [
    "SOURCE is a file path, an http(s) URL, or - for stdin. The manifest is validated with every wadm rule first: an invalid manifest is refused before anything is sent, with every finding and its line. Relative file:// image paths are made absolute against the manifest's folder. A manifest without a version annotation gets a ULID version from wadm.",
    'JSON: {"deployed": true, "model_name", "model_version", "message", "success": true} — "deployed": true as wash 0.43 prints it (scripts read it), although put never deploys. With --wait it also waits until the app is no longer reconciling and adds "status".',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> app put wadm.yaml',
    '<%= config.bin %> app put https://example.com/apps/hello.yaml',
    'cat wadm.yaml | <%= config.bin %> app put -',
    '<%= config.bin %> app put wadm.yaml -o json | jq -r .model_version',
  ];
  static override args = {
    source: Args.string({ description: 'Manifest: file path, http(s) URL, or - to read stdin', required: true }),
  };
  static override flags = { ...waitFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AppPut);
    const { loadManifestSource } = await import('../../wadm/client/manifest-source.js');
    const loaded = await loadManifestSource(args.source);
    for (const w of loaded.warnings)
      this.note(`warning: ${loaded.origin}${w.line !== undefined ? `:${w.line}` : ''}: ${w.msg}`);
    const { result, status } = await this.withWadm(flags, `Storing ${loaded.name} ...`, (ctx) =>
      this.requestAndWait(ctx, loaded.name, 'settled', flags, () =>
        ctx.client.put(loaded.json, { contentType: 'application/json' }),
      ),
    );
    this.emit(
      {
        deployed: true,
        model_name: result.name,
        model_version: result.current_version,
        message: result.message,
        ...(status ? { status } : {}),
      },
      `Stored ${result.name} version ${result.current_version} (${result.total_versions} version${result.total_versions === 1 ? '' : 's'} stored); deploy it with \`wash app deploy ${result.name} ${result.current_version}\``,
    );
  }
}
