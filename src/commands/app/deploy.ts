import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { UserError } from '../../errors.js';
import { waitFlags, WadmCommand } from '../../cli/wadm-command.js';

export default class AppDeploy extends WadmCommand {
  static override summary = 'Deploy an application: a stored one by name, or a manifest (stored first, then deployed)';
  static override description = [
    'SOURCE is the name of a stored application, or a manifest: file path, http(s) URL, or - for stdin. A manifest is validated first (refused before anything is sent, with every finding), its relative file:// images are resolved against its folder and must exist, then it is stored and deployed. With a name, VERSION picks the stored version (default: the latest stored).',
    "wadm only acknowledges a deploy; --wait blocks until the status is deployed (failed exits 1 with the failing scaler's message).",
    'JSON: {"deployed": true, "model_name", "model_version", "message", "status"? (with --wait), "success": true}.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> app deploy wadm.yaml',
    '<%= config.bin %> app deploy hello',
    '<%= config.bin %> app deploy hello v0.0.1',
    '<%= config.bin %> app deploy wadm.yaml --replace --wait',
    'cat wadm.yaml | <%= config.bin %> app deploy - -o json',
  ];
  static override args = {
    source: Args.string({
      description: 'Application name, or manifest file path, http(s) URL, or - for stdin',
      required: true,
    }),
    version: Args.string({ description: 'Version to deploy when SOURCE is a name (default: the latest stored)' }),
  };
  static override flags = {
    replace: Flags.boolean({
      description:
        "When the manifest's version is already stored, delete that version first and store the manifest again",
      default: false,
    }),
    ...waitFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AppDeploy);
    const { isManifestSource, loadManifestSource } = await import('../../wadm/client/manifest-source.js');
    const fromManifest = await isManifestSource(args.source);
    const loaded = fromManifest ? await loadManifestSource(args.source, { checkImages: true }) : undefined;
    if (loaded) {
      for (const w of loaded.warnings)
        this.note(`warning: ${loaded.origin}${w.line !== undefined ? `:${w.line}` : ''}: ${w.msg}`);
      if (args.version !== undefined && args.version !== loaded.version) {
        throw new UserError(
          `VERSION ${args.version} does not match the manifest's version ${loaded.version ?? '(none)'}`,
          { suggestion: "drop the VERSION argument when deploying a manifest (it deploys the manifest's own version)" },
        );
      }
    } else if (flags.replace) {
      throw new UserError('--replace needs a manifest (file, URL or -), not an application name');
    }
    const name = loaded?.name ?? args.source;

    const { result, status } = await this.withWadm(flags, `Deploying ${name} ...`, async (ctx) => {
      let version = args.version;
      if (loaded) {
        if (flags.replace && loaded.version !== undefined) {
          ctx.progress(`Deleting stored ${name} ${loaded.version} ...`);
          await ctx.client.delete(name, loaded.version);
        }
        ctx.progress(`Storing ${name} ...`);
        const stored = await ctx.client.putUnlessStored(loaded.json, name, loaded.version);
        if (stored.kind === 'conflict') {
          throw new UserError(`${stored.message} in wadm (application ${name}) with different content`, {
            suggestion: `bump the version annotation, deploy the stored one with \`wash app deploy ${name} ${stored.version}\`, or pass --replace`,
          });
        }
        if (stored.kind === 'already-stored')
          ctx.progress(`${name} ${stored.version} is already stored with the same content`);
        version = stored.version;
      }
      return this.requestAndWait(ctx, name, 'deployed', flags, async () => {
        ctx.progress(`Deploying ${name} ...`);
        const r = await ctx.client.deploy(name, version);
        if (r.result === 'notfound')
          throw new UserError(`application ${name} not found`, {
            suggestion: 'store it first with `wash app put <manifest>`, or deploy the manifest file directly',
          });
        return r;
      });
    });
    const v = result.version ?? '';
    this.emit(
      { deployed: true, model_name: name, model_version: v, message: result.message, ...(status ? { status } : {}) },
      status
        ? `Deployed ${name} ${v}: ${status.status.type}`
        : `Deployed ${name} ${v} (acknowledged; follow it with \`wash app status ${name} --watch\`)`,
    );
  }
}
