#!/usr/bin/env bash
# Runs a command inside the Debian 13 root (eng/debian13-root.sh), in a private mount namespace, from the repository root.
# For hosts whose libstdc++ lacks GLIBCXX_3.4.32 (Debian 12), which TorchSharp 0.107's libtorch needs. Needs root.
#
#   bash eng/in-debian13.sh dotnet test Dvar.Stopping.sln -c Release --no-build
#   bash eng/in-debian13.sh --needed    exits 0 when the host lacks GLIBCXX_3.4.32 (so libtorch must run in the root), 1 otherwise
#   DVAR_CHROOT_CWD=DIR                 run the command in DIR (inside the repository) instead of the repository root
#
# The .NET SDK, the repository, the NuGet package folder and (for a worktree) the git common folder are bind-mounted at
# the same paths; /proc, /dev and /sys are bound; the environment is reset to what dotnet needs (HOME, PATH, DOTNET_ROOT,
# NUGET_PACKAGES, TERM, CI and the switches that keep builds in-process).
set -euo pipefail

has_glibcxx_3_4_32() {
  local lib
  for lib in $(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 /{print $NF}'); do
    if grep -qa 'GLIBCXX_3\.4\.32' "$lib" 2>/dev/null; then return 0; fi
  done
  return 1
}

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...] | --needed" >&2
  exit 2
fi

if [ "$1" = --needed ]; then
  if has_glibcxx_3_4_32; then exit 1; else exit 0; fi
fi

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=$(bash "$repo/eng/debian13-root.sh")
dotnet_bin=$(readlink -f "$(command -v dotnet)")
dotnet_root=$(dirname "$dotnet_bin")
nuget_packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
git_common=$(cd "$repo" && git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)

binds=("$dotnet_root" "$repo" "$nuget_packages")
if [ -n "$git_common" ] && [ "${git_common#"$repo"/}" = "$git_common" ]; then binds+=("$git_common"); fi

cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
args=$(printf '%q ' "$@")
script="set -e
mount --rbind /proc '$root/proc'
mount --rbind /dev '$root/dev'
mount --rbind /sys '$root/sys'"
for b in "${binds[@]}"; do
  mkdir -p "$root$b"
  script+="
mount --bind '$b' '$root$b'"
done
script+="
exec chroot '$root' /usr/bin/env -i HOME='$HOME' PATH='$dotnet_root:/usr/local/bin:/usr/bin:/bin' \
  DOTNET_ROOT='$dotnet_root' NUGET_PACKAGES='$nuget_packages' TERM='${TERM:-dumb}' CI='${CI:-}' \
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
  MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 UseSharedCompilation=false \
  bash -c \"cd '${DVAR_CHROOT_CWD:-$repo}' && $args\""
exec unshare -m bash -c "$script"
