#!/usr/bin/env node
'use strict';
// The `wash` binary. CommonJS (bin/package.json) because an ES module entry costs Node an extra loader start-up.
// `wash --version` is the most scripted call: it is answered from a small module (dist/version.cjs); everything
// else loads a bundle (built by scripts/bundle-cli.mjs) with V8's code cache (bin/load-bundle.cjs): the command's
// topic bundle (dist/wash-<topic>.cjs) for a plain run, the whole CLI (dist/wash.cjs) for anything else; except
// a plain `app validate`, answered by a smaller bundle without oclif, and
// `wash <command> --help`, answered from help text oclif rendered at build time (dist/help-index.json).
require('./node-check.cjs').exitUnlessSupported();
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const root = join(__dirname, '..');
const argv = process.argv.slice(2);
const maybeVersion = argv.includes('--version') || argv.includes('-V');
if (maybeVersion && require('../dist/version.cjs').versionFastPath(argv)) {
  // answered
} else if (
  (argv.length === 0 || argv.includes('--help')) &&
  require('../dist/help-fast-path.cjs').helpFastPath(argv, join(root, 'dist', 'help-index.json'))
) {
  // `wash <command or topic> --help`: oclif's help text, rendered at build time (src/cli/help-fast-path.ts)
} else if (argv[0] === 'app' && argv[1] === 'validate') {
  // Plain `app validate <file…>` (the most frequent offline call) runs from dist/validate.cjs without oclif;
  // anything else (help, other flags) returns false untouched and goes through the CLI.
  const { loadBundle } = require('./load-bundle.cjs');
  loadBundle(join(root, 'dist'), { name: 'validate.cjs' })
    .exports.appValidateFastPath(argv)
    .then((done) => {
      if (!done) runCommand();
    });
} else {
  runCommand();
}

/**
 * A command of a topic with its own bundle (dist/wash-<topic>.cjs: only that topic's commands, see
 * scripts/bundle-cli.mjs) runs from it when the direct run answers it; anything else, or no such bundle, goes to
 * the CLI bundle's main.
 */
function runCommand() {
  const topic = argv[0];
  let bundle;
  // Only topics have a bundle file (the command index is read once, by runDirect, not here as well).
  if (/^[a-z][a-z0-9-]*$/.test(topic)) {
    try {
      bundle = require('./load-bundle.cjs').loadBundle(join(root, 'dist'), { name: `wash-${topic}.cjs` });
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
    }
  }
  if (!bundle) return runCli();
  bundle.exports.runDirect(argv, pathToFileURL(root).href).then((done) => {
    if (!done) runCli();
  });
}

function runCli() {
  const cacheVariant = codeCacheVariant(argv, readCommandIndex());
  const { main } = require('./load-bundle.cjs').loadBundle(join(root, 'dist'), { cacheVariant }).exports;
  // oclif finds the package root (package.json with the oclif section) from this directory.
  main(argv, pathToFileURL(root).href);
}

function readCommandIndex() {
  try {
    return JSON.parse(require('node:fs').readFileSync(join(root, 'dist', 'command-index.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The code cache for this command (bin/load-bundle.cjs): the build's index names the commands using NATS. */
function codeCacheVariant(args, index) {
  const variants = index?.cacheVariants || {};
  return variants[`${args[0]}:${args[1]}`] || variants[args[0]];
}
