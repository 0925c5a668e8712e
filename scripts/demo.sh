#!/usr/bin/env bash
# The README's "main job": train MADDNESS models on the sample data shipped in samples/ with kernelc, then report
# their accuracy and speed against the exact product. Reads only this repository; writes to artifacts/demo/.
# Usage: bash scripts/demo.sh [backend]   (default: auto, what LutKernel.Compile gives; `kernelc eval --help` lists the backends)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "Building kernelc (Release)..."
if ! log=$(dotnet build src/KernelCompiler.Cli/KernelCompiler.Cli.csproj -c Release --nologo 2>&1); then
  echo "$log" >&2
  exit 1
fi
kernelc() { dotnet src/KernelCompiler.Cli/bin/Release/net10.0/kernelc.dll "$@"; }

backend=${1:-auto}
out=artifacts/demo
mkdir -p "$out"

demo() {
  local set=$1 codebooks=$2 title=$3
  local data=samples/$set
  echo
  echo "== $title =="
  kernelc train --input "$data/X_train.npy" --weights "$data/W.npy" --bias "$data/b.npy" \
    --codebooks "$codebooks" --output "$out/$set.lut.json"
  kernelc eval --model "$out/$set.lut.json" --input "$data/X_test.npy" --weights "$data/W.npy" --bias "$data/b.npy" \
    --labels "$data/y_test.npy" --backend "$backend"
}

demo digits 16 "digits: 8x8 pixel digits, logistic regression 64 -> 10, 16 codebooks"
demo mnist-mlp512 32 "mnist-mlp512: last layer of an MNIST MLP 512 -> 10, 32 codebooks (1000 training rows)"

# A whole network: import the trained ONNX MLP, calibrate every layer into a LUT layer on the sample's calibration
# rows, then evaluate the LUT network and the exact one (the ONNX file the network records) on the test rows, and
# time the network kernel against ONNX Runtime on them.
net=samples/mnist-mlp-net
echo
echo "== mnist-mlp-net: a whole MNIST network 784 -> 512 -> 512 -> 10 (ONNX), every layer a LUT layer (C = 128, 128, 32) =="
kernelc import --onnx "$net/model.onnx" --calibration "$net/X_train.npy" --labels "$net/y_train.npy" \
  --codebooks 128,128,32 --lambda 10 --output "$out/mnist-mlp-net.lut.json"
kernelc eval --model "$out/mnist-mlp-net.lut.json" --input "$net/X_test.npy" --labels "$net/y_test.npy" --backend "$backend"
# The whole network as one fused kernel against ONNX Runtime (one thread each) on the same test rows.
kernelc bench --model "$out/mnist-mlp-net.lut.json" --input "$net/X_test.npy" --labels "$net/y_test.npy" --backend "$backend"
