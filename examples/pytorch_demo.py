#!/usr/bin/env python3
"""imc from PyTorch, end to end: a small CNN classifying the handwritten
digits bundled with scikit-learn (8x8 images; no download), exported with
imc.export, compiled for the default RRAM target and simulated on the 360
held-out images in ideal and quantized mode; prints accuracy next to
PyTorch's and imc-sim's report summary.

The CNN's weights are shipped (examples/digits/digits_cnn.npz, written by
examples/digits/train.py: mini-batch AdamW, one-cycle schedule, 40 epochs,
checked to reach >= 95% test accuracy); --train retrains it with that recipe
first (a few seconds).

    PYTHONPATH=build/python /usr/bin/python3 examples/pytorch_demo.py --out build/demo
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "digits"))
import imc  # noqa: E402
import digits_models  # noqa: E402  (the model, the data split, the shipped weights)
from digits_models import DigitsCNN  # noqa: E402,F401


def load_model(retrain=False, seed=0):
    """The demo's CNN in eval mode (shipped weights, or retrained with
    examples/digits/train.py's recipe, which raises unless it converges),
    the test images and the test labels."""
    _, xte, _, yte = digits_models.load_split("cnn")
    if retrain:
        import train
        model = train.train("cnn", seed=seed)
    else:
        model = digits_models.load("cnn")
    return model, xte, yte


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="build/demo", help="where the program and reports go")
    ap.add_argument("--target", default="default", help="target JSON or bundled name")
    ap.add_argument("--train", action="store_true",
                    help="retrain the CNN (examples/digits/train.py's recipe) "
                    "instead of loading the shipped weights")
    ap.add_argument("--seed", type=int, default=0, help="training seed (with --train)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    start = time.time()
    try:
        model, xte, yte = load_model(args.train, args.seed)
    except RuntimeError as e:  # train.TrainingFailed: it did not reach 95%
        print(e)
        return 1
    with torch.no_grad():
        ref = model(torch.tensor(xte)).numpy()
    how = ("trained in PyTorch (%.1f s)" % (time.time() - start) if args.train else
           "loaded from examples/digits/digits_cnn.npz")
    print("== digits CNN %s: test accuracy %.4f on %d held-out images"
          % (how, (ref.argmax(1) == yte).mean(), len(yte)))

    start = time.time()
    module = imc.export(model, torch.tensor(xte))
    program = imc.compile(module, target=args.target)
    program.save(os.path.join(args.out, "digits_cnn.imcb"))
    with open(os.path.join(args.out, "digits_cnn.lowered.mlir"), "w") as f:
        f.write(program.module.to_string(debug_info=True))
    print("== exported and compiled for '%s' in %.2f s: %s"
          % (args.target, time.time() - start, program))

    for mode in ("ideal", "quantized"):
        res = imc.simulate(program, [xte], mode=mode)
        y = res.outputs[0]
        err = np.abs(y - ref).max() / np.abs(ref).max()
        print("\n== %s: test accuracy %.4f (PyTorch %.4f), agrees with PyTorch on "
              "%.1f%% of images, max rel err %.2e"
              % (mode, (y.argmax(1) == yte).mean(), (ref.argmax(1) == yte).mean(),
                 100 * (y.argmax(1) == ref.argmax(1)).mean(), err))
        with open(os.path.join(args.out, "digits_cnn.%s.json" % mode), "w") as f:
            json.dump(res.report, f, indent=2)
        if mode == "quantized":
            print(res.summary(), end="")
    print("\n   program, lowered IR and reports in %s/ (imc-sim %s/digits_cnn.imcb --dump)"
          % (args.out, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
