#!/usr/bin/env python3
"""Trains the 64-128-64-10 MLP on sklearn's bundled handwritten digits (8x8
images, 64 features: no download), compiles it with imc for one or more
targets, simulates the held-out test set in ideal and quantized mode, and
prints test accuracy against the PyTorch float model.

  run_digits.py --bin build/bin --out /tmp/digits [--target T.json ...]

Needs /usr/bin/python3 (torch, sklearn, numpy) and the imc tools.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mlp"))
import gen_mlp  # noqa: E402  (the same MLIR writer as the bundled example)


def train(seed, epochs):
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    xtr, xte, ytr, yte = train_test_split(x, digits.target, test_size=0.2,
                                          random_state=seed, stratify=digits.target)
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64),
                          nn.ReLU(), nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    xt, yt = torch.tensor(xtr), torch.tensor(ytr)
    for _ in range(epochs):  # full batch: 1437 samples
        opt.zero_grad()
        nn.functional.cross_entropy(model(xt), yt).backward()
        opt.step()
    model.eval()
    return model, xte, yte


def run(cmd):
    subprocess.run(cmd, check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="directory with imc-opt, imc-translate, imc-sim")
    ap.add_argument("--out", required=True)
    ap.add_argument("--target", action="append", help="target JSON (repeatable)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--check", action="store_true",
                    help="exit 1 unless float accuracy >= 0.9, every ideal run "
                    "agrees with float on every image, and every quantized run "
                    "agrees on >= 95%%")
    args = ap.parse_args()
    targets = args.target or [os.path.join(HERE, "..", "..", "targets", "default.json")]
    os.makedirs(args.out, exist_ok=True)

    model, xte, yte = train(args.seed, args.epochs)
    with torch.no_grad():
        logits = model(torch.tensor(xte)).numpy()
    float_pred = logits.argmax(1)
    params = {}
    for i, layer in zip((1, 2, 3), (model[0], model[2], model[4])):
        params["w%d" % i] = layer.weight.detach().numpy()
        params["b%d" % i] = layer.bias.detach().numpy()
    mlir = os.path.join(args.out, "digits.mlir")
    with open(mlir, "w") as f:
        f.write(gen_mlp.emit_mlir(params, len(xte)))
    np.save(os.path.join(args.out, "test.npy"), xte)

    rows = [("PyTorch float", (float_pred == yte).mean(), 1.0, 0.0)]
    for target in targets:
        name = json.load(open(target))["name"]
        lowered = os.path.join(args.out, name + ".mlir")
        prog = os.path.join(args.out, name + ".imcb")
        run([os.path.join(args.bin, "imc-opt"), mlir, "--imc-pipeline=target=" + target,
             "--mlir-print-debuginfo", "-o", lowered])
        run([os.path.join(args.bin, "imc-translate"), "--imc-to-sim", lowered, "-o", prog])
        for mode in ("ideal", "quantized"):
            d = os.path.join(args.out, name + "-" + mode)
            os.makedirs(d, exist_ok=True)
            run([os.path.join(args.bin, "imc-sim"), prog, "--input",
                 os.path.join(args.out, "test.npy"), "--output-dir", d, "--report",
                 os.path.join(d, "report.json"), "--mode", mode, "--quiet"])
            y = np.load(os.path.join(d, "result0.npy"))
            pred = y.argmax(1)
            err = np.abs(y - logits).max() / np.abs(logits).max()
            rows.append(("%s %s" % (name, mode), (pred == yte).mean(),
                         (pred == float_pred).mean(), err))

    print("digits test set: %d images (sklearn load_digits, 20%% held out)" % len(yte))
    print("%-32s %9s %15s %14s" % ("model", "accuracy", "agrees w/ float", "max rel err"))
    for name, acc, agree, err in rows:
        print("%-32s %9.4f %15.4f %14.2e" % (name, acc, agree, err))
    if args.check:
        bad = [n for n, acc, agree, _ in rows
               if (n == "PyTorch float" and acc < 0.9)
               or (n.endswith(" ideal") and agree < 1.0)
               or (n.endswith(" quantized") and agree < 0.95)]
        if bad:
            print("FAIL: below the thresholds: %s" % ", ".join(bad))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
