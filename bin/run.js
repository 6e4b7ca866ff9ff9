#!/usr/bin/env node
// `wash --version` is the most scripted call: answer it from a small module; everything else loads the
// bundled CLI (dist/wash.cjs, built by scripts/bundle-cli.mjs) with V8's code cache (bin/load-bundle.cjs).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const json = argv.some((a, i) => a === '--output=json' || a === '-ojson' || a === '-o=json' || ((a === '-o' || a === '--output') && argv[i + 1] === 'json'));
const rest = argv.filter((a, i) => !(a === '-o' || a === '--output' || argv[i - 1] === '-o' || argv[i - 1] === '--output' || /^(--output=|-o=|-o(json|text)$)/.test(a)));
if (rest.length === 1 && (rest[0] === '--version' || rest[0] === '-V')) {
  const { printVersion } = await import('../dist/version.js');
  printVersion(json ? 'json' : 'text');
} else {
  const require = createRequire(import.meta.url);
  const { loadBundle } = require('./load-bundle.cjs');
  const { main } = loadBundle(fileURLToPath(new URL('../dist/', import.meta.url))).exports;
  await main(argv, import.meta.url);
}
