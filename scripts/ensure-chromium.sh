#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser download cannot
# work offline). Installs it with apt when missing.
set -euo pipefail
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium_path" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Chromium is not installed at $chromium_path. Install it (apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
