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

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
# Without recommends (upower, printing, notification daemons are useless headless); fonts-liberation
# is the one recommend that matters, so the screenshot shows text rather than boxes.
apt_install install-chromium chromium fonts-liberation

if [[ ! -x "$CHROMIUM" ]]; then
  echo "install-chromium: apt-get finished but $CHROMIUM is missing (did the package install its binary elsewhere?)" >&2
  exit 1
fi
echo "install-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
