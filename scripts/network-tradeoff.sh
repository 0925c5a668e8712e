#!/usr/bin/env bash
# The accuracy-against-speed trade-off of a whole network (docs/networks.md): for each codebook setting, calibrate
# the ONNX network with `kernelc import` on its training rows, then time the fused kernel, the same layers one by one
# and ONNX Runtime (one thread) with `kernelc bench` on its test rows, and keep both JSON reports. Then draw the plot
# and the table with benchmarks/KernelCompiler.Plots (`network` mode).
#
# Usage: bash scripts/network-tradeoff.sh DATA_DIR [OUT_DIR] [-- SETTING ...]
#   DATA_DIR holds model.onnx, X_train.npy, y_train.npy, X_test.npy, y_test.npy (e.g. the MNIST network folder).
#   OUT_DIR (default artifacts/network-tradeoff) receives <name>.lut.json, <name>.import.json, <name>.bench.json and
#   <name>.setting.txt (the options).
#   A SETTING is the import options of one point, quoted, e.g. "--codebooks 128,128,32" or
#   "--codebooks 256,128,64 --lambda 4"; the default list is below. An existing <name>.bench.json is kept, and an
#   existing network with its import report is timed without calibrating again (delete <name>.bench.json to time a
#   point again), so an interrupted sweep resumes.
# Environment: KERNELC (default: dotnet on this checkout's Release build of kernelc, built first),
#   PLOT_OUTPUT (default benchmarks/plots): where the PNG and the Markdown table go; NO_PLOT=1 skips the drawing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bash scripts/network-tradeoff.sh DATA_DIR [OUT_DIR] [-- SETTING ...]" >&2; exit 2; }
data=$1; shift
out=artifacts/network-tradeoff
if [ $# -ge 1 ] && [ "$1" != "--" ]; then out=$1; shift; fi
[ $# -ge 1 ] && [ "$1" = "--" ] && shift
for f in model.onnx X_train.npy y_train.npy X_test.npy y_test.npy; do
  [ -e "$data/$f" ] || { echo "network-tradeoff: $data/$f is missing" >&2; exit 1; }
done

settings=("$@")
if [ ${#settings[@]} -eq 0 ]; then
  settings=(
    "--codebooks 32,32,16"
    "--codebooks 64,64,16"
    "--codebooks 128,64,32"
    "--codebooks 128,128,32"
    "--codebooks 128,128,32 --lambda 30"
    "--codebooks 128,128,64"
    "--codebooks 128,128,64 --lambda 30"
    "--codebooks 256,64,32"
    "--codebooks 256,128,64"
    "--codebooks 256,256,64"
    "--codebooks 0,128,64"
  )
fi

if [ -z "${KERNELC:-}" ]; then
  dotnet build src/KernelCompiler.Cli -c Release --nologo -v q >/dev/null
  KERNELC="dotnet src/KernelCompiler.Cli/bin/Release/net10.0/kernelc.dll"
fi
mkdir -p "$out"

for setting in "${settings[@]}"; do
  # A file name from the options: "--codebooks 256,128,64 --lambda 4" -> codebooks-256,128,64_lambda-4
  name=$(echo "$setting" | sed -E 's/^ *--//; s/ +--/_/g; s/ +/-/g')
  echo "$setting" >"$out/$name.setting.txt"   # the options as given, for the table
  if [ -s "$out/$name.bench.json" ]; then echo "network-tradeoff: $name: kept"; continue; fi
  if [ -s "$out/$name.lut.json" ] && [ -s "$out/$name.import.json" ]; then
    echo "network-tradeoff: $name: network kept, timing it again"
  else
    echo "network-tradeoff: $name: import"
    # shellcheck disable=SC2086  # the setting is a list of options
    $KERNELC import --onnx "$data/model.onnx" --calibration "$data/X_train.npy" --labels "$data/y_train.npy" \
      $setting --output "$out/$name.lut.json" --json >"$out/$name.import.json.tmp"
    mv "$out/$name.import.json.tmp" "$out/$name.import.json"
  fi
  echo "network-tradeoff: $name: bench"
  $KERNELC bench --model "$out/$name.lut.json" --onnx "$data/model.onnx" --input "$data/X_test.npy" \
    --labels "$data/y_test.npy" --rows 10000 --json >"$out/$name.bench.json.tmp"
  mv "$out/$name.bench.json.tmp" "$out/$name.bench.json"
done

if [ "${NO_PLOT:-0}" != 1 ]; then
  dotnet run -c Release --project benchmarks/KernelCompiler.Plots -- network --input "$out" --name "$(basename "$data")" \
    --output "${PLOT_OUTPUT:-benchmarks/plots}"
fi
