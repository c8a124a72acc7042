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
