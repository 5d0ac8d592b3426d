"""Charts of an imc-sim report (docs/report.md): the energy breakdown by
component and the per-layer latency, as one PNG.

From Python::

    res = imc.simulate(prog, [x])          # or imc.estimate(prog)
    res.plot("report.png")

From a shell, on a report imc-sim wrote::

    python3 -m imc.plot report.json report.png
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


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        sys.stderr.write("usage: python3 -m imc.plot REPORT.json OUT.png\n")
        return 2
    try:
        with open(argv[0]) as f:
            report = json.load(f)
        if report.get("format") != "imc-sim-report":
            raise ValueError("not an imc-sim report")
    except (OSError, ValueError) as e:
        sys.stderr.write("imc.plot: error: %s: %s\n" % (argv[0], e))
        return 1
    plot_report(report, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
