#!/usr/bin/env bash
# Installs the system packages wash and its tests use, only when missing (Debian/Ubuntu via apt-get).
# nats-server: the lattice's message broker. redis-server: for keyvalue-redis work. curl: the quickstart.
# docker-registry (distribution 2.x) + apache2-utils (htpasswd): the OCI tests run their own registries;
# openssl: those tests make throw-away certificates (token signing key, a private CA for TLS registries).
set -euo pipefail
missing=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
have nats-server || missing+=(nats-server)
have redis-server || missing+=(redis-server)
have curl || missing+=(curl)
have docker-registry || missing+=(docker-registry)
have htpasswd || missing+=(apache2-utils)
have openssl || missing+=(openssl)
if [ "${WASH_BENCH_DEPS:-}" = 1 ]; then have wrk || missing+=(wrk); fi
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "missing: ${missing[*]} — install them with your package manager (macOS: brew install ${missing[*]})" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing: ${missing[*]}" >&2
# Remember which packaged services were already running, so only the ones our install started are stopped.
running_before=()
for svc in nats-server redis-server docker-registry; do
  if pgrep -x "$svc" >/dev/null 2>&1; then running_before+=("$svc"); fi
done
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts packaged services on install; wash starts its own servers, so stop the packaged ones we just added
# only if they were not running before (we never touch a service the machine already had).
for svc in "${missing[@]}"; do
  case "$svc" in
    nats-server|redis-server|docker-registry)
      case " ${running_before[*]} " in *" $svc "*) continue ;; esac
      if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        $sudo systemctl disable --now "$svc" >/dev/null 2>&1 || true
      elif [ -x "/etc/init.d/$svc" ]; then
        # No systemd (containers): the package's init script may have started it; stop it and keep it off at boot.
        $sudo "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
        (command -v update-rc.d >/dev/null 2>&1 && $sudo update-rc.d "$svc" disable >/dev/null 2>&1) || true
      fi
      ;;
  esac
done
