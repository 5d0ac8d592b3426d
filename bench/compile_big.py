"""Compile cost of a large model (issue 12, "big models stay cheap").

Exports torchvision VGG-16 (138 M weights, random) at 224x224 with imc.export,
compiles it (imc-pipeline + translation to a program) and prints the wall time
and peak memory of each step, as ratios against references run here: time
against one PyTorch eager forward pass of the same model, memory against the
size of its float32 weights. Goals (issue 12): compile in under 5 s and 2 GB.

    PYTHONPATH=build/python /usr/bin/python3 bench/compile_big.py [--size 224] [--model vgg16]
"""
import argparse
import resource
import time


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="vgg16")
    ap.add_argument("--size", type=int, default=224)
    args = ap.parse_args()
    import torch
    import torchvision

    import imc
    from imc import _imc

    model = getattr(torchvision.models, args.model)().eval()
    x = torch.randn(1, 3, args.size, args.size)
    weights_mb = sum(p.numel() for p in model.parameters()) * 4 / 2**20
    with torch.no_grad():
        model(x)
        t = time.perf_counter()
        model(x)
        eager = time.perf_counter() - t
    base = peak_mb()
    rows = []
    t = time.perf_counter()
    mod = imc.export(model, x)
    rows.append(("export", time.perf_counter() - t, peak_mb()))
    t = time.perf_counter()
    lowered = imc.run_pipeline(mod, "imc-pipeline{target=%s}" % imc.target_path("default"))
    rows.append(("imc-pipeline", time.perf_counter() - t, peak_mb()))
    t = time.perf_counter()
    data = _imc.translate(lowered._impl)
    rows.append(("translate", time.perf_counter() - t, peak_mb()))
    print("%s at %dx%d: %.0f MB of float32 weights; PyTorch eager forward %.3f s; "
          "process peak before export %.0f MB; program %.0f MB"
          % (args.model, args.size, args.size, weights_mb, eager, base,
             len(data) / 2**20))
    print("%-14s %9s %12s %14s %12s" % ("step", "seconds", "x eager", "peak MB", "x weights"))
    total = 0.0
    for name, sec, mb in rows:
        total += sec
        print("%-14s %9.2f %12.0f %14.0f %12.1f" % (name, sec, sec / eager, mb, mb / weights_mb))
    print("%-14s %9.2f %12.0f" % ("compile", total - rows[0][1], (total - rows[0][1]) / eager))


if __name__ == "__main__":
    main()
