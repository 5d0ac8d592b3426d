#!/usr/bin/env python3
"""imc from PyTorch, end to end: trains a small CNN on the handwritten digits
bundled with scikit-learn (8x8 images; no download), exports it with
imc.export, compiles it for the default RRAM target, simulates the held-out
images in ideal and quantized mode, and prints accuracy next to PyTorch's and
imc-sim's report summary.

    PYTHONPATH=build/python /usr/bin/python3 examples/pytorch_demo.py --out build/demo
"""
import argparse
import os
import time

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

import imc


class DigitsCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(16)
        self.pool = nn.MaxPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.pool(torch.relu(self.bn2(self.conv2(x))))
        return self.fc(torch.flatten(self.gap(x), 1))


def train(epochs=150):
    """The demo's model trained on 80% of the digits; returns (model in eval
    mode, test images, test labels)."""
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    xtr, xte, ytr, yte = train_test_split(x, digits.target, test_size=0.2,
                                          random_state=0, stratify=digits.target)
    torch.manual_seed(0)
    model = DigitsCNN()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(epochs):  # full batch
        opt.zero_grad()
        nn.functional.cross_entropy(model(torch.tensor(xtr)), torch.tensor(ytr)).backward()
        opt.step()
    return model.eval(), xte, yte


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="build/demo", help="where the program and reports go")
    ap.add_argument("--target", default="default", help="target JSON or bundled name")
    ap.add_argument("--epochs", type=int, default=150)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    start = time.time()
    model, xte, yte = train(args.epochs)
    with torch.no_grad():
        ref = model(torch.tensor(xte)).numpy()
    print("== trained a digits CNN in PyTorch (%.1f s): test accuracy %.4f"
          % (time.time() - start, (ref.argmax(1) == yte).mean()))

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
            import json
            json.dump(res.report, f, indent=2)
        if mode == "quantized":
            print(res.summary(), end="")
    print("\n   program, lowered IR and reports in %s/ (imc-sim %s/digits_cnn.imcb --dump)"
          % (args.out, args.out))


if __name__ == "__main__":
    main()
