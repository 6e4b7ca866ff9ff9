#!/usr/bin/env bash
# Installs the system packages wash and its tests use, only when missing (Debian/Ubuntu via apt-get).
# nats-server: the lattice's message broker. redis-server: for keyvalue-redis work. curl: the quickstart.
set -euo pipefail
missing=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
have nats-server || missing+=(nats-server)
have redis-server || missing+=(redis-server)
have curl || missing+=(curl)
if [ "${WASH_BENCH_DEPS:-}" = 1 ]; then have wrk || missing+=(wrk); fi
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "missing: ${missing[*]} — install them with your package manager (macOS: brew install ${missing[*]})" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts packaged services on install; wash starts its own servers, so stop the packaged ones we just added
# only if they were not running before (we never touch a service the machine already had).
for svc in "${missing[@]}"; do
  case "$svc" in nats-server|redis-server) (command -v systemctl >/dev/null && $sudo systemctl disable --now "$svc" >/dev/null 2>&1) || true ;; esac
done
