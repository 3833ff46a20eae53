#!/usr/bin/env bash
# The personalization benchmark at SD1.5's native 512 px (64x64 latents) on a CUDA GPU: time per training step (batch 2)
# and per L_det evaluation (batch 8 and 2) for Textual Inversion, DreamBooth-LoRA and Custom Diffusion. It runs
# benchmarks/Dvar.Stopping.Personalization.Benchmarks built against TorchSharp-cuda-linux (-p:TorchBackend=cuda, a
# several-GB download from nuget.org) into benchmarks/gpu/bin/ (ignored like every bin/), so the CPU build is left alone.
#
#   bash benchmarks/gpu/personalization-512.sh                       # random-weight SD1.5 structure, float16 frozen weights
#   DVAR_MODEL=/models/stable-diffusion-v1-5 bash benchmarks/gpu/personalization-512.sh   # a real diffusers folder
#   DVAR_DTYPE=float32 DVAR_RUNS=20 bash benchmarks/gpu/personalization-512.sh --method dreambooth-lora
#
# Needs: Linux x64, an NVIDIA driver for CUDA 12.8 (nvidia-smi), the .NET 10 SDK, and libstdc++ with GLIBCXX_3.4.32.
# Extra arguments go to the benchmark. It stops with a message and exit code 3 when no CUDA device is usable.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "error: no NVIDIA GPU or driver found (nvidia-smi failed): this benchmark needs a CUDA machine; for the CPU numbers run benchmarks/run-personalization-benchmarks.sh" >&2
  exit 3
fi

nvidia-smi -L
cd "$repo"
dotnet build benchmarks/Dvar.Stopping.Personalization.Benchmarks -c Release -p:TorchBackend=cuda --artifacts-path benchmarks/gpu/bin >&2
dll=$(find benchmarks/gpu/bin/bin -name Dvar.Stopping.Personalization.Benchmarks.dll | head -n 1)
model_args=()
if [ -n "${DVAR_MODEL:-}" ]; then model_args=(--model "$DVAR_MODEL"); fi
exec dotnet "$dll" --pipeline full --device cuda --resolution 512 --dtype "${DVAR_DTYPE:-float16}" \
  --warmup "${DVAR_WARMUP:-3}" --runs "${DVAR_RUNS:-10}" "${model_args[@]}" "$@"
