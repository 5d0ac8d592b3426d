#!/usr/bin/env bash
# The demo behind `make demo`:
#  1. from PyTorch (examples/pytorch_demo.py): the small digits CNN (shipped
#     weights), imc.export, imc.compile, imc.simulate; accuracy + report summary;
#  2. the command-line tools on the bundled MLP (examples/mlp): imc-opt,
#     imc-translate, imc-sim in ideal and quantized mode.
# Usage: demo.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
bin=$build/bin
out=$build/demo
target=$root/targets/default.json
mkdir -p "$out/ideal" "$out/quantized"

echo "######## 1. From PyTorch (examples/pytorch_demo.py)"
PYTHONPATH="$build/python" /usr/bin/python3 "$root/examples/pytorch_demo.py" \
  --out "$out"
echo
echo "######## 2. The command-line tools"
echo "== imc demo: 64-128-64-10 MLP (examples/mlp) on $(basename "$target")"
start=$(date +%s.%N)
"$bin/imc-opt" "$root/examples/mlp/mlp.mlir" --imc-pipeline="target=$target" \
  --mlir-print-debuginfo -o "$out/mlp.lowered.mlir"
"$bin/imc-translate" --imc-to-sim "$out/mlp.lowered.mlir" -o "$out/mlp.imcb"
compiled=$(date +%s.%N)
printf '   compiled and translated in %s s: %s (%s bytes, %s tiles)\n' \
  "$(awk "BEGIN { printf \"%.2f\", $compiled - $start }")" "$out/mlp.imcb" \
  "$(stat -c %s "$out/mlp.imcb")" "$(grep -c 'xbar.program' "$out/mlp.lowered.mlir")"

"$bin/imc-sim" "$out/mlp.imcb" --input "$root/examples/mlp/input.npy" \
  --output-dir "$out/ideal" --report "$out/ideal/report.json" --mode ideal --quiet
echo
"$bin/imc-sim" "$out/mlp.imcb" --input "$root/examples/mlp/input.npy" \
  --output-dir "$out/quantized" --report "$out/quantized/report.json" --mode quantized

# Compare both modes with a float64 forward pass of the same weights.
if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  /usr/bin/python3 - "$root/examples/mlp" "$out" <<'PY'
import sys
import numpy as np
src, out = sys.argv[1], sys.argv[2]
p = np.load(src + "/weights.npz")
x = np.load(src + "/input.npy").astype(np.float64)
for i in (1, 2, 3):
    x = x @ p["w%d" % i].T.astype(np.float64) + p["b%d" % i]
    if i < 3:
        x = np.maximum(x, 0)
print()
for mode in ("ideal", "quantized"):
    y = np.load("%s/%s/result0.npy" % (out, mode))
    err = np.abs(y - x).max() / np.abs(x).max()
    top1 = (y.argmax(1) == x.argmax(1)).mean() * 100
    print("   %-9s vs float64 numpy: max rel err %.2e, top-1 agreement %.0f%%" % (mode, err, top1))
PY
fi
echo
echo "   reports: $out/ideal/report.json $out/quantized/report.json"
