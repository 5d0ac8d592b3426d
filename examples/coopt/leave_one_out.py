"""Experiment 3 of docs/coopt.md: leave one workload out. For each network
of the KAUST set, tune the chip on the other three and report the held-out
network's regret on that chip (its EDAP over the best any design of the
space gives it), next to its regret on the chip tuned for all four.

    PYTHONPATH=build/python /usr/bin/python3 examples/coopt/leave_one_out.py \\
        [--cache DIR] [--size small|medium|large|kaust]
        [--search exhaustive|bnb]

Profiles come from kaust_set.py's cache; the spaces are
search_methods.py's; --search bnb (the default for kaust) finds the same
optima by branch and bound.
"""
import argparse
import math
import time

import imc

from kaust_set import NETS, edaps  # this directory
from search_methods import SPACES, load, best_edaps


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", default="/tmp/imc-kaust")
    ap.add_argument("--size", default="small", choices=sorted(SPACES))
    ap.add_argument("--search", default=None, choices=["exhaustive", "bnb"])
    args = ap.parse_args()
    search = args.search or ("bnb" if args.size == "kaust" else "exhaustive")
    space = SPACES[args.size]
    profs = {}
    for name in NETS:
        profs[name] = imc.load_profile("%s/%s.json" % (args.cache, name))
    t0 = time.time()
    joint = imc.coopt(load(args.cache), space, search=search)
    best = dict(zip(NETS, best_edaps(joint)))
    joint_regret = {w["name"]: w["regret"]
                    for w in joint["chosen"]["workloads"]}
    print("space %s: %d designs (%s, %d evaluated); all four tuned in %.1f s"
          % (args.size, joint["space_designs"], search, joint["designs"],
             time.time() - t0))
    print("%-20s %12s %12s %14s" % ("held out", "regret (LOO)",
                                    "regret (all)", "others' geomean"))
    for out in NETS:
        rest = [n for n in NETS if n != out]
        prof = profs[rest[0]]
        for n in rest[1:]:
            prof = prof + profs[n]
        r = imc.coopt(prof, space, search=search)
        held = edaps(profs[out], r["chosen_target"])
        others = [w["edap"] / best[w["name"]]
                  for w in r["chosen"]["workloads"]]
        print("%-20s %12.4f %12.4f %14.4f" % (
            out, list(held.values())[0] / best[out], joint_regret[out],
            math.exp(sum(math.log(x) for x in others) / len(others))))


if __name__ == "__main__":
    main()
