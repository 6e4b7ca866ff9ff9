#!/usr/bin/env node
'use strict';
// The `wash` binary. CommonJS (bin/package.json) because an ES module entry costs Node an extra loader start-up.
// `wash --version` is the most scripted call: it is answered from a small module (dist/version.cjs); everything
// else loads the bundled CLI (dist/wash.cjs, built by scripts/bundle-cli.mjs) with V8's code cache
// (bin/load-bundle.cjs), except a plain `app validate`, answered by a smaller bundle without oclif.
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const root = join(__dirname, '..');
const argv = process.argv.slice(2);
const json = argv.some((a, i) => a === '--output=json' || a === '-ojson' || a === '-o=json' || ((a === '-o' || a === '--output') && argv[i + 1] === 'json'));
const rest = argv.filter((a, i) => !(a === '-o' || a === '--output' || argv[i - 1] === '-o' || argv[i - 1] === '--output' || /^(--output=|-o=|-o(json|text)$)/.test(a)));
if (rest.length === 1 && (rest[0] === '--version' || rest[0] === '-V')) {
  require('../dist/version.cjs').printVersion(json ? 'json' : 'text');
} else if (rest[0] === 'app' && rest[1] === 'validate') {
  // Plain `app validate <file…>` (the most frequent offline call) runs from dist/validate.cjs without oclif;
  // anything else (help, other flags) returns false untouched and goes through the CLI.
  const { loadBundle } = require('./load-bundle.cjs');
  loadBundle(join(root, 'dist'), { name: 'validate.cjs' })
    .exports.appValidateFastPath(argv)
    .then((done) => {
      if (!done) runCli();
    });
} else {
  runCli();
}

function runCli() {
  const { main } = require('./load-bundle.cjs').loadBundle(join(root, 'dist')).exports;
  // oclif finds the package root (package.json with the oclif section) from this directory.
  main(argv, pathToFileURL(root).href);
}
