#!/usr/bin/env bash
# Installs Debian's `prometheus` package for its `promtool`, which checks and unit-tests the alerting
# and recording rules in ops/prometheus/ (test/ops/prometheus-rules.test.ts). A no-op when promtool
# is on PATH; needs root or sudo otherwise. The package also ships a Prometheus server and its
# systemd unit; nothing here starts it (apt may, on a machine with systemd running — stop it with
# `systemctl disable --now prometheus` if unwanted).
set -euo pipefail

if command -v promtool >/dev/null 2>&1; then
  echo "install-promtool: $(command -v promtool) is present ($(promtool --version 2>/dev/null | head -n 1 || echo 'version unknown'))"
  exit 0
fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
apt_install install-promtool prometheus

if ! command -v promtool >/dev/null 2>&1; then
  echo "install-promtool: apt-get finished but promtool is not on PATH" >&2
  exit 1
fi
echo "install-promtool: installed $(promtool --version 2>/dev/null | head -n 1)"
