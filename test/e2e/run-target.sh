#!/usr/bin/env bash
# run-target.sh DIR TARGET NAME: compiles DIR/mlp.mlir for TARGET and simulates
# DIR/input.npy in ideal and quantized mode into DIR/NAME-{ideal,quantized}/.
set -euo pipefail
dir=$1 target=$2 name=$3
# --mlir-print-debuginfo keeps the layer names (op locations) for the report.
imc-opt "$dir/mlp.mlir" --imc-pipeline="target=$target" --mlir-print-debuginfo \
  -o "$dir/$name.mlir"
imc-translate --imc-to-sim "$dir/$name.mlir" -o "$dir/$name.imcb"
for mode in ideal quantized; do
  out="$dir/$name-$mode"
  mkdir -p "$out"
  imc-sim "$dir/$name.imcb" --input "$dir/input.npy" --output-dir "$out" \
    --report "$out/report.json" --mode "$mode" --quiet
done
