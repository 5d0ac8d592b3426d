#!/usr/bin/env python3
"""Builds nn.TransformerEncoderLayer in PyTorch (random weights, fixed seed,
eval mode, GELU, post-norm) and writes it as linalg-on-tensors MLIR, with
PyTorch's output as the reference.

The IR: Q/K/V/output and feed-forward projections as linalg.matmul_transpose_b
with constant weights (crossbar work), head split/merge as
tensor.expand_shape/collapse_shape + linalg.transpose, the attention products
as linalg.batch_matmul of two computed tensors, the 1/sqrt(d) scaling, softmax
(max, exp, sum, divide), layer norm (mean, variance, rsqrt) and exact GELU
(erf) as linalg.generic reductions and element-wise bodies, residuals as adds.

Outputs in --out: encoder.mlir, input.npy (seq x d), reference.npy.
"""
import argparse
import math
import os

import numpy as np
import torch
from torch import nn

D, H, FF, S = 32, 4, 64, 8
DH = D // H


def dense(a):
    a = np.ascontiguousarray(a, dtype="<f4")
    return 'dense<"0x%s">' % a.tobytes().hex().upper()


def ty(shape):
    return "tensor<%sxf32>" % "x".join(str(d) for d in shape) if shape else "tensor<f32>"


def amap(n, dims):
    ds = ", ".join("d%d" % i for i in range(n))
    return "affine_map<(%s) -> (%s)>" % (ds, ", ".join("d%d" % d for d in dims))


class Emitter:
    def __init__(self):
        self.consts, self.lines, self.n = [], [], 0

    def fresh(self):
        self.n += 1
        return "%%v%d" % self.n

    def const(self, a):
        name = self.fresh()
        self.consts.append("  %s = arith.constant %s : %s" % (name, dense(a), ty(a.shape)))
        return name

    def emit(self, s):
        self.lines.append("  " + s)

    def empty(self, shape):
        e = self.fresh()
        self.emit("%s = tensor.empty() : %s" % (e, ty(shape)))
        return e

    def fill(self, shape, value):
        f = self.fresh()
        self.emit("%s = linalg.fill ins(%s : f32) outs(%s : %s) -> %s"
                  % (f, value, self.empty(shape), ty(shape), ty(shape)))
        return f

    def generic(self, ins, out_shape, out_dims, nloops, reduce_dims, body, name, init=None):
        """ins: list of (value, shape, dims); body: lines using %a0.. and %acc, ending in %r."""
        iters = ", ".join('"reduction"' if i in reduce_dims else '"parallel"' for i in range(nloops))
        maps = ", ".join([amap(nloops, d) for _, _, d in ins] + [amap(nloops, out_dims)])
        res = self.fresh()
        init = init or self.empty(out_shape)
        args = ", ".join("%%a%d: f32" % i for i in range(len(ins))) + ", %acc: f32"
        self.emit("%s = linalg.generic {indexing_maps = [%s], iterator_types = [%s]} ins(%s : %s) outs(%s : %s) {\n"
                  "  ^bb0(%s):\n%s\n    linalg.yield %%r : f32\n  } -> %s loc(\"%s\")"
                  % (res, maps, iters, ", ".join(v for v, _, _ in ins),
                     ", ".join(ty(s) for _, s, _ in ins), init, ty(out_shape), args,
                     "\n".join("    " + l for l in body), ty(out_shape), name))
        return res

    def linear(self, x, in_dim, w, b, name):
        out = w.shape[0]
        wc, bc = self.const(w), self.const(b)
        mm = self.fresh()
        self.emit('%s = linalg.matmul_transpose_b ins(%s, %s : %s, %s) outs(%s : %s) -> %s loc("%s")'
                  % (mm, x, wc, ty((S, in_dim)), ty(w.shape), self.fill((S, out), "%zero"),
                     ty((S, out)), ty((S, out)), name))
        return self.generic([(mm, (S, out), (0, 1)), (bc, (out,), (1,))], (S, out), (0, 1), 2, (),
                            ["%r = arith.addf %a0, %a1 : f32"], name)

    def transpose(self, x, shape, perm, name):
        out = tuple(shape[p] for p in perm)
        r = self.fresh()
        self.emit('%s = linalg.transpose ins(%s : %s) outs(%s : %s) permutation = [%s] loc("%s")'
                  % (r, x, ty(shape), self.empty(out), ty(out), ", ".join(map(str, perm)), name))
        return r, out

    def layernorm(self, x, ln, name):
        g, b = self.const(ln.weight.detach().numpy()), self.const(ln.bias.detach().numpy())
        s = self.generic([(x, (S, D), (0, 1))], (S,), (0,), 2, (1,),
                         ["%r = arith.addf %a0, %acc : f32"], name, init=self.fill((S,), "%zero"))
        xc = self.generic([(x, (S, D), (0, 1)), (s, (S,), (0,))], (S, D), (0, 1), 2, (),
                          [f"%n = arith.constant {D:.1f} : f32", "%m = arith.divf %a1, %n : f32",
                           "%r = arith.subf %a0, %m : f32"], name)
        v = self.generic([(xc, (S, D), (0, 1))], (S,), (0,), 2, (1,),
                         ["%q = arith.mulf %a0, %a0 : f32", "%r = arith.addf %q, %acc : f32"], name,
                         init=self.fill((S,), "%zero"))
        return self.generic([(xc, (S, D), (0, 1)), (v, (S,), (0,)), (g, (D,), (1,)), (b, (D,), (1,))],
                            (S, D), (0, 1), 2, (),
                            [f"%n = arith.constant {D:.1f} : f32", f"%eps = arith.constant {ln.eps:.9e} : f32",
                             "%var = arith.divf %a1, %n : f32", "%ve = arith.addf %var, %eps : f32",
                             "%rs = math.rsqrt %ve : f32", "%y = arith.mulf %a0, %rs : f32",
                             "%yg = arith.mulf %y, %a2 : f32", "%r = arith.addf %yg, %a3 : f32"], name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    layer = nn.TransformerEncoderLayer(D, H, FF, dropout=0.0, activation="gelu", batch_first=True).eval()
    x = torch.randn(1, S, D)
    with torch.no_grad():
        ref = layer(x)[0].numpy()

    e = Emitter()
    sa = layer.self_attn
    w, b = sa.in_proj_weight.detach().numpy(), sa.in_proj_bias.detach().numpy()
    q = e.linear("%x", D, w[:D], b[:D], "q_proj")
    k = e.linear("%x", D, w[D:2 * D], b[D:2 * D], "k_proj")
    v = e.linear("%x", D, w[2 * D:], b[2 * D:], "v_proj")
    heads = []
    for t, perm in ((q, (1, 0, 2)), (k, (1, 2, 0)), (v, (1, 0, 2))):
        r = e.fresh()
        e.emit("%s = tensor.expand_shape %s [[0], [1, 2]] output_shape [%d, %d, %d] : %s into %s"
               % (r, t, S, H, DH, ty((S, D)), ty((S, H, DH))))
        heads.append(e.transpose(r, (S, H, DH), perm, "heads"))
    (qh, _), (kt, _), (vh, _) = heads
    sc = e.fresh()
    e.emit('%s = linalg.batch_matmul ins(%s, %s : %s, %s) outs(%s : %s) -> %s loc("scores")'
           % (sc, qh, kt, ty((H, S, DH)), ty((H, DH, S)), e.fill((H, S, S), "%zero"),
              ty((H, S, S)), ty((H, S, S))))
    scaled = e.generic([(sc, (H, S, S), (0, 1, 2))], (H, S, S), (0, 1, 2), 3, (),
                       [f"%c = arith.constant {1.0 / math.sqrt(DH):.9e} : f32",
                        "%r = arith.mulf %a0, %c : f32"], "scale")
    mx = e.generic([(scaled, (H, S, S), (0, 1, 2))], (H, S), (0, 1), 3, (2,),
                   ["%r = arith.maximumf %a0, %acc : f32"], "softmax", init=e.fill((H, S), "%ninf"))
    ex = e.generic([(scaled, (H, S, S), (0, 1, 2)), (mx, (H, S), (0, 1))], (H, S, S), (0, 1, 2), 3, (),
                   ["%d = arith.subf %a0, %a1 : f32", "%r = math.exp %d : f32"], "softmax")
    sm = e.generic([(ex, (H, S, S), (0, 1, 2))], (H, S), (0, 1), 3, (2,),
                   ["%r = arith.addf %a0, %acc : f32"], "softmax", init=e.fill((H, S), "%zero"))
    p = e.generic([(ex, (H, S, S), (0, 1, 2)), (sm, (H, S), (0, 1))], (H, S, S), (0, 1, 2), 3, (),
                  ["%r = arith.divf %a0, %a1 : f32"], "softmax")
    av = e.fresh()
    e.emit('%s = linalg.batch_matmul ins(%s, %s : %s, %s) outs(%s : %s) -> %s loc("attn_v")'
           % (av, p, vh, ty((H, S, S)), ty((H, S, DH)), e.fill((H, S, DH), "%zero"),
              ty((H, S, DH)), ty((H, S, DH))))
    merged, _ = e.transpose(av, (H, S, DH), (1, 0, 2), "merge")
    flat = e.fresh()
    e.emit("%s = tensor.collapse_shape %s [[0], [1, 2]] : %s into %s" % (flat, merged, ty((S, H, DH)), ty((S, D))))
    o = e.linear(flat, D, sa.out_proj.weight.detach().numpy(), sa.out_proj.bias.detach().numpy(), "out_proj")
    r1 = e.generic([("%x", (S, D), (0, 1)), (o, (S, D), (0, 1))], (S, D), (0, 1), 2, (),
                   ["%r = arith.addf %a0, %a1 : f32"], "residual1")
    n1 = e.layernorm(r1, layer.norm1, "norm1")
    h = e.linear(n1, D, layer.linear1.weight.detach().numpy(), layer.linear1.bias.detach().numpy(), "ff1")
    g = e.generic([(h, (S, FF), (0, 1))], (S, FF), (0, 1), 2, (),
                  ["%half = arith.constant 0.5 : f32", "%one = arith.constant 1.0 : f32",
                   f"%rs2 = arith.constant {1.0 / math.sqrt(2.0):.9e} : f32",
                   "%t = arith.mulf %a0, %rs2 : f32", "%er = math.erf %t : f32",
                   "%p1 = arith.addf %er, %one : f32", "%hx = arith.mulf %a0, %half : f32",
                   "%r = arith.mulf %hx, %p1 : f32"], "gelu")
    f2 = e.linear(g, FF, layer.linear2.weight.detach().numpy(), layer.linear2.bias.detach().numpy(), "ff2")
    r2 = e.generic([(n1, (S, D), (0, 1)), (f2, (S, D), (0, 1))], (S, D), (0, 1), 2, (),
                   ["%r = arith.addf %a0, %a1 : f32"], "residual2")
    out = e.layernorm(r2, layer.norm2, "norm2")

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "encoder.mlir"), "w") as f:
        f.write("// Generated by test/e2e/gen_transformer.py: nn.TransformerEncoderLayer(32, 4, 64, gelu).\n")
        f.write("func.func @main(%%x: %s) -> %s {\n" % (ty((S, D)), ty((S, D))))
        f.write("  %zero = arith.constant 0.0 : f32\n  %ninf = arith.constant 0xFF800000 : f32\n")
        f.write("\n".join(e.consts + e.lines))
        f.write("\n  return %s : %s\n}\n" % (out, ty((S, D))))
    np.save(os.path.join(args.out, "input.npy"), x[0].numpy())
    np.save(os.path.join(args.out, "reference.npy"), ref)


if __name__ == "__main__":
    main()
