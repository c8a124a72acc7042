#!/usr/bin/env bash
# Installs Debian's `chromium` for the Web UI browser test (test/e2e/web-ui*.test.ts), which
# drives it through playwright-core. playwright-core never downloads a browser, so the system one is
# the browser. A no-op when /usr/bin/chromium already exists; needs root or sudo otherwise.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [[ -x "$CHROMIUM" ]]; then
  echo "install-chromium: $CHROMIUM is present ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: apt-get not found; install Chromium so that $CHROMIUM exists (Debian/Ubuntu package 'chromium')" >&2
  exit 1
fi

if [[ "$(id -u)" -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo --non-interactive)
else
  echo "install-chromium: not root and sudo is unavailable; run as root: apt-get install chromium" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-chromium: installing Debian chromium with apt-get"
"${as_root[@]}" apt-get update -qq
# Without recommends (upower, printing, notification daemons are useless headless); fonts-liberation
# is the one recommend that matters, so the screenshot shows text rather than boxes.
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-liberation

if [[ ! -x "$CHROMIUM" ]]; then
  echo "install-chromium: apt-get finished but $CHROMIUM is missing (did the package install its binary elsewhere?)" >&2
  exit 1
fi
echo "install-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
