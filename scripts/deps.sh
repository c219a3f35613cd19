#!/usr/bin/env bash
# Installs the Debian packages the build, the system and the tests need; skips what is present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libhiredis-dev libprotobuf-dev protobuf-compiler libspdlog-dev libfmt-dev
  libargon2-dev libssl-dev libtomlplusplus-dev libsqlite3-dev libpq-dev libgtest-dev
  redis-server
  # the phone channel: SIP proxy and registrar, media relay, and the prompts generated at build time
  kamailio kamailio-utils-modules kamailio-extra-modules kamailio-tls-modules rtpengine-daemon
  espeak-ng sox libsox-fmt-mp3
)
# --test: the browser and PostgreSQL the tests run against, promtool (prometheus) for the /metrics lint;
# --bench: PostgreSQL for the archive benchmark.
if [[ "${1:-}" == "--test" ]]; then
  packages+=(nodejs npm chromium fonts-noto-cjk postgresql sip-tester prometheus)
elif [[ "${1:-}" == "--bench" ]]; then
  packages+=(postgresql sip-tester nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# node and npm may come from elsewhere than Debian; what counts is that they run.
if [[ "${1:-}" == "--test" || "${1:-}" == "--bench" ]] && command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if (( ${#missing[@]} )); then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Debian's redis-server package starts a system service on 6379; we never use it.
