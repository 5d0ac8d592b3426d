"""imc side by side with NeuroSim V1.4 on VGG8 (issue 10).

Builds NeuroSim's VGG8 (CIFAR-10 shapes) in PyTorch with random weights,
profiles it once with imc (imc.profile), writes for every NeuroSim run
recorded in recorded.json an imc target that says what the schema can of
that configuration (22 nm, the subarray size, 1-bit cells, 8-bit weights
and activations, the ADC resolution, the rows summed per conversion, 8
columns per ADC, the cell's on/off resistance, read voltage and pulse), and
prints imc's figures next to NeuroSim's with their ratios and the Spearman
rank correlation over the runs:

    PYTHONPATH=build/python /usr/bin/python3 bench/neurosim/compare.py
    ... --recorded FILE --kind default|sweep|all --targets-out DIR

NeuroSim's figures are the ones recorded from running it here
(bench/neurosim/README.md); NeuroSim itself is not needed. TOPS and TOPS/W
are NeuroSim's pipelined figures (one image per slowest-layer latency),
compared with imc's `pipelined_tops` and `tops_per_w`.
"""
import argparse
import json
import math
import os
import sys

import torch

import imc

HERE = os.path.dirname(os.path.abspath(__file__))


def vgg8():
    """NeuroSim's VGG8 (NetWork_VGG8.csv): 6 convolutions of 3x3 with
    padding 1 (128, 128, 256, 256, 512, 512 channels, 2x2 max pooling after
    the 2nd, 4th and 6th), then fully connected 8192 -> 1024 -> 10."""
    c = torch.nn
    layers, cin = [], 3
    for i, cout in enumerate([128, 128, 256, 256, 512, 512]):
        layers += [c.Conv2d(cin, cout, 3, padding=1, bias=False), c.ReLU()]
        if i % 2 == 1:
            layers.append(c.MaxPool2d(2))
        cin = cout
    layers += [c.Flatten(), c.Linear(8192, 1024, bias=False), c.ReLU(),
               c.Linear(1024, 10, bias=False)]
    return c.Sequential(*layers).eval()


def target_for(run, common):
    """An imc target as close to a NeuroSim configuration as the schema
    allows (what it cannot say is listed in bench/neurosim/README.md)."""
    cfg = run["config"]
    rram = cfg["memcelltype"] == "RRAM"
    rows, cols = cfg["numRowSubArray"], cfg["numColSubArray"]
    sense = not cfg.get("SARADC", False)
    r_on = common["resistanceOn_ohm"]
    r_off = common["resistanceOff_ohm"]
    return {
        "name": "ns-" + run["name"],
        "technology": {
            "node_nm": common["technode_nm"],
            "vdd": common["vdd_V"],
            "cell": "rram" if rram else "sram",
            # NeuroSim's cells: 1T1R 4F x 12F, SRAM 6T 10F x 28F.
            "cell_area_f2": 48 if rram else 280,
            "g_on_us": 1e6 / r_on,
            "g_off_us": 1e6 / r_off,
            "read_voltage": common["readVoltage_V"],
            # NeuroSim senses during the read (its read pulse width is
            # unused in parallel mode); its manual sets the read voltage so
            # that a 5-bit flash ADC decides in about 1 ns at 22 nm.
            "read_pulse_ns": 1.0 if sense else
            common["readPulseWidth_s"] * 1e9,
            "write_energy_pj": 1.0,
            "write_latency_ns": 100,
            "endurance": 1e6 if rram else 1e16,
            "adc_sar_clock_ghz": 9.0,
            "buffer_kib": 256,
        },
        "crossbar": {
            "rows": rows,
            "cols": cols,
            "cell_bits": common["cellBit"],
            "dac_bits": 1,
            "adc_bits": cfg["adc_bits"],
            "adc_kind": "sense_amp" if sense else "sar",
            "cols_per_adc": cfg.get("numColMuxed", common["numColMuxed"]),
            # The mean row activity of the traces fed to NeuroSim
            # (bench/neurosim/MODEL_NOTES.md: alpha_r = 0.2525).
            "input_bit_density": 0.2525,
            "parallel_rows": cfg["numRowParallel"],
            "num_tiles": 1 << 16,
            # NeuroSim stores offset-binary weights in synapseBit / cellBit
            # columns (MODEL_NOTES.md (h)); imc adds the reference column
            # NeuroSim's estimate leaves out.
            "weight_mapping": "offset",
        },
        "precision": {"weight_bits": common["synapseBit"],
                      "activation_bits": common["numBitInput"],
                      # numBitInput cycles of unsigned bits after a ReLU.
                      "unsigned_activations": True},
        "dpu": {"lanes": 64, "clock_mhz": 1000, "precision": "int32"},
    }


def spearman(a, b):
    def ranks(v):
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        for pos, i in enumerate(order):
            r[i] = float(pos)
        return r
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    if n < 2:
        return float("nan")
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = math.sqrt(sum((x - ma) ** 2 for x in ra))
    vb = math.sqrt(sum((y - mb) ** 2 for y in rb))
    return cov / (va * vb) if va and vb else float("nan")


# NeuroSim costs each 3x3 convolution at its "valid" output positions,
# (H - 2)^2 of the H^2 the padded network computes (MODEL_NOTES.md, 445 M
# of 616 M MACs; 1,783,872 subarray evaluations per image, which the
# instrumented run counted): per VGG8 layer, the positions the network has
# over the ones NeuroSim costs. Its per-layer energy and latency are scaled
# by them to compare the same work.
VGG8_SIDES = [32, 32, 16, 16, 8, 8]
WORK_SCALE = [h * h / float((h - 2) ** 2) for h in VGG8_SIDES] + [1.0, 1.0]


def neurosim_at_network_work(run):
    """NeuroSim's TOPS, TOPS/W and dynamic energy (pJ) for the work the
    network does: each layer's energy and latency times WORK_SCALE; TOPS
    from the slowest scaled layer when pipelined, else from their sum;
    TOPS/W as imc counts it, the operations of NeuroSim's TOPS (the
    network's 616 M MACs) over that energy. (NeuroSim's printed TOPS/W
    counts 505 M MACs: neither the network's nor the 445 M it costs.)"""
    layers = run["layers"]
    assert len(layers) == len(WORK_SCALE), run["name"]
    energy = sum(l["read_dynamic_energy_pJ"] * k
                 for l, k in zip(layers, WORK_SCALE))
    lat = [l["read_latency_ns"] * k for l, k in zip(layers, WORK_SCALE)]
    raw = [l["read_latency_ns"] for l in layers]
    pipelined = run["config"].get("pipeline", True)
    cycle, cycle0 = (max(lat), max(raw)) if pipelined else (sum(lat), sum(raw))
    ns = run["performance"]
    ops = ns["tops"] * 1e12 * cycle0 * 1e-9
    return ns["tops"] * cycle0 / cycle, ops / (energy * 1e-12) / 1e12, energy


def compare(runs, common, prof, targets_out=None, breakdown=False):
    """imc's figures for each NeuroSim run: a list of (name, imc TOPS,
    NeuroSim TOPS, imc TOPS/W, NeuroSim TOPS/W, imc mm^2, NeuroSim mm^2,
    imc pJ per inference, NeuroSim pJ), NeuroSim's at the network's work
    (neurosim_at_network_work)."""
    rows = []
    for run in runs:
        t = target_for(run, common)
        path = os.path.join(targets_out or "/tmp", t["name"] + ".json")
        # As many arrays as VGG8 needs on this array size (NeuroSim sizes
        # its chip to the network too).
        with open(path, "w") as f:
            json.dump(t, f, indent=1)
        need = imc.evaluate(prof, path).report["totals"]["tiles_programmed"]
        t["crossbar"]["num_tiles"] = need
        with open(path, "w") as f:
            json.dump(t, f, indent=1)
        rep = imc.evaluate(prof, path).report
        tot = rep["totals"]
        if breakdown:
            print(run["name"], "imc energy pJ", {k: "%.3g" % v for k, v in
                  tot["energy_breakdown_pj"].items()}, "area mm2",
                  {k: "%.3g" % v for k, v in
                   tot.get("area_breakdown_mm2", {}).items()})
        ns_tops, ns_tops_w, ns_energy = neurosim_at_network_work(run)
        # NeuroSim's TOPS is pipelined unless the run turned pipelining off.
        pipelined = run["config"].get("pipeline", True)
        rows.append((run["name"],
                     tot["pipelined_tops"] if pipelined else tot["tops"],
                     ns_tops,
                     tot["tops_per_w"], ns_tops_w,
                     tot.get("area_mm2", 0.0), run["area"]["chip_mm2"],
                     tot["inference_energy_pj"], ns_energy))
    return rows


def vgg8_profile():
    torch.manual_seed(0)
    return imc.profile(imc.export(vgg8(), torch.randn(1, 3, 32, 32)), "vgg8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--recorded", default=os.path.join(HERE, "recorded.json"))
    ap.add_argument("--kind", default="all")
    ap.add_argument("--runs", default=None,
                    help="comma-separated run names (prefixes), e.g. D3,D6")
    ap.add_argument("--targets-out", default=None)
    ap.add_argument("--breakdown", action="store_true",
                    help="print imc's energy and area breakdowns")
    args = ap.parse_args()
    with open(args.recorded) as f:
        rec = json.load(f)
    runs = [r for r in rec["runs"]
            if args.kind == "all" or r.get("kind") == args.kind]
    if args.runs:
        want = args.runs.split(",")
        runs = [r for r in runs if any(r["name"].startswith(w) for w in want)]
    rows = compare(runs, rec["common_config"], vgg8_profile(),
                   args.targets_out, args.breakdown)
    hdr = ("%-22s %9s %9s %6s %9s %9s %6s %10s %10s %6s %10s %10s %6s"
           % ("run", "TOPS imc", "NeuroSim", "ratio", "TOPS/W", "NeuroSim",
              "ratio", "mm2 imc", "NeuroSim", "ratio", "pJ imc", "NeuroSim",
              "ratio"))
    print(hdr)
    print("(NeuroSim's figures scaled to the network's work: it costs the "
          "'valid' positions of each 3x3 convolution; imc cannot say yet: "
          "voltage-mode sensing, weight duplication, NeuroSim's level "
          "shifters, buffers and interconnect; see bench/neurosim/README.md)")
    for n, a, b, c, d, e, f, g, h in rows:
        print("%-22s %9.3g %9.3g %6.2f %9.3g %9.3g %6.2f %10.4g %10.4g %6.2f"
              " %10.4g %10.4g %6.2f"
              % (n, a, b, a / b, c, d, c / d, e, f, e / f, g, h, g / h))
    if len(rows) > 1:
        for i, what in [(1, "TOPS"), (3, "TOPS/W"), (5, "area"),
                        (7, "energy")]:
            print("Spearman %-7s %.2f" % (what, spearman(
                [r[i] for r in rows], [r[i + 1] for r in rows])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
