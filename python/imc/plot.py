"""Charts as PNG: of an imc-sim report (docs/report.md: the energy
breakdown by component and the per-layer latency), and of an imc-coopt
result (docs/coopt.md: the Pareto front and the chosen design's regret per
workload).

From Python::

    res = imc.simulate(prog, [x])          # or imc.estimate(prog)
    res.plot("report.png")
    imc.plot.plot_coopt(imc.coopt(prof, space), "front.png")

From a shell, on a report imc-sim or a result imc-coopt wrote::

    python3 -m imc.plot report.json report.png
    python3 -m imc.plot result.json front.png     # imc-coopt --plot does this
"""

import json
import sys

_COMPONENTS = ["dac", "array", "adc", "shift_add", "buffer", "write", "dpu",
               "interconnect", "leakage"]


def plot_report(report, path, max_layers=40):
    """Writes ``path`` (PNG): left, total energy by component (pJ); right,
    each layer's busy latency (bars) and its span in the inference schedule
    (start to end, thin lines). ``report`` is the dict of
    :attr:`SimResult.report` or a parsed report JSON file. Only the
    ``max_layers`` layers with the largest latency are drawn when there are
    more."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    totals = report["totals"]
    energy = totals["energy_breakdown_pj"]
    comps = [c for c in _COMPONENTS if energy.get(c, 0) > 0]
    layers = list(report["layers"])
    if len(layers) > max_layers:
        keep = sorted(layers, key=lambda l: -l["latency_ns"])[:max_layers]
        keep_ids = set(id(l) for l in keep)
        layers = [l for l in layers if id(l) in keep_ids]

    fig, (ax_e, ax_l) = plt.subplots(
        1, 2, figsize=(13, max(4.0, 0.25 * len(layers) + 1.5)),
        gridspec_kw={"width_ratios": [1, 2]})
    vals = [energy[c] for c in comps]
    ax_e.bar(range(len(comps)), vals, color="tab:blue")
    ax_e.set_xticks(range(len(comps)))
    ax_e.set_xticklabels(comps, rotation=45, ha="right")
    ax_e.set_ylabel("energy (pJ)")
    total = sum(vals)
    for i, v in enumerate(vals):
        ax_e.text(i, v, "%.1f%%" % (100.0 * v / total if total else 0),
                  ha="center", va="bottom", fontsize=8)
    ax_e.set_title("energy by component: %.4g pJ" % totals["energy_pj"])

    names = [l["name"] for l in layers]
    y = list(range(len(layers)))
    ax_l.barh(y, [l["latency_ns"] for l in layers], color="tab:orange",
              label="busy latency (sum of the layer's instructions)")
    for i, l in enumerate(layers):
        if l.get("end_ns", 0) > 0:
            ax_l.plot([l["start_ns"], l["end_ns"]], [i, i], color="black",
                      linewidth=1)
    ax_l.plot([], [], color="black", linewidth=1,
              label="span in the inference schedule (start to end)")
    ax_l.set_yticks(y)
    ax_l.set_yticklabels(names, fontsize=7)
    ax_l.invert_yaxis()
    ax_l.set_xlabel("ns")
    ax_l.legend(fontsize=7, loc="lower right")
    ax_l.set_title("per-layer latency (inference %.4g ns)"
                   % totals.get("inference_latency_ns", 0))
    fig.suptitle("%s on %s" % (report.get("mode", "estimate")
                               if not report.get("cost_only") else "estimate",
                               report["target"]))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_coopt(result, path):
    """Writes ``path`` (PNG) for an imc-coopt result (the dict imc.coopt
    returns, or a parsed --result file): left, the Pareto front's designs by
    geometric-mean and largest regret, coloured by chip area, the chosen one
    circled; right, each workload's regret on the chosen design and its
    range over the front."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    front = result["pareto"]
    chosen = result["chosen"]
    fig, (ax_f, ax_w) = plt.subplots(1, 2, figsize=(12, 4.8))
    g = [d["geomean_regret"] for d in front]
    m = [d["max_regret"] for d in front]
    a = [d["area_mm2"] for d in front]
    sc = ax_f.scatter(g, m, c=a, cmap="viridis", s=24)
    fig.colorbar(sc, ax=ax_f, label="area (mm$^2$)")
    ax_f.scatter([chosen["geomean_regret"]], [chosen["max_regret"]], s=160,
                 facecolors="none", edgecolors="red", linewidths=1.5,
                 label="chosen (design %d)" % chosen["index"])
    ax_f.set_xlabel("geometric-mean regret")
    ax_f.set_ylabel("largest regret")
    ax_f.legend(fontsize=8, loc="upper left")
    ax_f.set_title("Pareto front: %d of %d feasible designs (%s)"
                   % (len(front), result["feasible"],
                      result.get("method", "exhaustive")))
    names = [w["name"] for w in chosen["workloads"]]
    r = [w["regret"] for w in chosen["workloads"]]
    lo = [min(d["workloads"][i]["regret"] for d in front)
          for i in range(len(names))]
    hi = [max(d["workloads"][i]["regret"] for d in front)
          for i in range(len(names))]
    x = list(range(len(names)))
    ax_w.bar(x, r, color="tab:blue", label="chosen design")
    ax_w.errorbar(x, r, yerr=[[ri - l for ri, l in zip(r, lo)],
                              [h - ri for ri, h in zip(r, hi)]],
                  fmt="none", ecolor="black", capsize=4,
                  label="range over the front")
    ax_w.axhline(1.0, color="gray", linewidth=0.8)
    ax_w.set_xticks(x)
    ax_w.set_xticklabels(names, rotation=20, fontsize=8, ha="right")
    ax_w.set_ylabel("regret (EDAP / the workload's best)")
    ax_w.legend(fontsize=8)
    ax_w.set_title("per-workload regret (geomean %.4f, max %.4f)"
                   % (chosen["geomean_regret"], chosen["max_regret"]))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        sys.stderr.write("usage: python3 -m imc.plot REPORT.json OUT.png\n")
        return 2
    try:
        with open(argv[0]) as f:
            report = json.load(f)
        if not isinstance(report, dict) or report.get("format") not in (
                "imc-sim-report", "imc-coopt"):
            raise ValueError("neither an imc-sim report nor an imc-coopt "
                             "result")
    except (OSError, ValueError) as e:
        sys.stderr.write("imc.plot: error: %s: %s\n" % (argv[0], e))
        return 1
    if report["format"] == "imc-coopt":
        plot_coopt(report, argv[1])
    else:
        plot_report(report, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
