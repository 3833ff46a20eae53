#!/usr/bin/env bash
# Builds the dvar CPU container image offline (docs/scale-out.md): the project's Debian 13 root (eng/debian13-root.sh)
# as the base layer, the local SDK's .NET runtime, and dvar published framework-dependent for linux-x64 with the
# TorchSharp-cpu natives. No registry is contacted for the image (the publish restores NuGet packages as any build).
#
#   bash eng/container-image.sh                  build context in artifacts/container/, then podman/docker/buildah build
#   bash eng/container-image.sh --context-only   only the build context (to build elsewhere, or to check it with chroot)
#
#   DVAR_CONFIGURATION=Release|Debug   publish configuration (default Release)
#   DVAR_IMAGE=NAME                     the image's tag (default localhost/dvar:cpu)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
configuration=${DVAR_CONFIGURATION:-Release}
image=${DVAR_IMAGE:-localhost/dvar:cpu}
context="$repo/artifacts/container"

root=$(bash "$repo/eng/debian13-root.sh")
rm -rf "$context"
mkdir -p "$context/dotnet/shared/Microsoft.NETCore.App" "$context/dotnet/host"

echo "publishing dvar ($configuration, linux-x64)..." >&2
dotnet publish "$repo/src/Dvar.Cli/Dvar.Cli.csproj" -c "$configuration" -r linux-x64 --self-contained false \
  -o "$context/dvar" --nologo -v quiet >&2

# The runtime the tool needs, from the SDK that built it (dotnet, hostfxr, Microsoft.NETCore.App).
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { print $2 }' | sort -V | tail -n 1)
cp -a "$dotnet_root/dotnet" "$context/dotnet/"
cp -a "$dotnet_root/host/fxr" "$context/dotnet/host/"
cp -a "$dotnet_root/shared/Microsoft.NETCore.App/$runtime" "$context/dotnet/shared/Microsoft.NETCore.App/"

echo "packing the Debian 13 root..." >&2
tar -C "$root" --numeric-owner --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' --exclude='./tmp/*' --exclude='./.dvar-root-complete' \
  -cf "$context/rootfs.tar" .
cp "$repo/docs/scale-out/Containerfile" "$context/Containerfile"

if [ "${1:-}" = --context-only ]; then
  echo "$context"
  exit 0
fi

for tool in podman buildah docker; do
  if command -v "$tool" >/dev/null 2>&1; then
    case "$tool" in
      buildah) buildah bud -f "$context/Containerfile" -t "$image" "$context" >&2 ;;
      *) "$tool" build -f "$context/Containerfile" -t "$image" "$context" >&2 ;;
    esac
    echo "$image"
    exit 0
  fi
done

echo "error: no podman, buildah or docker here; the build context is in $context (build it with one of them elsewhere)" >&2
exit 1
