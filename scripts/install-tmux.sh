#!/usr/bin/env bash
# Installs Debian's `tmux` for the terminal test of `capacity --watch`
# (test/e2e/capacity-watch-tmux.test.ts), which runs the command in a real terminal and reads the
# screen with `tmux capture-pane`. A no-op when tmux is on PATH; needs root or sudo otherwise.
set -euo pipefail

if command -v tmux >/dev/null 2>&1; then
  echo "install-tmux: $(command -v tmux) is present ($(tmux -V 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
apt_install install-tmux tmux

if ! command -v tmux >/dev/null 2>&1; then
  echo "install-tmux: apt-get finished but tmux is not on PATH" >&2
  exit 1
fi
echo "install-tmux: installed $(tmux -V)"
