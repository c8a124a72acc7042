#!/usr/bin/env bash
# Installs Debian's `prometheus` package for its `promtool`, which checks and unit-tests the alerting
# and recording rules in ops/prometheus/ (test/ops/prometheus-rules.test.ts). A no-op when promtool
# is on PATH; needs root or sudo otherwise. The package also ships a Prometheus server and its
# systemd unit; nothing here starts it (apt may, on a machine with systemd running — stop it with
# `systemctl disable --now prometheus` if unwanted).
set -euo pipefail

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
ensure_command install-promtool promtool --version prometheus
