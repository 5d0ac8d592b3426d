#!/usr/bin/env python3
"""Builds a small CNN in PyTorch (random weights, fixed seed, eval mode) and
writes it as linalg-on-tensors MLIR in torch-mlir's style, with PyTorch's own
output as the reference.

The network: conv3x3+BN+ReLU; a residual block (a dilated conv3x3+BN+ReLU, a grouped conv3x3 (groups 2),
a conv3x3+BN, add, ReLU);
a depthwise-separable block (depthwise 3x3 stride 2 + BN + ReLU, pointwise
1x1 + BN + ReLU); max pool 2x2; average pool 3x3 stride 2 padding 1
(PyTorch's count_include_pad); flatten; linear.

The IR uses the forms torch-mlir emits: tensor.pad for padding, the conv bias
as a broadcast init, inference batch norm as one linalg.generic with
(x - mean) / sqrt(var + eps) * gamma + beta, pooling_nchw_max over a -inf
fill, average pooling as pooling_nchw_sum and a division, flatten as
tensor.collapse_shape, linear as linalg.matmul_transpose_b + bias.

Outputs in --out: cnn.mlir, input.npy, reference.npy (PyTorch, float32).
"""
import argparse
import os

import numpy as np
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=2, dilation=2, bias=False)
        self.gconv = nn.Conv2d(8, 8, 3, padding=1, groups=2, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.conv3 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(8)
        self.dw = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8, bias=False)
        self.bn4 = nn.BatchNorm2d(8)
        self.pw = nn.Conv2d(8, 16, 1, bias=False)
        self.bn5 = nn.BatchNorm2d(16)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        y = torch.relu(self.bn2(self.conv2(x)))
        x = torch.relu(self.bn3(self.conv3(self.gconv(y))) + x)
        x = torch.relu(self.bn4(self.dw(x)))
        x = torch.relu(self.bn5(self.pw(x)))
        x = nn.functional.max_pool2d(x, 2)
        x = nn.functional.avg_pool2d(x, 3, stride=2, padding=1)
        return self.fc(torch.flatten(x, 1))


def dense(a):
    a = np.ascontiguousarray(a, dtype="<f4")
    return 'dense<"0x%s">' % a.tobytes().hex().upper()


def ty(shape):
    return "tensor<%sxf32>" % "x".join(str(d) for d in shape)


class Emitter:
    ID4 = "affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>"
    CH = "affine_map<(d0, d1, d2, d3) -> (d1)>"
    PAR4 = '["parallel", "parallel", "parallel", "parallel"]'

    def __init__(self):
        self.lines, self.consts, self.n = [], [], 0

    def fresh(self, base="v"):
        self.n += 1
        return "%%%s%d" % (base, self.n)

    def const(self, array):
        name = self.fresh("c")
        self.consts.append("    %s = arith.constant %s : %s" % (name, dense(array), ty(array.shape)))
        return name

    def emit(self, text):
        self.lines.append("    " + text)

    def conv(self, x, shape, conv, name):
        w = conv.weight.detach().numpy()
        f, cg, kh, kw = w.shape
        n, c, h, wd = shape
        p, s, g, d = conv.padding[0], conv.stride[0], conv.groups, conv.dilation[0]
        if p:
            padded = self.fresh()
            self.emit("%s = tensor.pad %s low[0, 0, %d, %d] high[0, 0, %d, %d] {\n"
                      "    ^bb0(%%i: index, %%j: index, %%k: index, %%l: index):\n"
                      "      tensor.yield %%zero : f32\n"
                      "    } : %s to %s" % (padded, x, p, p, p, p, ty(shape),
                                            ty((n, c, h + 2 * p, wd + 2 * p))))
            x, h, wd = padded, h + 2 * p, wd + 2 * p
        oh, ow = (h - d * (kh - 1) - 1) // s + 1, (wd - d * (kw - 1) - 1) // s + 1
        out = (n, f, oh, ow)
        empty = self.fresh()
        self.emit("%s = tensor.empty() : %s" % (empty, ty(out)))
        if conv.bias is not None:
            b = self.const(conv.bias.detach().numpy())
            init = self.fresh()
            self.emit("%s = linalg.generic {indexing_maps = [%s, %s], iterator_types = %s}"
                      " ins(%s : %s) outs(%s : %s) {\n"
                      "    ^bb0(%%in: f32, %%o: f32):\n      linalg.yield %%in : f32\n"
                      "    } -> %s" % (init, self.CH, self.ID4, self.PAR4, b, ty((f,)),
                                       empty, ty(out), ty(out)))
        else:
            init = self.fresh()
            self.emit("%s = linalg.fill ins(%%zero : f32) outs(%s : %s) -> %s"
                      % (init, empty, ty(out), ty(out)))
        res = self.fresh()
        attrs = "{dilations = dense<%d> : vector<2xi64>, strides = dense<%d> : vector<2xi64>}" % (d, s)
        if g == 1:
            wc = self.const(w)
            self.emit('%s = linalg.conv_2d_nchw_fchw %s ins(%s, %s : %s, %s) outs(%s : %s) -> %s loc("%s")'
                      % (res, attrs, x, wc, ty((n, c, h, wd)), ty(w.shape), init, ty(out), ty(out), name))
        elif g < c:  # grouped: torch-mlir's NGCHW x GFCHW form
            x5, w5 = self.fresh(), self.const(w.reshape(g, f // g, cg, kh, kw))
            self.emit("%s = tensor.expand_shape %s [[0], [1, 2], [3], [4]] output_shape [%d, %d, %d, %d, %d] : %s into %s"
                      % (x5, x, n, g, cg, h, wd, ty((n, c, h, wd)), ty((n, g, cg, h, wd))))
            e5, f5, r5 = self.fresh(), self.fresh(), self.fresh()
            out5 = (n, g, f // g, oh, ow)
            self.emit("%s = tensor.empty() : %s" % (e5, ty(out5)))
            self.emit("%s = linalg.fill ins(%%zero : f32) outs(%s : %s) -> %s" % (f5, e5, ty(out5), ty(out5)))
            self.emit('%s = linalg.conv_2d_ngchw_gfchw %s ins(%s, %s : %s, %s) outs(%s : %s) -> %s loc("%s")'
                      % (r5, attrs, x5, w5, ty((n, g, cg, h, wd)), ty((g, f // g, cg, kh, kw)), f5,
                         ty(out5), ty(out5), name))
            self.emit("%s = tensor.collapse_shape %s [[0], [1, 2], [3], [4]] : %s into %s"
                      % (res, r5, ty(out5), ty(out)))
        else:
            assert g == c == f and cg == 1
            wc = self.const(w.reshape(f, kh, kw))
            self.emit('%s = linalg.depthwise_conv_2d_nchw_chw %s ins(%s, %s : %s, %s) outs(%s : %s) -> %s loc("%s")'
                      % (res, attrs, x, wc, ty((n, c, h, wd)), ty((f, kh, kw)), init, ty(out), ty(out), name))
        return res, out

    def batchnorm(self, x, shape, bn, name):
        consts = [self.const(getattr(bn, a).detach().numpy())
                  for a in ("running_mean", "running_var", "weight", "bias")]
        empty, res = self.fresh(), self.fresh()
        c = shape[1]
        self.emit("%s = tensor.empty() : %s" % (empty, ty(shape)))
        self.emit("%s = linalg.generic {indexing_maps = [%s, %s, %s, %s, %s, %s], iterator_types = %s}"
                  " ins(%s, %s : %s, %s, %s, %s, %s) outs(%s : %s) {\n"
                  "    ^bb0(%%in: f32, %%m: f32, %%v: f32, %%g: f32, %%b: f32, %%o: f32):\n"
                  "      %%eps = arith.constant %.9e : f32\n"
                  "      %%0 = arith.subf %%in, %%m : f32\n"
                  "      %%1 = arith.addf %%v, %%eps : f32\n"
                  "      %%2 = math.sqrt %%1 : f32\n"
                  "      %%3 = arith.divf %%0, %%2 : f32\n"
                  "      %%4 = arith.mulf %%3, %%g : f32\n"
                  "      %%5 = arith.addf %%4, %%b : f32\n"
                  "      linalg.yield %%5 : f32\n"
                  '    } -> %s loc("%s")'
                  % (res, self.ID4, self.CH, self.CH, self.CH, self.CH, self.ID4, self.PAR4,
                     x, ", ".join(consts), ty(shape), ty((c,)), ty((c,)), ty((c,)), ty((c,)),
                     empty, ty(shape), bn.eps, ty(shape), name))
        return res

    def binary(self, op, a, b, shape, name, body):
        empty, res = self.fresh(), self.fresh()
        ins = [a] if b is None else [a, b]
        args = "%in: f32, " + ("" if b is None else "%in2: f32, ") + "%o: f32"
        self.emit("%s = tensor.empty() : %s" % (empty, ty(shape)))
        self.emit("%s = linalg.generic {indexing_maps = [%s], iterator_types = %s}"
                  " ins(%s : %s) outs(%s : %s) {\n    ^bb0(%s):\n      %s\n"
                  "      linalg.yield %%r : f32\n"
                  '    } -> %s loc("%s")'
                  % (res, ", ".join([self.ID4] * (len(ins) + 1)), self.PAR4, ", ".join(ins),
                     ", ".join([ty(shape)] * len(ins)), empty, ty(shape), args, body,
                     ty(shape), name))
        return res

    def relu(self, x, shape, name):
        return self.binary("relu", x, None, shape, name, "%r = arith.maximumf %in, %zero : f32")

    def pool(self, x, shape, kind, name, k=2, s=2, p=0):
        n, c, h, w = shape
        if p:
            padded = self.fresh()
            self.emit("%s = tensor.pad %s low[0, 0, %d, %d] high[0, 0, %d, %d] {\n"
                      "    ^bb0(%%i: index, %%j: index, %%k: index, %%l: index):\n"
                      "      tensor.yield %s : f32\n"
                      "    } : %s to %s" % (padded, x, p, p, p, p,
                                            "%ninf" if kind == "max" else "%zero",
                                            ty(shape), ty((n, c, h + 2 * p, w + 2 * p))))
            x, h, w = padded, h + 2 * p, w + 2 * p
        out = (n, c, (h - k) // s + 1, (w - k) // s + 1)
        empty, init, win, res = self.fresh(), self.fresh(), self.fresh(), self.fresh()
        self.emit("%s = tensor.empty() : %s" % (empty, ty(out)))
        fillv = "%ninf" if kind == "max" else "%zero"
        self.emit("%s = linalg.fill ins(%s : f32) outs(%s : %s) -> %s" % (init, fillv, empty, ty(out), ty(out)))
        self.emit("%s = tensor.empty() : tensor<%dx%dxf32>" % (win, k, k))
        self.emit('%s = linalg.pooling_nchw_%s {dilations = dense<1> : vector<2xi64>, strides = dense<%d> : vector<2xi64>}'
                  ' ins(%s, %s : %s, tensor<%dx%dxf32>) outs(%s : %s) -> %s loc("%s")'
                  % (res, "max" if kind == "max" else "sum", s, x, win, ty((n, c, h, w)), k, k,
                     init, ty(out), ty(out), name))
        if kind == "avg":
            res = self.binary("div", res, None, out, name,
                              "%%kk = arith.constant %d.0 : f32\n      %%r = arith.divf %%in, %%kk : f32" % (k * k))
        return res, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=2)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    net = Net()
    for m in net.modules():  # non-trivial running statistics
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    net.eval()
    x = torch.randn(args.batch, 3, 16, 16)
    with torch.no_grad():
        ref = net(x).numpy()

    e = Emitter()
    shape = (args.batch, 3, 16, 16)
    v, shape = e.conv("%x", shape, net.conv1, "conv1")
    v = e.relu(e.batchnorm(v, shape, net.bn1, "bn1"), shape, "relu1")
    skip = v
    v, shape = e.conv(v, shape, net.conv2, "conv2")
    v = e.relu(e.batchnorm(v, shape, net.bn2, "bn2"), shape, "relu2")
    v, shape = e.conv(v, shape, net.gconv, "gconv")
    v, shape = e.conv(v, shape, net.conv3, "conv3")
    v = e.batchnorm(v, shape, net.bn3, "bn3")
    v = e.binary("add", v, skip, shape, "residual", "%r = arith.addf %in, %in2 : f32")
    v = e.relu(v, shape, "relu3")
    v, shape = e.conv(v, shape, net.dw, "dwconv")
    v = e.relu(e.batchnorm(v, shape, net.bn4, "bn4"), shape, "relu4")
    v, shape = e.conv(v, shape, net.pw, "pwconv")
    v = e.relu(e.batchnorm(v, shape, net.bn5, "bn5"), shape, "relu5")
    v, shape = e.pool(v, shape, "max", "maxpool")
    v, shape = e.pool(v, shape, "avg", "avgpool", k=3, s=2, p=1)
    flat = e.fresh()
    n = shape[0]
    e.emit("%s = tensor.collapse_shape %s [[0], [1, 2, 3]] : %s into %s"
           % (flat, v, ty(shape), ty((n, 64))))
    w = e.const(net.fc.weight.detach().numpy())
    b = e.const(net.fc.bias.detach().numpy())
    empty, fill, mm, out = e.fresh(), e.fresh(), e.fresh(), e.fresh()
    e.emit("%s = tensor.empty() : %s" % (empty, ty((n, 10))))
    e.emit("%s = linalg.fill ins(%%zero : f32) outs(%s : %s) -> %s" % (fill, empty, ty((n, 10)), ty((n, 10))))
    e.emit('%s = linalg.matmul_transpose_b ins(%s, %s : %s, tensor<10x64xf32>) outs(%s : %s) -> %s loc("fc")'
           % (mm, flat, w, ty((n, 64)), fill, ty((n, 10)), ty((n, 10))))
    e.emit("%s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>,"
           " affine_map<(d0, d1) -> (d0, d1)>], iterator_types = [\"parallel\", \"parallel\"]}"
           " ins(%s, %s : %s, tensor<10xf32>) outs(%s : %s) {\n"
           "    ^bb0(%%in: f32, %%bi: f32, %%o: f32):\n      %%r = arith.addf %%in, %%bi : f32\n"
           '      linalg.yield %%r : f32\n    } -> %s loc("fc")'
           % (out, mm, b, ty((n, 10)), empty, ty((n, 10)), ty((n, 10))))

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "cnn.mlir"), "w") as f:
        f.write("// Generated by test/e2e/gen_cnn.py: conv/BN/ReLU, residual, depthwise-separable, pools, linear.\n")
        f.write("func.func @main(%%x: %s) -> %s {\n" % (ty((args.batch, 3, 16, 16)), ty((n, 10))))
        f.write("    %zero = arith.constant 0.0 : f32\n    %ninf = arith.constant 0xFF800000 : f32\n")
        f.write("\n".join(e.consts + e.lines))
        f.write("\n    return %s : %s\n}\n" % (out, ty((n, 10))))
    np.save(os.path.join(args.out, "input.npy"), x.numpy())
    np.save(os.path.join(args.out, "reference.npy"), ref)


if __name__ == "__main__":
    main()
