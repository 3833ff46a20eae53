#!/usr/bin/env bash
# Creates (once) the Debian 13 "trixie" root that the libtorch tests run in on systems whose libstdc++ is older than
# GCC 13's (GLIBCXX_3.4.32), such as Debian 12, and prints its path. Needs root (debootstrap, chroot).
#
#   DVAR_DEBIAN13_ROOT  where the root lives (default: ${XDG_CACHE_HOME:-$HOME/.cache}/dvar-stopping/debian13-trixie)
set -euo pipefail

root=${DVAR_DEBIAN13_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/dvar-stopping/debian13-trixie}
stamp="$root/.dvar-root-complete"

if [ -f "$stamp" ]; then
  echo "$root"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "error: building the Debian 13 root at $root needs root (debootstrap and chroot); run as root or set DVAR_TEST_MODE=direct on a system with GLIBCXX_3.4.32" >&2
  exit 1
fi

mkdir -p "$(dirname "$root")"
exec 9>"$root.lock"
flock 9
if [ -f "$stamp" ]; then echo "$root"; exit 0; fi

if ! command -v debootstrap >/dev/null 2>&1; then
  echo "installing debootstrap..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q debootstrap >&2 || { apt-get update -q >&2 && apt-get install -y -q debootstrap >&2; }
fi

rm -rf "$root.partial"
echo "creating the Debian 13 root (about 30 s)..." >&2
debootstrap --variant=minbase --include=libicu76,libssl3t64,ca-certificates trixie "$root.partial" >&2
rm -rf "$root"
mv "$root.partial" "$root"
touch "$stamp"
echo "$root"
