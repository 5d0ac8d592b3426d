"""Experiments 4 and 5 of docs/coopt.md on the KAUST set (VGG16,
ResNet-18, AlexNet, MobileNetV3-small; profiles from kaust_set.py's cache):

4. KAUST's search method against ours on the same space and cost model:
   NSGA-II with their budget (population 70 x 40 generations, about 2,800
   evaluations) for several seeds, against the exact optimum; the GA
   choice's true regrets (against every workload's best over the whole
   space).
5. Search time and evaluations per second: exhaustive with 1 and 2
   threads, on a Dask LocalCluster of 1 and 2 workers, and branch and
   bound with 1 and 2 threads.

    PYTHONPATH=build/python /usr/bin/python3 examples/coopt/search_methods.py \\
        [--cache DIR] [--size small|medium|large|kaust] [--seeds N]
        [--no-dask] [--exhaustive]

Spaces: small = kaust_set.py's 4,320 designs; medium x 64 (supply voltage,
ADCs per array, buffer: 276,480); large x 256 (and DPU lanes: 1,105,920);
kaust: KAUST's own ranges (rows and columns 32-512, supply 0.5-0.85 V,
buffer 0.5-32 MB, 256-8192 arrays, ...): 20,160,000 designs, searched by
branch and bound only (the exhaustive search, about an hour here, with
--exhaustive).
"""
import argparse
import math
import os
import time

import imc

from kaust_set import NETS, SPACE as SMALL  # this directory

MEDIUM = dict(SMALL, **{
    "technology.vdd": [0.6, 0.7, 0.8, 0.9],
    "crossbar.adcs_per_array": [4, 8, 16, 32],
    "technology.buffer_kib": [64, 256, 1024, 4096],
})
LARGE = dict(MEDIUM, **{"dpu.lanes": [32, 64, 128, 256]})
KAUST = dict(LARGE, **{
    "crossbar.rows": [32, 64, 128, 256, 512],
    "crossbar.cols": [32, 64, 128, 256, 512],
    "crossbar.num_tiles": [256, 512, 1024, 2048, 8192],
    "technology.vdd": {"min": 0.5, "max": 0.85, "step": 0.05},
    "technology.buffer_kib": [512, 1024, 2048, 4096, 8192, 16384, 32768],
    "crossbar.dac_bits": [1, 2],
})
SPACES = {"small": SMALL, "medium": MEDIUM, "large": LARGE, "kaust": KAUST}


def load(cache):
    prof = None
    for name in NETS:
        path = os.path.join(cache, name + ".json")
        if not os.path.exists(path):
            raise SystemExit("%s missing: run examples/coopt/kaust_set.py "
                             "--cache %s first" % (path, cache))
        p = imc.load_profile(path)
        prof = p if prof is None else prof + p
    return prof


def best_edaps(exact):
    """Each workload's best EDAP over the whole space."""
    return [w["edap"] / w["regret"] for w in exact["chosen"]["workloads"]]


def true_regrets(design, best):
    r = [w["edap"] / b for w, b in zip(design["workloads"], best)]
    return math.exp(sum(math.log(x) for x in r) / len(r)), max(r)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", default="/tmp/imc-kaust")
    ap.add_argument("--size", default="small", choices=sorted(SPACES))
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--exhaustive", action="store_true",
                    help="run the exhaustive search on the kaust space too")
    args = ap.parse_args()
    prof = load(args.cache)
    space = SPACES[args.size]
    n = 1
    for v in space.values():
        if isinstance(v, list):
            n *= len(v)
        elif isinstance(v, dict):
            n *= int((v["max"] - v["min"]) / v["step"] + 1e-9) + 1
    evals = n * len(NETS)
    print("space: %s, %d designs x %d workloads" % (args.size, n, len(NETS)))

    print("\nExperiment 5: search time")
    runs = []
    if args.size != "kaust" or args.exhaustive:
        runs += [("exhaustive, 2 threads", dict(threads=2)),
                 ("exhaustive, 1 thread", dict(threads=1))]
        if not args.no_dask:
            runs += [("Dask LocalCluster, 1 worker", dict(dask="local:1")),
                     ("Dask LocalCluster, 2 workers", dict(dask="local:2"))]
    runs += [("branch and bound, 2 threads", dict(threads=2, search="bnb")),
             ("branch and bound, 1 thread", dict(threads=1, search="bnb"))]
    exact = None
    for label, kw in runs:
        t0 = time.time()
        r = imc.coopt(prof, space, **kw)
        wall = time.time() - t0
        if exact is None:
            exact = r
        elif r["method"] == exact["method"]:
            same = (r["chosen"] == exact["chosen"] and
                    r["pareto"] == exact["pareto"])
            assert same, label + " differs from the first run"
        else:  # the same optimum, certified
            assert r["chosen"] == exact["chosen"], label + " chose otherwise"
        extra = ""
        if r["method"] == "bnb":
            c = r["certificate"]
            extra = " (evaluated %d, pruned %d in %d boxes)" % (
                r["designs"], c["pruned_designs"], c["pruned_boxes"])
        print("  %-30s search %7.1f s (wall %7.1f s): %8.0f designs x "
              "workloads/s%s" % (label, r["seconds"], wall,
                                 evals / r["seconds"], extra))
    best = best_edaps(exact)
    g, m = true_regrets(exact["chosen"], best)
    print("  exact optimum: geomean regret %.4f, max %.4f (design %d)"
          % (g, m, exact["chosen"]["index"]))

    print("\nExperiment 4: NSGA-II with KAUST's budget (70 x 40) vs exact")
    print("  %4s %9s %8s %9s %9s %8s" % ("seed", "calls", "designs",
                                         "geomean", "max", "seconds"))
    gs = []
    for seed in range(1, args.seeds + 1):
        r = imc.coopt(prof, space, search="nsga2", population=70,
                      generations=40, seed=seed, threads=2)
        g, m = true_regrets(r["chosen"], best)
        gs.append(g)
        print("  %4d %9d %8d %9.4f %9.4f %8.2f" % (
            seed, r["objective_calls"], r["designs"], g, m, r["seconds"]))
    print("  GA geomean regret: best %.4f, median %.4f, worst %.4f; exact "
          "%.4f" % (min(gs), sorted(gs)[len(gs) // 2], max(gs),
                    true_regrets(exact["chosen"], best)[0]))


if __name__ == "__main__":
    main()
