#!/usr/bin/env python3
"""Checks imc-sim's results for the bundled MLP against references computed
here, independently of imc:

* ideal mode against a float64 numpy forward pass (max relative error
  <= 1e-5, relative to the largest reference magnitude);
* quantized mode, bit for bit, against a numpy implementation of the scheme
  in docs/quantization.md (tiling, per-tile-column weight scales, per-vector
  input scales, sign-magnitude DAC cycles, differential 2-slice cells,
  row-group ADC, integer shift-and-add);
* the report's counters against counts computed from the layer shapes and
  the target.
"""
import argparse
import json
import os
import sys

import numpy as np

F32 = np.float32


def ceil_div(a, b):
    return -(-a // b)


class Target:
    def __init__(self, path):
        t = json.load(open(path))
        x, p = t["crossbar"], t["precision"]
        self.name = t["name"]
        self.rows, self.cols = x["rows"], x["cols"]
        self.c, self.d, self.b = x["cell_bits"], x["dac_bits"], x["adc_bits"]
        self.p = x["parallel_rows"]
        self.wb, self.ab = p["weight_bits"], p["activation_bits"]
        self.slices = ceil_div(self.wb - 1, self.c)
        self.cycles = ceil_div(self.ab - 1, self.d)
        self.tile_cols = self.cols // (2 * self.slices)
        self.e_write = t["energy_pj"]["cell_write"]
        self.e_adc = t["energy_pj"]["adc_per_conversion"]


def quantize(v, scale, max_code):
    """Symmetric round-half-even quantization; scale 0 gives code 0."""
    safe = np.where(scale > 0, scale, 1.0)
    q = np.clip(np.rint(v / safe), -max_code, max_code)
    return np.where(scale > 0, q, 0).astype(np.int64)


def tile_mvm_quantized(x, w, t):
    """One crossbar tile: x (M x K) f32, w (K x N) f32 -> M x N f32."""
    k, n = w.shape
    lw, la = 2 ** (t.wb - 1) - 1, 2 ** (t.ab - 1) - 1
    cmask, dmask = 2 ** t.c - 1, 2 ** t.d - 1
    w64 = w.astype(np.float64)
    sw = np.abs(w64).max(axis=0) / lw
    q = quantize(w64, sw[None, :], lw)
    pos, neg = np.maximum(q, 0), np.maximum(-q, 0)
    diff = [((pos >> (t.c * s)) & cmask) - ((neg >> (t.c * s)) & cmask)
            for s in range(t.slices)]
    full_scale = t.p * (2 ** t.d - 1) * (2 ** t.c - 1)
    l_adc = 2 ** (t.b - 1) - 1
    step = 1.0 if full_scale <= l_adc else full_scale / l_adc
    out = np.empty((x.shape[0], n), F32)
    for m, row in enumerate(x.astype(np.float64)):
        sx = np.abs(row).max() / la
        qx = quantize(row, np.full(k, sx), la)
        sign, mag = np.sign(qx), np.abs(qx)
        acc = np.zeros(n, np.int64)
        for j in range(t.cycles):
            drive = sign * ((mag >> (t.d * j)) & dmask)
            for g0 in range(0, k, t.p):
                g = slice(g0, min(k, g0 + t.p))
                for s in range(t.slices):
                    v = drive[g] @ diff[s][g]
                    if full_scale <= l_adc:
                        code = np.clip(v, -l_adc, l_adc)
                    else:
                        code = np.clip(np.rint(v / step), -l_adc, l_adc).astype(np.int64)
                    acc += code * 2 ** (t.d * j + t.c * s)
        out[m] = (((acc.astype(np.float64) * step) * sx) * sw).astype(F32)
    return out


def blocks(size, block):
    return [(s, min(block, size - s)) for s in range(0, size, block)]


def layer_quantized(x, w, t):
    """imc-tile's decomposition: row blocks summed in f32 in order, column
    blocks placed side by side."""
    k, n = w.shape
    y = np.zeros((x.shape[0], n), F32)
    for c0, nc in blocks(n, t.tile_cols):
        partials = [tile_mvm_quantized(x[:, r0:r0 + nr], w[r0:r0 + nr, c0:c0 + nc], t)
                    for r0, nr in blocks(k, t.rows)]
        acc = partials[0]
        for p in partials[1:]:
            acc = (acc + p).astype(F32)
        y[:, c0:c0 + nc] = acc
    return y


def forward(x, params, linear):
    h = x
    for i in (1, 2, 3):
        h = linear(h, params["w%d" % i].T, i)
        h = (h + params["b%d" % i]).astype(h.dtype)
        if i < 3:
            h = np.maximum(h, 0).astype(h.dtype)
    return h


def float_reference(args):
    params = dict(np.load(os.path.join(args.dir, "weights.npz")))
    x = np.load(os.path.join(args.dir, "input.npy"))
    ref = forward(x.astype(np.float64), params,
                  lambda h, w, i: h @ w.astype(np.float64))
    return params, x, ref


def check_digital(args):
    """All products on the DPU: float results, and no crossbar activity."""
    params, x, ref = float_reference(args)
    y = np.load(os.path.join(args.ideal, "result0.npy"))
    rel = np.abs(y - ref).max() / np.abs(ref).max()
    print("[digital] ideal vs float64 reference: max rel err %.3g" % rel)
    tot = json.load(open(os.path.join(args.ideal, "report.json")))["totals"]
    macs = x.shape[0] * sum(params["w%d" % i].size for i in (1, 2, 3))
    expect = {"mvms": 0, "cell_writes": 0, "analog_macs": 0, "digital_macs": macs,
              "adc_conversions": 0, "tiles_programmed": 0, "analog_mac_ratio": 0.0}
    bad = ["%s = %s, expected %s" % (k, tot[k], v) for k, v in expect.items() if tot[k] != v]
    if not rel <= 1e-5:
        bad.append("ideal mode error %.3g > 1e-5" % rel)
    for f in bad:
        print("FAIL:", f, file=sys.stderr)
    print("[digital] report: %d digital MACs, %d DPU ops" % (tot["digital_macs"], tot["dpu_ops"]))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True, help="gen_mlp.py output directory")
    ap.add_argument("--target", required=True)
    ap.add_argument("--ideal", required=True, help="imc-sim --output-dir (ideal)")
    ap.add_argument("--quantized", help="imc-sim --output-dir (quantized)")
    ap.add_argument("--digital", action="store_true",
                    help="the program was compiled with policy=digital: only "
                    "--ideal is checked, and the report must show no analog work")
    args = ap.parse_args()
    if args.digital:
        return check_digital(args)
    t = Target(args.target)
    params, x, ref = float_reference(args)
    failures = []

    ideal = np.load(os.path.join(args.ideal, "result0.npy"))
    rel = np.abs(ideal - ref).max() / np.abs(ref).max()
    print("[%s] ideal vs float64 reference: max rel err %.3g" % (t.name, rel))
    if not rel <= 1e-5:
        failures.append("ideal mode error %.3g > 1e-5" % rel)

    qref = forward(x, params, lambda h, w, i: layer_quantized(h, w, t))
    quant = np.load(os.path.join(args.quantized, "result0.npy"))
    same = np.array_equal(quant, qref)
    print("[%s] quantized vs bit-exact reference: %s (max abs diff %.3g)"
          % (t.name, "identical" if same else "DIFFERENT",
             np.abs(quant - qref).max()))
    if not same:
        failures.append("quantized result differs from the bit-exact reference")
    qrel = np.abs(quant - ref).max() / np.abs(ref).max()
    agree = (quant.argmax(1) == ref.argmax(1)).mean()
    print("[%s] quantized vs float: max rel err %.3g, top-1 agreement %.2f"
          % (t.name, qrel, agree))

    # Report counters from the shapes alone.
    m = x.shape[0]
    tiles = writes = macs = conversions = 0
    for i in (1, 2, 3):
        k, n = params["w%d" % i].T.shape
        for _, nc in blocks(n, t.tile_cols):
            for _, nr in blocks(k, t.rows):
                tiles += 1
                writes += nr * nc * 2 * t.slices
                macs += m * nr * nc
                conversions += m * t.cycles * ceil_div(nr, t.p) * t.slices * nc
    for mode, d in (("ideal", args.ideal), ("quantized", args.quantized)):
        rep = json.load(open(os.path.join(d, "report.json")))
        tot = rep["totals"]
        expect = {"mvms": m * tiles, "cell_writes": writes, "analog_macs": macs,
                  "digital_macs": 0, "adc_conversions": conversions,
                  "tiles_programmed": tiles, "analog_mac_ratio": 1.0}
        for key, want in expect.items():
            if tot[key] != want:
                failures.append("%s report: %s = %s, expected %s" % (mode, key, tot[key], want))
        for key, want in (("write", writes * t.e_write), ("adc", conversions * t.e_adc)):
            got = tot["energy_breakdown_pj"][key]
            if abs(got - want) > 1e-9 * max(1.0, want):
                failures.append("%s report: %s energy %s, expected %s" % (mode, key, got, want))
        parts = sum(tot["energy_breakdown_pj"].values())
        if abs(parts - tot["energy_pj"]) > 1e-9 * tot["energy_pj"]:
            failures.append("%s report: energy breakdown does not add up" % mode)
        names = [l["name"] for l in rep["layers"]]
        if names != ["fc1", "relu1", "fc2", "relu2", "fc3"]:
            failures.append("%s report: layers %s" % (mode, names))
        if rep["mode"] != mode or rep["target"] != t.name:
            failures.append("%s report: mode/target %s/%s" % (mode, rep["mode"], rep["target"]))
    print("[%s] report: %d tiles, %d MVMs, %d cell writes, %d ADC conversions"
          % (t.name, tiles, m * tiles, writes, conversions))

    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
