#!/usr/bin/env bash
# Installs Debian's `tmux` for the terminal test of `capacity --watch`
# (test/e2e/capacity-watch-tmux.test.ts), which runs the command in a real terminal and reads the
# screen with `tmux capture-pane`. A no-op when tmux is on PATH; needs root or sudo otherwise.
set -euo pipefail

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
ensure_command install-tmux tmux -V tmux
