#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build, bring up a local lattice, deploy the example
# app, show it answering HTTP, and tear everything down again.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh
[ -x node_modules/.bin/node ] || bash scripts/npm-install.sh
npm run build --silent

wash() { node bin/run.js "$@"; }
port=${QUICKSTART_NATS_PORT:-4222}
# Plain `wash down`: it stops only what this `wash up` started (never other hosts on a NATS server it reused).
cleanup() { wash down >/dev/null 2>&1 || true; }
trap cleanup EXIT

wash up -d --nats-port "$port"
wash app deploy templates/hello/wadm.yaml --wait --ctl-port "$port"
echo "GET http://127.0.0.1:8000/ →"
curl -fsS --retry 10 --retry-delay 1 --retry-connrefused http://127.0.0.1:8000/
wash app status hello --ctl-port "$port"
wash down
trap - EXIT
