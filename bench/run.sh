#!/usr/bin/env bash
# Builds the release configuration with the benchmark and runs it. Figures vary with the machine;
# compare the ratios printed by one run. Optional argument: consultations per caller (default 50).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/deps.sh"
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true CCACHE_MAXSIZE=5G
build="$root/build/release"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOTLINE_TESTS=OFF -DHOTLINE_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target hotline_bench
"$build/bench/hotline_bench" "$@"
