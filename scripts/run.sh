#!/usr/bin/env bash
# Builds the release configuration and starts the whole system: the gateway, its own redis-server
# under var/ when no Redis address is configured, and the phone channel (Kamailio and rtpengine,
# their configs rendered from hotline.toml into var/phone/). Ctrl-C stops everything.
# --no-phone leaves Kamailio and rtpengine out.
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
hotline="$build/gateway/hotline"
demo=0
phone=1
args=()
for a in "$@"; do
  case "$a" in
    --demo-history) demo=1 ;;
    --no-phone) phone=0; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done
grep -Eq '^\s*enabled\s*=\s*true' <(sed -n '/^\[phone\]/,/^\[/p' "$config") || phone=0

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

if (( phone )); then
  phone_dir="$root/var/phone"
  "$hotline" phone-config --config "$config" "${args[@]}" --out "$phone_dir" >/dev/null
  # Our own configs only: the packaged ones want the kernel module and a system service.
  rtpengine --config-file="$phone_dir/rtpengine.conf" --config-section=rtpengine >"$phone_dir/rtpengine.log" 2>&1 &
  pids+=($!)
  # Own process group (setsid), so stray children never outlive it (docs/telephony.md, P11).
  setsid kamailio -f "$phone_dir/kamailio.cfg" -DD -E -m 64 -M 8 -P "$phone_dir/run/kamailio.pid" \
    -Y "$phone_dir/run" >"$phone_dir/kamailio.log" 2>&1 &
  pids+=($!)
  echo "hotline: phone channel: Kamailio and rtpengine started (logs in var/phone/; docs/telephony.md says how to dial)"
fi

"$hotline" serve --config "$config" --demo-accounts "${args[@]}" &
serve=$!
pids+=("$serve")
if (( demo )); then
  for _ in $(seq 100); do
    [[ -S "$root/var/redis/redis.sock" ]] && break
    sleep 0.1
  done
  sleep 1
  "$hotline" simulate --config "$config" "${args[@]}" --from "$(date -d '90 days ago' +%F)" \
    --to "$(date -d yesterday +%F)" --per-day 60 --lawyers 5 --prefix "demo$(date +%s)" || true
fi
wait "$serve"
