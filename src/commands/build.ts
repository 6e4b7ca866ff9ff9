import * as Flags from '@oclif/core/flags';
import { WashCommand } from '../output/command.js';

export default class Build extends WashCommand {
  static override summary = 'Build the component of the project in the current (or --config-path) directory';
  static override description =
    `Reads wasmcloud.toml. TypeScript/JavaScript: esbuild bundles the entry (default src/index.ts / src/index.js) into one ES module and componentize-js builds it against the project's WIT world (no external toolchain; 15–40 s). rust and tinygo run cargo / tinygo when installed. Any language can set [component] build_command + build_artifact. [[registry.pull.sources]] WIT packages are put into wit/deps first (skip with --skip-fetch): file:// copies a local WIT dir or file, oci://registry/prefix pulls <prefix>/<ns>/<name>:<version> as wkg publishes them (plain HTTP for registries in WASMCLOUD_OCI_ALLOWED_INSECURE). Tool output is captured and shown only when the build fails.`;
  static override examples = [
    '<%= config.bin %> build',
    '<%= config.bin %> build -o json',
    '<%= config.bin %> build --config-path ./services/api',
  ];
  static override flags = {
    'config-path': Flags.string({
      char: 'p',
      description: 'Project directory or path to its wasmcloud.toml [default: current directory]',
    }),
    'skip-fetch': Flags.boolean({
      description: 'Do not resolve [[registry.pull.sources]] into wit/deps',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Build);
    const { loadProjectConfig } = await import('../dev/project-config.js');
    const { buildProject } = await import('../dev/build/index.js');
    const cfg = await loadProjectConfig(flags['config-path'] ?? process.cwd());
    this.note(`Building ${cfg.name} (${cfg.language})…`);
    const r = await buildProject(cfg, { skipFetch: flags['skip-fetch'] });
    this.emit(
      { component_path: r.componentPath, built: true, build_ms: Math.round(r.ms) },
      `Component built: ${r.componentPath}`,
    );
  }
}
