#!/usr/bin/env bash
# Builds the test configuration (warnings as errors, address and undefined sanitizers) and runs
# every test through ctest; then, in a thread-sanitizer configuration, the gateway's tests (its
# WebSockets run on several io threads). Extra arguments go to the first ctest only (e.g. -L unit)
# and skip the second.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/deps.sh" --test

# ccache keyed on paths relative to the checkout, so a fresh clone elsewhere hits the cache.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true CCACHE_MAXSIZE=5G
build="$root/build/test"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHOTLINE_WERROR=ON -DHOTLINE_SANITIZE=ON
cmake --build "$build" -j2

if [[ -f "$root/tests/e2e/package-lock.json" && ! -d "$root/tests/e2e/node_modules/playwright-core" ]]; then
  (cd "$root/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$build" --output-on-failure -j2 "$@"

if [[ $# -eq 0 ]]; then
  tsan="$root/build/tsan"
  cmake -S "$root" -B "$tsan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHOTLINE_WERROR=ON -DHOTLINE_TSAN=ON
  cmake --build "$tsan" -j2 --target integration_gateway
  # GCC 12's TSan runtime cannot place its shadow memory under the kernel's full address-space
  # randomisation: the tests run with it off (setarch -R), for this process tree only.
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" setarch "$(uname -m)" -R \
    ctest --test-dir "$tsan" --output-on-failure -R '^integration_gateway$'
fi
