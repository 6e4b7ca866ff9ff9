import { WashCommand } from '../output/command.js';
import { natsServerVersion } from '../up/nats-server.js';
import { HOST_VERSION, WADM_VERSION, washVersion, versionText, type VersionInfo } from '../version.js';
import type { OutputMode } from '../output/mode.js';

export function versionInfo(): VersionInfo {
  return { wash: `v${washVersion()}`, 'nats-server': natsServerVersion(), wadm: `v${WADM_VERSION}`, wasmcloud: `v${HOST_VERSION}` };
}

/** Version JSON carries no `success` key (wash v1 behaviour). */
export function printVersion(mode: OutputMode): void {
  const info = versionInfo();
  process.stdout.write(mode === 'json' ? JSON.stringify(info, null, 2) + '\n' : versionText(info));
}

export default class Version extends WashCommand {
  static override summary = 'Show the versions of wash and of what it runs';
  static override examples = ['<%= config.bin %> --version', '<%= config.bin %> --version -o json', '<%= config.bin %> version -o json'];

  async run(): Promise<void> {
    await this.parse(Version);
    printVersion(this.mode);
  }
}
