#!/usr/bin/env bash
# Builds the release configuration with the benchmark and runs it. Figures vary with the machine;
# compare the ratios printed by one run. First the load generator against a real gateway, beside the
# BullMQ peer (bench/loadgen, bench/bullmq). Optional arguments: consultations per caller (default 50),
# days of simulated traffic for the archiver (default 20) and sessions in the synthetic year
# (default 250000, Shanxi's scale). Then the phone benchmark (bench/phone_bench.mjs).
#   ./bench/run.sh loadgen [hotline_loadgen options]   runs only the load generator and its peer.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
only_loadgen=false
if [[ "${1:-}" == loadgen ]]; then
  only_loadgen=true
  shift
fi
"$root/scripts/deps.sh" --bench
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true CCACHE_MAXSIZE=5G
build="$root/build/release"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOTLINE_TESTS=OFF -DHOTLINE_BENCH=ON >/dev/null
if $only_loadgen; then
  cmake --build "$build" -j2 --target hotline_loadgen hotline
else
  cmake --build "$build" -j2 --target hotline_loadgen hotline_bench hotline_archive_bench hotline
fi

echo "== load generator: callers and lawyers over WebSockets against a real gateway, beside BullMQ"
tmp="$(mktemp -d /tmp/hotline-bench-XXXXXX)"
peer_redis=""
cleanup() {
  if [[ -n "$peer_redis" ]] && kill -0 "$peer_redis" 2>/dev/null; then kill "$peer_redis"; wait "$peer_redis" || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
peer=()
if [[ -f "$root/bench/bullmq/bench.mjs" ]]; then
  if [[ ! -d "$root/bench/bullmq/node_modules" ]]; then
    (cd "$root/bench/bullmq" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  # Redis takes no port 0 over TCP: let the kernel pick one and hand it over.
  port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" --logfile "$tmp/peer-redis.log" &
  peer_redis=$!
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  node "$root/bench/bullmq/bench.mjs" --host 127.0.0.1 --port "$port" > "$tmp/bullmq.json"
  kill "$peer_redis"
  wait "$peer_redis" || true
  peer_redis=""
  peer=(--peer-json "$tmp/bullmq.json")
else
  echo "(bench/bullmq/bench.mjs is missing: no BullMQ column)"
fi
if $only_loadgen; then
  "$build/bench/loadgen/hotline_loadgen" --hotline "$build/gateway/hotline" "${peer[@]}" "$@"
  exit 0
fi
"$build/bench/loadgen/hotline_loadgen" --hotline "$build/gateway/hotline" "${peer[@]}"
echo "== routing: consultations per second, AOF always vs no persistence"
"$build/bench/hotline_bench" "${1:-50}"
echo "== archive: archiver throughput, a Shanxi year's reports from each store, Redis memory and trimming"
"$build/bench/hotline_archive_bench" "${2:-20}" "${3:-250000}"
echo "== phone: 100 sipp callers and 20 sipp lawyers through Kamailio and rtpengine; latencies and CPU per call"
if [[ ! -d "$root/tests/e2e/node_modules/playwright-core" ]]; then
  (cd "$root/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
fi
HOTLINE_BIN="$build/gateway/hotline" HOTLINE_SOURCE_DIR="$root" node --experimental-websocket "$root/bench/phone_bench.mjs"
