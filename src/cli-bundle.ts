// Entry of the bundled CLI (dist/wash.cjs): the CLI main plus the explicit command index oclif loads.
export { main } from './cli.js';
export { COMMANDS } from './commands-index.js';
