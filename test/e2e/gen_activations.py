#!/usr/bin/env python3
"""Writes one function applying the activations a PyTorch model uses, each as
a linalg.generic in the form torch-mlir decomposes it to, with PyTorch's
results as references: sigmoid, SiLU, tanh, hardswish, hardsigmoid, ReLU6,
exact GELU, and a mean over the last dimension.

Outputs in --out: act.mlir, input.npy, ref<i>.npy (one per result).
"""
import argparse
import os

import numpy as np
import torch

SHAPE = (4, 16)
T = "tensor<4x16xf32>"
ID = "affine_map<(d0, d1) -> (d0, d1)>"
BODIES = {
    "sigmoid": ["%n = arith.negf %a : f32", "%e = math.exp %n : f32",
                "%d = arith.addf %e, %one : f32", "%r = arith.divf %one, %d : f32"],
    "silu": ["%n = arith.negf %a : f32", "%e = math.exp %n : f32",
             "%d = arith.addf %e, %one : f32", "%s = arith.divf %one, %d : f32",
             "%r = arith.mulf %a, %s : f32"],
    "tanh": ["%r = math.tanh %a : f32"],
    "hardswish": ["%p = arith.addf %a, %three : f32", "%m = arith.maximumf %p, %zero : f32",
                  "%c = arith.minimumf %m, %six : f32", "%t = arith.mulf %a, %c : f32",
                  "%r = arith.divf %t, %six : f32"],
    "hardsigmoid": ["%q = arith.divf %a, %six : f32", "%p = arith.addf %q, %half : f32",
                    "%m = arith.maximumf %p, %zero : f32", "%r = arith.minimumf %m, %one : f32"],
    "relu6": ["%m = arith.maximumf %a, %zero : f32", "%r = arith.minimumf %m, %six : f32"],
    "gelu": ["%t = arith.mulf %a, %rs2 : f32", "%er = math.erf %t : f32",
             "%p = arith.addf %er, %one : f32", "%h = arith.mulf %a, %half : f32",
             "%r = arith.mulf %h, %p : f32"],
}
TORCH = {
    "sigmoid": torch.sigmoid, "silu": torch.nn.functional.silu, "tanh": torch.tanh,
    "hardswish": torch.nn.functional.hardswish,
    "hardsigmoid": torch.nn.functional.hardsigmoid,
    "relu6": torch.nn.functional.relu6, "gelu": torch.nn.functional.gelu,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.manual_seed(0)
    x = torch.randn(*SHAPE) * 4  # reaches the clamps of hardswish and ReLU6
    lines, results, refs = [], [], []
    for i, (name, body) in enumerate(BODIES.items()):
        lines.append("  %%e%d = tensor.empty() : %s" % (i, T))
        lines.append('  %%r%d = linalg.generic {indexing_maps = [%s, %s], iterator_types = ["parallel", "parallel"]}'
                     ' ins(%%x : %s) outs(%%e%d : %s) {\n  ^bb0(%%a: f32, %%o: f32):\n%s\n'
                     '    linalg.yield %%r : f32\n  } -> %s loc("%s")'
                     % (i, ID, ID, T, i, T, "\n".join("    " + l for l in body), T, name))
        results.append("%%r%d" % i)
        refs.append(TORCH[name](x).numpy())
    # Mean over the last dimension: a sum reduction and a division.
    lines.append("  %es = tensor.empty() : tensor<4xf32>")
    lines.append("  %fs = linalg.fill ins(%zero : f32) outs(%es : tensor<4xf32>) -> tensor<4xf32>")
    lines.append('  %%sum = linalg.generic {indexing_maps = [%s, affine_map<(d0, d1) -> (d0)>], '
                 'iterator_types = ["parallel", "reduction"]} ins(%%x : %s) outs(%%fs : tensor<4xf32>) {\n'
                 '  ^bb0(%%a: f32, %%acc: f32):\n    %%r = arith.addf %%a, %%acc : f32\n'
                 '    linalg.yield %%r : f32\n  } -> tensor<4xf32> loc("mean")' % (ID, T))
    lines.append('  %mean = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], '
                 'iterator_types = ["parallel"]} ins(%sum : tensor<4xf32>) outs(%es : tensor<4xf32>) {\n'
                 '  ^bb0(%a: f32, %o: f32):\n    %n = arith.constant 16.0 : f32\n'
                 '    %r = arith.divf %a, %n : f32\n    linalg.yield %r : f32\n  } -> tensor<4xf32> loc("mean")')
    results.append("%mean")
    refs.append(x.mean(-1).numpy())
    types = [T] * (len(results) - 1) + ["tensor<4xf32>"]
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "act.mlir"), "w") as f:
        f.write("func.func @main(%%x: %s) -> (%s) {\n" % (T, ", ".join(types)))
        for c, v in (("zero", 0.0), ("one", 1.0), ("half", 0.5), ("three", 3.0), ("six", 6.0),
                     ("rs2", 1.0 / np.sqrt(2.0))):
            f.write("  %%%s = arith.constant %.9e : f32\n" % (c, v))
        f.write("\n".join(lines))
        f.write("\n  return %s : %s\n}\n" % (", ".join(results), ", ".join(types)))
    np.save(os.path.join(args.out, "input.npy"), x.numpy())
    for i, r in enumerate(refs):
        np.save(os.path.join(args.out, "ref%d.npy" % i), r)
    print(" ".join(BODIES) + " mean")


if __name__ == "__main__":
    main()
