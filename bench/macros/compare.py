"""imc next to published silicon compute-in-memory macros (issue 10).

For every macro of macros.json: writes its imc target, compiles one linear
layer that fills the macro's arrays (K = rows, N = the weight columns of all
arrays) for 64 input vectors, costs it (imc.estimate), and prints the
macro-level figures next to the published ones:

    TOPS   = 2 x MACs / the MVMs' latency (no DPU work)
    TOPS/W = 2 x MACs / (DAC + array + ADC + shift-and-add energy): the
             macro's own energy (no buffers, DPU or weight writes)

    PYTHONPATH=build/python /usr/bin/python3 bench/macros/compare.py [--targets-out DIR]

macros.json cites every published number and lists every assumption its
targets make (what the papers do not state).
"""
import argparse
import json
import os
import sys

import torch

import imc

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = 64


def target_of(macro):
    t = json.loads(json.dumps(macro["target"]))
    t["name"] = "macro-" + macro["name"]
    t["dpu"] = {"lanes": 64, "clock_mhz": 1000, "precision": "int32"}
    return t


def weight_cols(t):
    x, p = t["crossbar"], t["precision"]
    slices = -(-(p["weight_bits"] - 1) // x["cell_bits"])
    return x["cols"] // (2 * slices)


def measure(macro, out_dir):
    t = target_of(macro)
    path = os.path.join(out_dir, t["name"] + ".json")
    with open(path, "w") as f:
        json.dump(t, f, indent=1)
    k = t["crossbar"]["rows"]
    n = weight_cols(t) * t["crossbar"]["num_tiles"]
    torch.manual_seed(0)
    layer = torch.nn.Sequential(torch.nn.Linear(k, n, bias=False)).eval()
    module = imc.export(layer, torch.randn(VECTORS, k))
    rep = imc.estimate(imc.compile(module, target=path)).report
    tot = rep["totals"]
    e = tot["energy_breakdown_pj"]
    macro_pj = e["dac"] + e["array"] + e["adc"] + e["shift_add"]
    ops = 2 * tot["analog_macs"]
    return {"tops": ops / tot["inference_latency_ns"] / 1e3,
            "tops_per_w": ops / macro_pj,
            "tiles": tot["tiles_programmed"],
            "breakdown": {k: e[k] / macro_pj for k in
                          ("dac", "array", "adc", "shift_add")}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--targets-out", default="/tmp")
    args = ap.parse_args()
    with open(os.path.join(HERE, "macros.json")) as f:
        macros = json.load(f)["macros"]
    print("%-16s %9s %9s %6s %9s %9s %6s  %s" % (
        "macro", "TOPS imc", "paper", "ratio", "TOPS/W", "paper", "ratio",
        "imc energy shares (dac/array/adc/shift-add)"))
    for m in macros:
        r = measure(m, args.targets_out)
        pub = m["published"]
        tops = pub.get("tops")
        print("%-16s %9.4g %9s %6s %9.4g %9.4g %6.2f  %s" % (
            m["name"], r["tops"], "%.4g" % tops if tops else "-",
            "%.2f" % (r["tops"] / tops) if tops else "-", r["tops_per_w"],
            pub["tops_per_w"], r["tops_per_w"] / pub["tops_per_w"],
            "/".join("%.2f" % v for v in r["breakdown"].values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
