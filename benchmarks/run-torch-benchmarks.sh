#!/usr/bin/env bash
# Builds and runs benchmarks/Dvar.Stopping.TorchSharp.Benchmarks (SD1.5 UNet timing and memory on the CPU) the way
# eng/test.sh runs the tests: directly where the host's libstdc++ has GLIBCXX_3.4.32 (libtorch 2.10 needs it), else inside
# the Debian 13 root (eng/in-debian13.sh; needs root). Arguments go to the benchmark, e.g.
#
#   bash benchmarks/run-torch-benchmarks.sh                      # tiny (1 run = 5 warm-up + 50 timed) and full (1 + 3)
#   bash benchmarks/run-torch-benchmarks.sh --only tiny --tiny-runs 200
#
#   DVAR_TEST_MODE=auto|direct|chroot   force one way (default auto), as for eng/test.sh
#   DVAR_CONFIGURATION=Release|Debug    build configuration (default Release)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=${DVAR_TEST_MODE:-auto}
configuration=${DVAR_CONFIGURATION:-Release}
project=benchmarks/Dvar.Stopping.TorchSharp.Benchmarks
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 UseSharedCompilation=false

if [ "$mode" = auto ]; then
  if bash "$repo/eng/in-debian13.sh" --needed; then mode=chroot; else mode=direct; fi
fi

cd "$repo"
echo "== building $project ($configuration)"
dotnet build "$project" -c "$configuration"
dll="$project/bin/$configuration/net10.0/Dvar.Stopping.TorchSharp.Benchmarks.dll"

if [ "$mode" = direct ]; then
  exec dotnet "$dll" "$@"
fi

echo "== running inside a Debian 13 root (the host's libstdc++ lacks GLIBCXX_3.4.32)"
exec bash "$repo/eng/in-debian13.sh" dotnet "$dll" "$@"
