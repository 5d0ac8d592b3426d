#!/usr/bin/env python3
"""imc-sim speed benchmark (a benchmark, not a test: it prints figures and
checks nothing but that the simulator still agrees with PyTorch).

Exports torchvision ResNet-18 (random weights, eval mode) at the given input
size, compiles it for a target, and times imc.simulate in each mode against
PyTorch fp32 eager on the same input and machine. Prints one line per mode:
wall time (best of --repeat), the ratio to PyTorch, and, for ideal mode, the
relative error against PyTorch.

    PYTHONPATH=build/python /usr/bin/python3 bench/sim_speed.py
    PYTHONPATH=build/python /usr/bin/python3 bench/sim_speed.py --size 64 --modes ideal
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
import imc  # noqa: E402


def best_of(n, fn):
    best, out = float("inf"), None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=224, help="input height = width")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--target", default=os.path.join(HERE, "..", "targets", "default.json"))
    ap.add_argument("--modes", default="ideal,quantized,noisy")
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs per mode")
    args = ap.parse_args()

    torch.manual_seed(0)
    model = torchvision.models.resnet18().eval()
    x = torch.randn(args.batch, 3, args.size, args.size)
    print("ResNet-18, input %s, target %s, torch %d threads"
          % (tuple(x.shape), os.path.basename(args.target), torch.get_num_threads()))

    t0 = time.perf_counter()
    mod = imc.export(model, x)
    t1 = time.perf_counter()
    prog = imc.compile(mod, target=args.target)
    t2 = time.perf_counter()
    print("export %.2f s, compile + translate %.2f s, program %.1f MB"
          % (t1 - t0, t2 - t1, len(prog.to_bytes()) / 1e6))

    # The cost model alone: whole-network evaluations per second (C++, the
    # program loaded once; bench/cost_eval.cpp).
    bench_bin = os.path.join(os.environ.get("IMC_BUILD_DIR", os.path.join(
        HERE, "..", "build")), "bin", "imc-cost-bench")
    if os.path.exists(bench_bin):
        import subprocess
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "resnet18.imcb")
            with open(path, "wb") as f:
                f.write(prog.to_bytes())
            print(subprocess.run([bench_bin, path, "3"], check=True,
                                 capture_output=True, text=True).stdout.strip())
    else:
        print("(no %s: cost-model evaluations/s not measured)" % bench_bin)

    with torch.no_grad():
        model(x)  # warm-up
        t_torch, ref = best_of(max(args.repeat, 3), lambda: model(x))
    ref = ref.numpy()
    print("%-10s %9.3f s" % ("pytorch", t_torch))

    xn = x.numpy()
    imc.simulate(prog, [xn], mode="ideal")  # warm-up, as for PyTorch
    for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
        t, res = best_of(args.repeat, lambda: imc.simulate(prog, [xn], mode=mode,
                                                            drift_time=3600.0))
        out = res.outputs[0]
        err = np.abs(out - ref).max() / max(np.abs(ref).max(), 1e-12)
        print("%-10s %9.3f s  %7.1fx pytorch  max|err|/max|ref| %.2e"
              % (mode, t, t / t_torch, err))
        if mode == "ideal" and err > 1e-3:
            print("ideal mode disagrees with PyTorch", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
