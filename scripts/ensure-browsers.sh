#!/usr/bin/env bash
# Installs Debian's browsers the demo and tests drive when they are missing and we can (root
# with apt-get). Usage: scripts/ensure-browsers.sh chromium [firefox-esr]
set -euo pipefail
missing=()
for pkg in "$@"; do
  command -v "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing ${missing[*]} with apt-get..." >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Missing ${missing[*]}: install them, or set CHROMIUM_PATH / FIREFOX_PATH." >&2
fi
