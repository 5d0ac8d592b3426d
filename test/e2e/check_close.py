#!/usr/bin/env python3
"""check_close.py RESULT.npy REFERENCE.npy --label L [--rtol R]: prints the
max error relative to the largest reference magnitude and the top-1 (argmax
over the last axis) agreement; exits 1 when the error exceeds --rtol."""
import argparse
import sys

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("result")
ap.add_argument("reference")
ap.add_argument("--label", required=True)
ap.add_argument("--rtol", type=float, default=None)
args = ap.parse_args()
y, ref = np.load(args.result), np.load(args.reference)
if y.shape != ref.shape:
    print("FAIL: [%s] shape %s, reference %s" % (args.label, y.shape, ref.shape))
    sys.exit(1)
rel = float(np.abs(y - ref).max() / np.abs(ref).max())
top1 = float((y.argmax(-1) == ref.argmax(-1)).mean())
print("[%s] max rel err %.3g, top-1 agreement %.2f" % (args.label, rel, top1))
if args.rtol is not None and not rel <= args.rtol:
    print("FAIL: [%s] max rel err %.3g > %g" % (args.label, rel, args.rtol))
    sys.exit(1)
