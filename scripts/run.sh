#!/usr/bin/env bash
# Builds the release configuration and starts the whole system: the gateway and, when no Redis
# address is configured, its own redis-server under var/. Ctrl-C stops everything.
# --demo-history first books the last 90 days of simulated traffic (through the real queue
# scripts) so the dashboard's charts and the reports have something to show.
# Other arguments go to `hotline serve` (e.g. --port 9000, --redis 127.0.0.1:6379).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/deps.sh"

export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true CCACHE_MAXSIZE=5G
build="$root/build/release"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOTLINE_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target hotline

cd "$root"
config="${HOTLINE_CONFIG:-$root/deploy/hotline.toml}"
if [[ "${1:-}" != "--demo-history" ]]; then
  exec "$build/gateway/hotline" serve --config "$config" "$@"
fi
shift
"$build/gateway/hotline" serve --config "$config" "$@" &
serve=$!
trap 'kill -TERM "$serve" 2>/dev/null; wait "$serve"; exit 0' INT TERM
for _ in $(seq 100); do
  [[ -S "$root/var/redis/redis.sock" ]] && break
  sleep 0.1
done
sleep 1
"$build/gateway/hotline" simulate --config "$config" "$@" --from "$(date -d '90 days ago' +%F)" \
  --to "$(date -d yesterday +%F)" --per-day 60 --lawyers 5 --prefix "demo$(date +%s)" || true
wait "$serve"
