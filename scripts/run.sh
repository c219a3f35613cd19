#!/usr/bin/env bash
# Builds the release configuration and starts the whole system: the gateway and, when no Redis
# address is configured, its own redis-server under var/. Ctrl-C stops everything.
# Arguments go to `hotline serve` (e.g. --port 9000, --redis 127.0.0.1:6379).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/deps.sh"

export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true CCACHE_MAXSIZE=5G
build="$root/build/release"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOTLINE_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target hotline

cd "$root"
exec "$build/gateway/hotline" serve --config "${HOTLINE_CONFIG:-$root/deploy/hotline.toml}" "$@"
