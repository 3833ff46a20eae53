#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of the shipped libraries from the compiler's view of their public surface.
# Run it after an intended public API change, then review the diff: it is the API change.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
for project in src/Dvar.Stopping src/Dvar.Stopping.TorchSharp; do
  unshipped="$repo/$project/PublicAPI.Unshipped.txt"
  printf '#nullable enable\n' > "$unshipped"
  log=$(mktemp)
  dotnet build "$repo/$project" -c Release --no-incremental -p:TreatWarningsAsErrors=false -p:WarningsAsErrors=RS0016 \
    2>&1 > "$log" || true
  grep -oE "RS0016: Symbol '.*' is not part of the declared public API" "$log" \
    | sed -E "s/^RS0016: Symbol '(.*)' is not part of the declared public API$/\1/" \
    | grep -vE "^(Dvar\.Stopping\.TorchSharp)?$" \
    | grep -F -x -v -f <(tail -n +2 "$repo/$project/PublicAPI.Shipped.txt") \
    | LC_ALL=C sort -u >> "$unshipped" || true
  rm -f "$log"
  echo "$project: $(($(wc -l < "$unshipped") - 1)) unshipped public symbols"
done
