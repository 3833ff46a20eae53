#!/usr/bin/env bash
# Times `dvar replay` on a 200,000-line CSV, start-up included, and prints the median wall time.
#
#   bash benchmarks/replay-200k.sh [extra replay options...]     (default: --criterion dvar, the TI preset)
#
# Builds src/Dvar.Cli in Release if its dll is missing. Uses hyperfine when installed (apt-get install hyperfine),
# otherwise 10 timed runs with the shell's clock. The input is a noisy exponential decay that settles, written once
# to a temporary folder.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dll="$repo/src/Dvar.Cli/bin/Release/net10.0/dvar.dll"
lines=200000
runs=10
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ ! -f "$dll" ]; then
  echo "== building src/Dvar.Cli (Release)" >&2
  dotnet build "$repo/src/Dvar.Cli" -c Release >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
input="$work/losses.csv"
awk -v n="$lines" 'BEGIN {
  srand(1); print "step,loss,lr";
  for (i = 1; i <= n; i++) printf "%d,%.17g,0.0005\n", i, 0.1 + exp(-i / 20000.0) + 0.01 * (rand() - 0.5);
}' > "$input"

options=("$@")
if [ ${#options[@]} -eq 0 ]; then options=(--criterion dvar); fi
command=(dotnet "$dll" replay "$input" "${options[@]}" --format json)

echo "== input: $lines lines ($(du -h "$input" | cut -f1)); command: dvar replay FILE ${options[*]} --format json"
echo "== result: $("${command[@]}")"

if command -v hyperfine >/dev/null; then
  quoted=$(printf '%q ' "${command[@]}")
  hyperfine --style basic --warmup 2 --runs "$runs" --export-json "$work/times.json" "$quoted" >&2
  median=$(jq '.results[0].median' "$work/times.json")
else
  times=()
  "${command[@]}" >/dev/null   # warm-up
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "${command[@]}" >/dev/null
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000000 ))")
  done
  median_ms=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  median=$(awk -v ms="$median_ms" 'BEGIN { printf "%.3f", ms / 1000 }')
fi

printf 'median wall time over %d runs: %.3f s\n' "$runs" "$median"
