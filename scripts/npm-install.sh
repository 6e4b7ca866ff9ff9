#!/usr/bin/env bash
# `npm install` (locked versions) run by the Node that wash uses: the `node` devDependency (Node 24). The system
# Node may be older; npm checks every package's `engines` against the Node that runs npm, so under an old system
# Node it would warn (EBADENGINE) about packages that never run on it. First install on such a machine: npm runs
# once through `npx -p node@<pinned>` (cached by npm afterwards); later installs use node_modules/.bin/node.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x node_modules/.bin/node ]; then
  PATH="$PWD/node_modules/.bin:$PATH" exec npm install --no-audit --no-fund "$@"
fi
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -ge 24 ]; then
  exec npm install --no-audit --no-fund "$@"
fi
pinned=$(node -p 'require("./package-lock.json").packages["node_modules/node"].version' 2>/dev/null || echo 24)
echo "System Node is $(node --version 2>/dev/null || echo missing); installing with Node $pinned (the version wash runs on)" >&2
exec npx --yes -p "node@$pinned" -- npm install --no-audit --no-fund "$@"
