"""Experiment 1 of docs/coopt.md: one chip for the KAUST set (VGG16,
ResNet-18, AlexNet, MobileNetV3-small; torchvision, random weights) against
the chip tuned for the largest workload alone, each workload's own optimum,
and the bundled rram-22nm.

    PYTHONPATH=build/python /usr/bin/python3 examples/coopt/kaust_set.py \\
        [--cache DIR] [--max-area MM2] [--max-error E]
        [--size small|medium|large|kaust] [--search exhaustive|bnb]

Profiles are cached in DIR (default /tmp/imc-kaust): making them takes
about two minutes (VGG16's level tables), the searches seconds. Prints, per
design, each workload's regret (its EDAP over the best EDAP any design of
the space gives it), their geometric mean and maximum, and the worst
workload's EDAP against the largest-workload design's. --size picks one
of search_methods.py's spaces (default: small, SPACE below); --search bnb
finds the same optima by branch and bound (the default for --size kaust,
20,160,000 designs).
"""
import argparse
import math
import os
import time

import torch
import torchvision

import imc

NETS = ["vgg16", "resnet18", "alexnet", "mobilenet_v3_small"]
LARGEST = "vgg16"  # by MACs and weights

SPACE = {
    "base": "rram-22nm",
    "crossbar.rows": [64, 128, 256, 512],
    "crossbar.cols": [64, 128, 256, 512],
    "crossbar.cell_bits": [1, 2, 4],
    "crossbar.adc_bits": {"min": 4, "max": 8, "step": 1},
    "crossbar.parallel_rows": [16, 32, 64],
    "crossbar.weight_mapping": ["differential", "offset"],
    "crossbar.num_tiles": [512, 2048, 8192],
}


def profiles(cache):
    os.makedirs(cache, exist_ok=True)
    out = {}
    for name in NETS:
        path = os.path.join(cache, name + ".json")
        if not os.path.exists(path):
            torch.manual_seed(0)
            model = getattr(torchvision.models, name)().eval()
            t0 = time.time()
            imc.profile(imc.export(model, torch.randn(1, 3, 224, 224)),
                        name).save(path)
            print("profiled %s in %.1f s" % (name, time.time() - t0))
        out[name] = imc.load_profile(path)
    return out


def edaps(prof, target):
    """Per workload: EDAP (pJ ns mm^2) of the profile on a target."""
    res = imc.evaluate(prof, target)
    res = res if isinstance(res, dict) else {NETS[0]: res}
    out = {}
    for name, r in res.items():
        t = r.report["totals"]
        out[name] = (t["inference_energy_pj"] * t["inference_latency_ns"] *
                     t["area_mm2"])
    return out


def edap_on(prof, target):
    """The EDAP of a one-workload profile on a target; infinity when the
    target cannot hold the workload (a design tuned for a small network
    may have arrays too small for a large one)."""
    try:
        return list(edaps(prof, target).values())[0]
    except imc.ImcError:
        return float("inf")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", default="/tmp/imc-kaust")
    ap.add_argument("--max-area", type=float, default=None)
    ap.add_argument("--max-error", type=float, default=None,
                    help="bound on the accuracy proxy (mvm_error)")
    ap.add_argument("--size", default="small",
                    choices=["small", "medium", "large", "kaust"])
    ap.add_argument("--search", default=None, choices=["exhaustive", "bnb"])
    args = ap.parse_args()
    from search_methods import SPACES  # this directory
    space = dict(SPACES[args.size])
    search = args.search or ("bnb" if args.size == "kaust" else "exhaustive")
    constraints = {}
    if args.max_area:
        constraints["max_area_mm2"] = args.max_area
    if args.max_error:
        constraints["max_mvm_error"] = args.max_error
    if constraints:
        space["constraints"] = constraints
    profs = profiles(args.cache)
    joint = profs[NETS[0]]
    for name in NETS[1:]:
        joint = joint + profs[name]

    t0 = time.time()
    r = imc.coopt(joint, space, search=search)
    print("joint search (%s): %d of %d designs x %d workloads evaluated in "
          "%.1f s (%d feasible)" % (search, r["designs"], r["space_designs"],
                                    len(NETS), time.time() - t0,
                                    r["feasible"]))
    designs = {"joint": r["chosen_target"]}
    best = {}  # each workload's best EDAP over the space
    for name in NETS:
        s = imc.coopt(profs[name], space, search=search)
        designs[name + " only"] = s["chosen_target"]
        best[name] = s["chosen"]["workloads"][0]["edap"]
    designs["rram-22nm (fixed)"] = "rram-22nm"
    rows = []
    for label, target in designs.items():
        e = {n: edap_on(profs[n], target) for n in NETS}
        reg = [e[n] / best[n] for n in NETS]
        rows.append((label, e, reg))
    largest = dict((label, e) for label, e, _ in rows)[LARGEST + " only"]
    print("%-22s %s %9s %9s %s" % ("design", " ".join("%9s" % n[:9] for n in NETS),
                                   "geomean", "max", "worst EDAP vs largest-only"))
    largest_max = max(reg for label, _, regs in rows
                      if label == LARGEST + " only" for reg in regs)
    for label, e, reg in rows:
        worst = max(NETS, key=lambda n: e[n] / best[n])
        change = 100.0 * (e[worst] / largest[worst] - 1.0)
        print("%-22s %s %9.3f %9.3f %+.1f%% (%s); max regret %+.1f%%" % (
            label, " ".join("%9.3f" % x for x in reg),
            math.exp(sum(math.log(x) for x in reg) / len(reg)), max(reg),
            change, worst, 100.0 * (max(reg) / largest_max - 1.0)))
    c = r["chosen"]["values"]
    print("joint design:", ", ".join("%s = %s" % kv for kv in c.items()),
          "(accuracy proxy %.4f)" % r["chosen"]["mvm_error"])


if __name__ == "__main__":
    main()
