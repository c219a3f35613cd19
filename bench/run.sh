#!/usr/bin/env bash
# Builds the release configuration with the benchmark and runs it. Figures vary with the machine;
# compare the ratios printed by one run. Optional arguments: consultations per caller (default 50),
# days of simulated traffic for the archiver (default 20) and sessions in the synthetic year
# (default 250000, Shanxi's scale). Then the phone benchmark (bench/phone_bench.mjs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/deps.sh" --bench
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true CCACHE_MAXSIZE=5G
build="$root/build/release"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOTLINE_TESTS=OFF -DHOTLINE_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target hotline_bench hotline_archive_bench hotline
echo "== routing: consultations per second, AOF always vs no persistence"
"$build/bench/hotline_bench" "${1:-50}"
echo "== archive: archiver throughput, a Shanxi year's reports from each store, Redis memory and trimming"
"$build/bench/hotline_archive_bench" "${2:-20}" "${3:-250000}"
echo "== phone: 100 sipp callers and 20 sipp lawyers through Kamailio and rtpengine; latencies and CPU per call"
if [[ ! -d "$root/tests/e2e/node_modules/playwright-core" ]]; then
  (cd "$root/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
fi
HOTLINE_BIN="$build/gateway/hotline" HOTLINE_SOURCE_DIR="$root" node --experimental-websocket "$root/bench/phone_bench.mjs"
