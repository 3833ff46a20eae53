#!/usr/bin/env bash
# The project's test command: builds the solution and runs every test project.
#
# TorchSharp 0.107's native library (libtorch 2.10) needs GLIBCXX_3.4.32, i.e. the libstdc++ of GCC 13 or newer.
#  - On such a system (Debian 13, Ubuntu 24.04, ...) the tests run directly.
#  - On an older one (Debian 12) the solution is built on the host and the tests run inside a Debian 13 root
#    (eng/debian13-root.sh, created once with debootstrap; needs root), in a private mount namespace (eng/in-debian13.sh).
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Dvar.Stopping.Tests").
#
#   DVAR_TEST_MODE=auto|direct|chroot   force one way (default auto)
#   DVAR_CONFIGURATION=Release|Debug    build configuration (default Release)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=${DVAR_TEST_MODE:-auto}
configuration=${DVAR_CONFIGURATION:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Build servers would outlive the private mount namespace; keep every build in-process.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 UseSharedCompilation=false

if [ "$mode" = auto ]; then
  if bash "$repo/eng/in-debian13.sh" --needed; then mode=chroot; else mode=direct; fi
fi

cd "$repo"
echo "== building ($configuration)"
dotnet build Dvar.Stopping.sln -c "$configuration"

if [ "$mode" = direct ]; then
  echo "== testing on the host"
  exec dotnet test Dvar.Stopping.sln -c "$configuration" --no-build "$@"
fi

echo "== testing inside a Debian 13 root (the host's libstdc++ lacks GLIBCXX_3.4.32)"
exec bash "$repo/eng/in-debian13.sh" dotnet test Dvar.Stopping.sln -c "$configuration" --no-build "$@"
