# Sourced by the scripts/install-*.sh helpers: installs Debian packages with apt-get, as root or
# through sudo, without recommends. Usage: apt_install <script name> <package>...
# Exits with a message naming the script when apt-get, root and sudo are all unavailable.
apt_install() {
  local who=$1
  shift
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$who: apt-get not found; install the Debian/Ubuntu package(s) $*" >&2
    exit 1
  fi
  local as_root
  if [[ "$(id -u)" -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo --non-interactive)
  else
    echo "$who: not root and sudo is unavailable; run as root: apt-get install $*" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  echo "$who: installing Debian $* with apt-get"
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$@"
}

# A command from a Debian package: a no-op when it is on PATH already, else installed with
# apt_install and checked on PATH. Usage: ensure_command <script name> <command> <version flag> <package>...
ensure_command() {
  local who=$1 cmd=$2 version_flag=$3
  shift 3
  if command -v "$cmd" >/dev/null 2>&1; then
    echo "$who: $(command -v "$cmd") is present ($("$cmd" "$version_flag" 2>/dev/null | head -n 1 || echo 'version unknown'))"
    return 0
  fi
  apt_install "$who" "$@"
  if ! command -v "$cmd" >/dev/null 2>&1; then
    echo "$who: apt-get finished but $cmd is not on PATH" >&2
    exit 1
  fi
  echo "$who: installed $("$cmd" "$version_flag" 2>/dev/null | head -n 1)"
}
