#!/usr/bin/env bash
# Installs Debian's `tmux` for the terminal test of `capacity --watch`
# (test/e2e/capacity-watch-tmux.test.ts), which runs the command in a real terminal and reads the
# screen with `tmux capture-pane`. A no-op when tmux is on PATH; needs root or sudo otherwise.
set -euo pipefail

if command -v tmux >/dev/null 2>&1; then
  echo "install-tmux: $(command -v tmux) is present ($(tmux -V 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-tmux: apt-get not found; install tmux (Debian/Ubuntu package 'tmux') so that it is on PATH" >&2
  exit 1
fi

if [[ "$(id -u)" -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo --non-interactive)
else
  echo "install-tmux: not root and sudo is unavailable; run as root: apt-get install tmux" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-tmux: installing Debian tmux with apt-get"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends tmux

if ! command -v tmux >/dev/null 2>&1; then
  echo "install-tmux: apt-get finished but tmux is not on PATH" >&2
  exit 1
fi
echo "install-tmux: installed $(tmux -V)"
