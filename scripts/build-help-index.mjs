// Writes dist/command-index.json (command ids for src/cli/direct-run.ts) and dist/help-index.json: what oclif prints for `wash <command or topic> --help`, `wash --help` and plain
// `wash`, rendered by oclif itself (the CLI bundle's main, exactly as bin/run.js runs it) in a child process whose
// stdout is a pipe, without colour or width variables. bin/run.js answers those argv lists from this file when the
// surroundings match (src/cli/help-fast-path.ts). Runs after `oclif manifest` (oclif's help reads the manifest).
import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(root, 'dist');
const indexFile = join(distDir, 'help-index.json');

const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'));
const commandIds = Object.keys(manifest.commands);
// Topics: package.json's, and every prefix of a command id (oclif makes those topics too).
const topicIds = new Set(Object.keys(pjson.oclif.topics ?? {}));
for (const id of commandIds) {
  const parts = id.split(':');
  for (let i = 1; i < parts.length; i++) topicIds.add(parts.slice(0, i).join(':'));
}
const helpFlags = [...new Set([...(pjson.oclif.additionalHelpFlags ?? []), '--help'])];
const subjects = ['', ...new Set([...commandIds, ...topicIds])].sort();
const cases = [...subjects.map((id) => (id ? [...id.split(':'), '--help'] : ['--help'])), []];

const child = `
const { loadBundle } = require(${JSON.stringify(join(root, 'bin', 'load-bundle.cjs'))});
const { main } = loadBundle(${JSON.stringify(distDir)}, { useCache: false }).exports;
// oclif's flush() leaves a 'drain' listener per run: many runs in one process are not a leak.
process.stdout.setMaxListeners(0);
(async () => {
  const results = [];
  for (const argv of ${JSON.stringify(cases)}) {
    let stdout = '';
    let stderr = '';
    const out = process.stdout.write;
    const err = process.stderr.write;
    process.stdout.write = (chunk) => { stdout += String(chunk); return true; };
    process.stderr.write = (chunk) => { stderr += String(chunk); return true; };
    process.exitCode = undefined;
    try { await main(argv, ${JSON.stringify(pathToFileURL(root).href)}); }
    finally { process.stdout.write = out; process.stderr.write = err; }
    results.push({ argv, stdout, stderr, exitCode: process.exitCode ?? 0 });
  }
  process.exitCode = 0;
  process.stdout.write(JSON.stringify(results));
})().catch((e) => { console.error(e); process.exitCode = 70; });
`;
const env = { ...process.env };
for (const k of ['FORCE_COLOR', 'NO_COLOR', 'OCLIF_COLUMNS', 'DEBUG', 'WASH_DEBUG', 'NODE_ENV']) delete env[k];
const r = spawnSync(process.execPath, ['-e', child], {
  cwd: root,
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
  maxBuffer: 64 << 20,
  timeout: 120_000,
});
if (r.status !== 0) throw new Error(`help index: rendering failed (exit ${r.status}):\n${r.stderr}`);
const results = JSON.parse(r.stdout);

const help = {};
let noArgs;
for (const { argv, stdout, stderr, exitCode } of results) {
  const answer = { stdout, stderr, exitCode };
  if (argv.length === 0) {
    noArgs = answer;
    continue;
  }
  // A subject oclif did not answer with help (no such command) is left out: oclif handles it at run time.
  if (exitCode !== 0 || stderr !== '' || !stdout.includes('USAGE'))
    throw new Error(`help index: \`wash ${argv.join(' ')}\` exited ${exitCode}: ${stderr.slice(0, 300)}`);
  help[argv.slice(0, -1).join(' ')] = answer;
}
if (noArgs?.exitCode !== 2 || !noArgs.stderr.includes('USAGE'))
  throw new Error(`help index: plain \`wash\` did not print help on stderr with exit 2: ${JSON.stringify(noArgs)}`);

const index = {
  format: 1,
  node: process.version,
  platform: process.platform,
  arch: process.arch,
  helpFlags,
  help,
  noArgs,
};
const tmp = `${indexFile}.${process.pid}.tmp`;
writeFileSync(tmp, JSON.stringify(index));
renameSync(tmp, indexFile);
if (!process.argv.includes('--quiet')) console.log(`wrote ${indexFile} (${Object.keys(help).length} help texts)`);

// dist/command-index.json: what src/cli/direct-run.ts needs to find a command as oclif would. Written only when
// nothing in package.json's oclif section changes how oclif runs a command (hooks, plugins, exit codes…);
// without the file every command goes through oclif.
const commandIndexFile = join(distDir, 'command-index.json');
const changesRunning = ['hooks', 'plugins', 'devPlugins', 'jitPlugins', 'exitCodes', 'flexibleTaxonomy', 'state'];
const blockers = changesRunning.filter((k) => pjson.oclif[k] !== undefined);
if (pjson.oclif.topicSeparator !== ' ') blockers.push('topicSeparator');
if (blockers.length > 0) {
  rmSync(commandIndexFile, { force: true });
  console.warn(`command index not written (package.json oclif.${blockers.join(', ')}): commands run through oclif`);
} else {
  const commands = {};
  const usable = new Set();
  for (const [id, cmd] of Object.entries(manifest.commands)) {
    commands[id] = { takesArgs: cmd.strict === false || Object.keys(cmd.args ?? {}).length > 0 };
    for (const name of [id, ...(cmd.aliases ?? []), ...(cmd.hiddenAliases ?? [])]) {
      const parts = name.split(':');
      for (let i = 1; i <= parts.length; i++) usable.add(parts.slice(0, i).join(':'));
    }
  }
  // Which code cache bin/run.js loads (bin/load-bundle.cjs): `nats` for commands with connection flags, keyed by
  // command id with spaces for colons and by first word when every command under it agrees.
  const cacheVariants = {};
  const byFirstWord = new Map();
  for (const [id, cmd] of Object.entries(manifest.commands)) {
    const nats = ['ctl-host', 'nats-url'].some((f) => cmd.flags?.[f] !== undefined);
    const words = id.split(':');
    if (nats && words.length > 1) cacheVariants[words.slice(0, 2).join(':')] = 'nats';
    byFirstWord.set(words[0], [...(byFirstWord.get(words[0]) ?? []), nats]);
  }
  for (const [word, flags] of byFirstWord) if (flags.every(Boolean)) cacheVariants[word] = 'nats';
  const commandIndex = {
    cacheVariants,
    format: 1,
    name: pjson.name,
    version: pjson.version,
    bin: pjson.oclif.bin,
    commands,
    usableIds: [...usable].sort(),
    helpFlags,
  };
  writeFileSync(commandIndexFile, JSON.stringify(commandIndex));
}
