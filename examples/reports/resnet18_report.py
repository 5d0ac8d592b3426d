#!/usr/bin/env python3
"""A full imc report for torchvision ResNet-18 (random weights, 1x3x224x224)
on a bundled target (default: targets/rram-22nm.json): latency (scheduled,
with and without programming), energy by component, area by component,
TOPS, TOPS/W, TOPS/mm^2, cell writes, per-layer rows; written as JSON, CSV,
a PNG chart and the printed summary. Costs do not depend on data, so this
uses imc.estimate (no simulation); pass --simulate to also run the network
in ideal mode and compare with PyTorch.

    PYTHONPATH=build/python /usr/bin/python3 examples/reports/resnet18_report.py --out /tmp/r18
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torchvision

import imc

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default=os.path.join(HERE, "..", "..", "targets", "rram-22nm.json"))
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--out", default="resnet18-report", help="output directory")
    ap.add_argument("--simulate", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    torch.manual_seed(0)
    model = torchvision.models.resnet18().eval()
    x = torch.randn(1, 3, args.size, args.size)
    t0 = time.perf_counter()
    prog = imc.compile(imc.export(model, x), target=args.target)
    t1 = time.perf_counter()
    res = imc.estimate(prog)
    t2 = time.perf_counter()
    if args.simulate:
        sim = imc.simulate(prog, [x.numpy()])
        with torch.no_grad():
            ref = model(x).numpy()
        err = np.abs(sim.outputs[0] - ref).max() / np.abs(ref).max()
        print("ideal simulation vs PyTorch: max|err|/max|ref| %.2e" % err)
        res = sim
    import json
    with open(os.path.join(args.out, "report.json"), "w") as f:
        json.dump(res.report, f, indent=2)
    with open(os.path.join(args.out, "layers.csv"), "w") as f:
        f.write(res.csv())
    res.plot(os.path.join(args.out, "report.png"))
    print("export + compile %.1f s, estimate %.3f s" % (t1 - t0, t2 - t1))
    print(res.summary())
    print("wrote %s/{report.json,layers.csv,report.png}" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
