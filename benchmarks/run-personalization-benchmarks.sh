#!/usr/bin/env bash
# Builds and runs benchmarks/Dvar.Stopping.Personalization.Benchmarks (time per training step and per L_det evaluation of
# Textual Inversion, DreamBooth-LoRA and Custom Diffusion) directly where libtorch loads, else inside the Debian 13 root
# (eng/in-debian13.sh). Arguments go to the benchmark, e.g.
#
#   bash benchmarks/run-personalization-benchmarks.sh --pipeline tiny --threads 1
#   bash benchmarks/run-personalization-benchmarks.sh --pipeline full --method textual-inversion --threads 1
#
#   DVAR_CONFIGURATION=Release|Debug    build configuration (default Release)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
configuration=${DVAR_CONFIGURATION:-Release}
project=benchmarks/Dvar.Stopping.Personalization.Benchmarks
cd "$repo"
dotnet build "$project" -c "$configuration" >&2
dll="$project/bin/$configuration/net10.0/Dvar.Stopping.Personalization.Benchmarks.dll"
if bash eng/in-debian13.sh --needed; then
  exec bash eng/in-debian13.sh dotnet "$dll" "$@"
fi
exec dotnet "$dll" "$@"
