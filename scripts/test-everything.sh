#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine (socat for pseudo-terminals, stm32flash as the reference
# client, Chromium for the report, PostgreSQL for the lab store — the tests start and stop their own server) and the
# npm dependencies, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v socat >/dev/null || missing+=(socat)
command -v stm32flash >/dev/null || missing+=(stm32flash)
command -v chromium >/dev/null || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
npm test
