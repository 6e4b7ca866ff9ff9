import * as Flags from '@oclif/core/flags';
import { loadContext } from '../lattice/options.js';
import { WashCommand } from '../output/command.js';
import { UP_DEFAULTS, validateUpOptions, type UpOptions } from '../up/options.js';
import type { DevEvent } from '../dev/session.js';

function eventText(e: DevEvent): string {
  switch (e.event) {
    case 'started':
      return [
        `wash dev session ${e.session_id}: component ${e.component_id} deployed as app ${e.apps.join(', ')} (build ${e.build_ms} ms, deploy ${e.deploy_ms} ms)`,
        ...e.urls.map((u) => `  HTTP: ${u}`),
        ...e.manifest_paths.map((p) => `  manifest: ${p}`),
        'Watching for changes. Press Ctrl+C to stop.',
      ].join('\n');
    case 'reloaded':
      return `reloaded (${e.kind === 'source' ? 'code' : 'manifest redeployed'}): build ${e.build_ms} ms, reload ${e.reload_ms} ms`;
    case 'build_failed':
      return `build failed, still serving the last good version:\n${e.error}`;
    case 'stopped':
      return `${e.result}${e.lattice_stopped ? ' Stopped the lattice it started.' : ''}`;
  }
}

export default class Dev extends WashCommand {
  static override summary = 'Build, deploy and hot-reload the project on every save';
  static override description =
    `Builds the project (wasmcloud.toml), generates an application manifest from the component's WIT imports and exports (wasi:http incoming → http-server, wasi:keyvalue → keyvalue-nats, outgoing http → http-client, blobstore → blobstore-fs, messaging → messaging-nats; [dev] overrides in wasmcloud.toml change providers, links and config), deploys it through wadm, then watches sources, WIT and wasmcloud.toml. Uses the lattice at --nats-host/--nats-port when a host answers there, otherwise starts NATS + host + wadm like \`wash up\` and stops them on exit.

TypeScript/JavaScript saves are served in well under a second: the code runs on a dev component built once per WIT world and is swapped in without restarting anything (\`wash build\` makes the real component). A failing build prints the error and the last good version keeps serving. Interfaces no provider is known for get a placeholder and the exact [[dev.overrides.imports]] snippet to add.

[dev].manifests in wasmcloud.toml deploys your own manifests instead: in each, the component its entry names (component_name, component_id or component_ref) runs the dev build, and [dev].config is added to it. [dev].secrets is refused (the wash host has no secrets backend).

-o json prints one JSON line per event on stdout: started, reloaded, build_failed, stopped. The last line carries upstream's exit document: {"event":"stopped",…,"result":"✅ Dev session [<id>] exited successfully.","success":true}. Ctrl+C deletes every app the session deployed, stops what wash dev started (unless --leave-host-running; stop it later with \`wash down\`) and exits 0.`;
  static override examples = [
    '<%= config.bin %> dev',
    '<%= config.bin %> dev --work-dir ./hello --http-address 127.0.0.1:8080',
    '<%= config.bin %> dev -o json',
    '<%= config.bin %> dev --manifest-output-dir ./manifests',
    '<%= config.bin %> dev --ignore-dir generated --leave-host-running',
    {
      description: 'Keep the lattice after Ctrl+C, set from the environment; `wash down` stops it later',
      command: 'WASH_DEV_LEAVE_HOST_RUNNING=true <%= config.bin %> dev -o json',
    },
  ];
  static override flags = {
    'work-dir': Flags.string({
      char: 'd',
      aliases: ['code-dir'],
      env: 'WASH_DEV_CODE_DIR',
      description: 'Project directory [default: current directory]',
    }),
    'ignore-dir': Flags.string({
      char: 'i',
      multiple: true,
      description: 'Directory (relative to the project) whose changes never trigger a rebuild (repeatable)',
    }),
    'leave-host-running': Flags.boolean({
      env: 'WASH_DEV_LEAVE_HOST_RUNNING',
      description: 'Keep the lattice wash dev started running after exit (stop it with `wash down`)',
      default: false,
    }),
    'manifest-output-dir': Flags.string({
      env: 'WASH_DEV_MANIFEST_OUTPUT_DIR',
      description: 'Write the generated manifest here (must exist)',
    }),
    'skip-fetch': Flags.boolean({
      description: 'Do not resolve [[registry.pull.sources]] into wit/deps',
      default: false,
    }),
    'http-address': Flags.string({
      description: 'Address the http-server listens on unless an export override sets one [default: 127.0.0.1:8000]',
    }),
    'nats-host': Flags.string({
      env: 'WASMCLOUD_NATS_HOST',
      description: `NATS host [default: ${UP_DEFAULTS.natsHost}]`,
    }),
    'nats-port': Flags.integer({
      env: 'WASMCLOUD_NATS_PORT',
      description: `NATS port [default: ${UP_DEFAULTS.natsPort}]`,
    }),
    'nats-connect-only': Flags.boolean({
      env: 'NATS_CONNECT_ONLY',
      description: 'Never start NATS; fail if none answers',
      default: false,
    }),
    'nats-binary': Flags.string({ description: 'nats-server executable to start when none answers' }),
    lattice: Flags.string({
      char: 'x',
      aliases: ['lattice-prefix'],
      env: 'WASMCLOUD_LATTICE',
      description: `Lattice name [default: ${UP_DEFAULTS.lattice}]`,
    }),
    'log-level': Flags.string({
      env: 'WASMCLOUD_LOG_LEVEL',
      options: ['error', 'warn', 'info', 'debug', 'trace'],
      default: 'info',
      description: 'Log level of a host wash dev starts',
    }),
    context: Flags.string({
      env: 'WASH_CONTEXT',
      description: 'Stored context whose ctl host/port/lattice are the defaults',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Dev);
    const ctx = loadContext(flags.context) ?? {};
    const up: UpOptions = {
      lattice: flags.lattice ?? ctx.lattice ?? ctx.lattice_prefix ?? UP_DEFAULTS.lattice,
      natsHost: flags['nats-host'] ?? ctx.ctl_host ?? UP_DEFAULTS.natsHost,
      natsPort: flags['nats-port'] ?? ctx.ctl_port ?? UP_DEFAULTS.natsPort,
      natsConnectOnly: flags['nats-connect-only'],
      natsBinary: flags['nats-binary'],
      hosts: 1,
      labels: {},
      allowFileLoad: true,
      multiLocal: false,
      logLevel: flags['log-level'],
      structuredLogging: false,
      hostJsDomain: ctx.js_domain,
      disableWadm: false,
      detached: false,
      hostReadyTimeoutMs: UP_DEFAULTS.hostReadyTimeoutMs,
      ctlTopicPrefix: process.env.WASMCLOUD_CTL_TOPIC_PREFIX || 'wasmbus.ctl',
    };
    validateUpOptions(up);
    const { DevSession } = await import('../dev/session.js');
    const { washDirs } = await import('../config/dirs.js');
    const io = {
      event: (e: DevEvent) => {
        if (this.json) process.stdout.write(JSON.stringify(e) + '\n');
        else process.stdout.write(eventText(e) + '\n');
      },
      note: (m: string) => this.note(m),
    };
    const session = new DevSession(
      {
        workDir: flags['work-dir'] ?? process.cwd(),
        up,
        ignoreDirs: flags['ignore-dir'] ?? [],
        leaveHostRunning: flags['leave-host-running'],
        manifestOutputDir: flags['manifest-output-dir'],
        skipFetch: flags['skip-fetch'],
        httpAddress: flags['http-address'],
        cacheDir: washDirs().cache,
      },
      io,
    );
    let stopping: Promise<void> | undefined;
    let signals = 0;
    const stop = () => (stopping ??= session.stop());
    const onSignal = () => {
      signals++;
      if (signals > 1) process.exit(130);
      this.note('Stopping: undeploying the dev app (Ctrl+C again to abandon)');
      void stop();
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
    try {
      await session.start();
    } catch (err) {
      await stop().catch(() => undefined);
      throw err;
    } finally {
      if (stopping) process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    }
    if (!stopping) await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
    await stop();
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}
