'use strict';
// Written for any Node (no syntax or API newer than Node 12), because it runs before wash knows which Node it got.
const REQUIRED_MAJOR = 24;

/** One line explaining what to do, or undefined when this Node can run wash (24+, with JSPI). */
function unsupportedNodeMessage(version, hasJspi) {
  const major = Number(String(version).replace(/^v/, '').split('.')[0]);
  if (major >= REQUIRED_MAJOR && hasJspi) return undefined;
  const why = major >= REQUIRED_MAJOR ? `${version} lacks WebAssembly JSPI` : `this is ${version}`;
  return `wash needs Node.js ${REQUIRED_MAJOR} or newer (${why}). In the wash folder, \`npm install\` provides it: run \`npm run wash -- …\` or \`node_modules/.bin/node bin/run.js …\`; or install Node ${REQUIRED_MAJOR} (e.g. \`nvm install ${REQUIRED_MAJOR}\`).`;
}

function exitUnlessSupported() {
  const message = unsupportedNodeMessage(
    process.version,
    typeof WebAssembly === 'object' && typeof WebAssembly.Suspending === 'function',
  );
  if (!message) return;
  process.stderr.write(message + '\n');
  process.exit(1);
}

module.exports = { unsupportedNodeMessage, exitUnlessSupported, REQUIRED_MAJOR };
