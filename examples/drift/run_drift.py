#!/usr/bin/env python3
"""Accuracy under PCM drift: the digits CNN of examples/pytorch_demo.py (its
shipped weights, examples/digits/digits_cnn.npz; --train retrains it with
examples/digits/train.py's recipe), compiled for a PCM target; simulates the
held-out images of scikit-learn's bundled digits with AIHWKIT's PCM noise
model at several times after programming, with and without global drift
compensation, over several seeds, and reports mean and standard deviation of
the accuracy next to the float model's, as a table (stdout, drift.csv) and a
plot (drift.png).

--check tests imc, not the model: accuracy is compared with the float model's
(a drop in points), never with an absolute bar.

    PYTHONPATH=build/python /usr/bin/python3 examples/drift/run_drift.py --out build/drift
"""
import argparse
import csv
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import imc  # noqa: E402
import pytorch_demo  # noqa: E402  (the same model and data split)

# --check thresholds, in accuracy points (1 point = 0.01) below float.
QUANT_DROP = 0.02   # noise-free 8-bit quantized mode
QUANT_AGREE = 0.95  # ... and its argmax agrees with PyTorch's on this share
NOISY_1S_DROP = 0.05  # PCM noise 1 s after programming, mean over seeds

TIMES = {"1 s": 1.0, "1 h": 3600.0, "1 day": 86400.0, "1 year": 365 * 86400.0}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="build/drift")
    ap.add_argument("--target", default=os.path.join(HERE, "..", "..", "targets", "pcm-22nm.json"))
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--times", default=",".join(TIMES), help="comma-separated subset of %s" % list(TIMES))
    ap.add_argument("--train", action="store_true",
                    help="retrain the CNN instead of loading the shipped weights")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 unless quantized accuracy is within %d points of "
                    "float and agrees with PyTorch on >= %d%%%% of the images, noisy "
                    "accuracy at 1 s (mean over seeds, GDC on and off) is within "
                    "%d points of float, and GDC does not hurt (mean over seeds) "
                    "from 1 h on" % (100 * QUANT_DROP, 100 * QUANT_AGREE,
                                     100 * NOISY_1S_DROP))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    times = [t.strip() for t in args.times.split(",")]

    try:
        model, xte, yte = pytorch_demo.load_model(args.train)
    except RuntimeError as e:  # train.TrainingFailed
        print(e)
        return 1
    with torch.no_grad():
        float_pred = model(torch.tensor(xte)).numpy().argmax(1)
    float_acc = (float_pred == yte).mean()
    prog = imc.compile(imc.export(model, torch.tensor(xte)), target=args.target)
    quant_pred = imc.simulate(prog, [xte], mode="quantized").outputs[0].argmax(1)
    quant_acc = (quant_pred == yte).mean()
    quant_agree = (quant_pred == float_pred).mean()

    rows = []
    for name in times:
        for gdc in (False, True):
            accs = []
            for seed in range(args.seeds):
                res = imc.simulate(prog, [xte], mode="noisy", seed=seed,
                                   drift_time=TIMES[name], gdc=gdc)
                accs.append((res.outputs[0].argmax(1) == yte).mean())
            rows.append((name, gdc, float(np.mean(accs)), float(np.std(accs))))

    print("digits CNN, %d test images, PCM (AIHWKIT model), %d seeds" % (len(yte), args.seeds))
    print("float accuracy %.4f, quantized (no noise) %.4f, agreeing with float on %.4f"
          % (float_acc, quant_acc, quant_agree))
    print("%-8s %-7s %10s %8s" % ("time", "GDC", "accuracy", "std"))
    for name, gdc, mean, std in rows:
        print("%-8s %-7s %10.4f %8.4f" % (name, "on" if gdc else "off", mean, std))
    with open(os.path.join(args.out, "drift.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["time", "time_s", "gdc", "accuracy_mean", "accuracy_std", "float_accuracy"])
        for name, gdc, mean, std in rows:
            w.writerow([name, TIMES[name], int(gdc), mean, std, float_acc])
    if not args.no_plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6, 4))
        for gdc, style in ((False, "o--"), (True, "s-")):
            pts = [(TIMES[n], m, s) for n, g, m, s in rows if g == gdc]
            ax.errorbar([p[0] for p in pts], [p[1] for p in pts], [p[2] for p in pts],
                        fmt=style, capsize=3, label="GDC " + ("on" if gdc else "off"))
        ax.axhline(float_acc, color="gray", lw=1, label="float")
        ax.set_xscale("log")
        ax.set_xlabel("time since programming (s)")
        ax.set_ylabel("test accuracy")
        ax.set_title("Digits CNN on PCM crossbars (mean +- std over %d seeds)" % args.seeds)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(args.out, "drift.png"), dpi=120)
    if args.check:
        acc = {(n, g): m for n, g, m, _ in rows}
        bad = []
        if quant_acc < float_acc - QUANT_DROP:
            bad.append("quantized accuracy %.4f more than %g points below float %.4f"
                       % (quant_acc, 100 * QUANT_DROP, float_acc))
        if quant_agree < QUANT_AGREE:
            bad.append("quantized agrees with float on %.4f < %g"
                       % (quant_agree, QUANT_AGREE))
        for gdc in (False, True):
            if "1 s" in times and acc[("1 s", gdc)] < float_acc - NOISY_1S_DROP:
                bad.append("accuracy at 1 s (GDC %s) %.4f more than %g points below "
                           "float %.4f" % ("on" if gdc else "off", acc[("1 s", gdc)],
                                           100 * NOISY_1S_DROP, float_acc))
        for n in times:
            if TIMES[n] >= 3600 and acc[(n, True)] < acc[(n, False)]:
                bad.append("GDC hurts at %s: %.4f with, %.4f without"
                           % (n, acc[(n, True)], acc[(n, False)]))
        if bad:
            print("FAIL: " + "; ".join(bad))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
