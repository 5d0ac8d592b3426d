#!/usr/bin/env python3
"""A 64-128-64-10 MLP classifying sklearn's bundled handwritten digits (8x8
images, 64 features: no download), compiled with imc for one or more targets;
simulates the 360 held-out images in ideal and quantized mode and prints test
accuracy and agreement with the PyTorch float model.

The MLP's weights are shipped (digits_mlp.npz next to this script, written by
train.py here); --train retrains it with that recipe first (a few seconds).

  run_digits.py --bin build/bin --out /tmp/digits [--target T.json ...] [--check]

--check tests imc, not the model (no absolute accuracy bar): every ideal run
agrees with PyTorch on every image up to float round-off, every quantized run
agrees on >= 95% of the images and loses at most 2 points of accuracy.

Needs /usr/bin/python3 (torch, sklearn, numpy) and the imc tools.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "mlp"))
import digits_models  # noqa: E402  (the model, the data split, the shipped weights)
import gen_mlp  # noqa: E402  (the same MLIR writer as the bundled example)

# --check thresholds.
IDEAL_ERR = 1e-5      # ideal mode: max |y - PyTorch| / max |PyTorch| (float32 round-off)
TIE = 1e-4            # ideal mode may pick another class only where PyTorch's top
                      # two logits are closer than this (relative to max |logit|)
QUANT_AGREE = 0.95    # quantized: argmax agrees with PyTorch's on this share
QUANT_DROP = 0.02     # quantized: accuracy at most 2 points below float


def run(cmd):
    subprocess.run(cmd, check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="directory with imc-opt, imc-translate, imc-sim")
    ap.add_argument("--out", required=True)
    ap.add_argument("--target", action="append", help="target JSON (repeatable)")
    ap.add_argument("--train", action="store_true",
                    help="retrain the MLP (train.py's recipe) instead of loading "
                    "the shipped weights")
    ap.add_argument("--seed", type=int, default=0, help="training seed (with --train)")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 unless every ideal run is within %g of PyTorch "
                    "(relative) and agrees with it on every image but near-ties, "
                    "and every quantized run agrees on >= %d%%%% of the images and "
                    "is at most %d points less accurate"
                    % (IDEAL_ERR, 100 * QUANT_AGREE, 100 * QUANT_DROP))
    args = ap.parse_args()
    targets = args.target or [os.path.join(HERE, "..", "..", "targets", "default.json")]
    os.makedirs(args.out, exist_ok=True)

    _, xte, _, yte = digits_models.load_split("mlp")
    if args.train:
        import train
        try:
            model = train.train("mlp", seed=args.seed)
        except train.TrainingFailed as e:
            print(e)
            return 1
    else:
        model = digits_models.load("mlp")
    with torch.no_grad():
        logits = model(torch.tensor(xte)).numpy()
    float_pred = logits.argmax(1)
    float_acc = (float_pred == yte).mean()
    top2 = np.sort(logits, 1)[:, -2:]
    near_tie = (top2[:, 1] - top2[:, 0]) < TIE * np.abs(logits).max()
    params = {}
    for i, layer in zip((1, 2, 3), (model[0], model[2], model[4])):
        params["w%d" % i] = layer.weight.detach().numpy()
        params["b%d" % i] = layer.bias.detach().numpy()
    mlir = os.path.join(args.out, "digits.mlir")
    with open(mlir, "w") as f:
        f.write(gen_mlp.emit_mlir(params, len(xte)))
    np.save(os.path.join(args.out, "test.npy"), xte)

    rows = [("PyTorch float", float_acc, 1.0, 0.0)]
    bad = []
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
            acc, agree = (pred == yte).mean(), (pred == float_pred).mean()
            rows.append(("%s %s" % (name, mode), acc, agree, err))
            if mode == "ideal":
                differ = (pred != float_pred) & ~near_tie
                if err > IDEAL_ERR or differ.any():
                    bad.append("%s ideal: max rel err %.2e (limit %g), %d images "
                               "classified differently from PyTorch (not near-ties)"
                               % (name, err, IDEAL_ERR, differ.sum()))
            elif agree < QUANT_AGREE or acc < float_acc - QUANT_DROP:
                bad.append("%s quantized: agrees with PyTorch on %.4f (need >= %g), "
                           "accuracy %.4f vs float %.4f (at most %g points below)"
                           % (name, agree, QUANT_AGREE, acc, float_acc, 100 * QUANT_DROP))

    print("digits test set: %d images (sklearn load_digits, 20%% held out)" % len(yte))
    print("%-32s %9s %15s %14s" % ("model", "accuracy", "agrees w/ float", "max rel err"))
    for name, acc, agree, err in rows:
        print("%-32s %9.4f %15.4f %14.2e" % (name, acc, agree, err))
    if near_tie.any():
        print("(%d near-tie images: PyTorch's top two logits within %g)"
              % (near_tie.sum(), TIE))
    if args.check and bad:
        print("FAIL: " + "; ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
