"""Cost reports from Python: imc.estimate equals a simulation's costs, the
CSV agrees with the JSON, the 22 nm targets report area and throughput,
and imc.plot draws a PNG (and rejects what is not a report)."""
import csv
import io
import json
import os

import numpy as np
import pytest

import imc
from imc import plot

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MLP = os.path.join(ROOT, "examples", "mlp")


@pytest.fixture(scope="module")
def mlp():
    return imc.load(os.path.join(MLP, "mlp.mlir"))


def test_estimate_equals_simulation_costs(mlp):
    prog = imc.compile(mlp, target="rram-22nm")
    x = np.load(os.path.join(MLP, "input.npy"))
    sim = imc.simulate(prog, [x], mode="quantized")
    est = imc.estimate(prog)
    assert est.outputs == []
    assert est.report["mode"] == "estimate" and est.report["cost_only"]
    assert est.report["totals"] == sim.report["totals"]
    assert est.report["layers"] == sim.report["layers"]
    assert est.csv() == sim.csv()


@pytest.mark.parametrize("target", ["rram-22nm", "pcm-22nm", "sram-22nm"])
def test_22nm_targets_report_area_and_throughput(mlp, target):
    r = imc.estimate(imc.compile(mlp, target=target)).report
    t = r["totals"]
    assert r["technology"] == target.split("-")[0] + " 22 nm"
    area = t["area_breakdown_mm2"]
    assert t["area_mm2"] == pytest.approx(sum(area.values()), rel=1e-12)
    assert all(v > 0 for v in area.values())
    ops = 2 * (t["analog_macs"] + t["digital_macs"])
    assert t["tops"] == pytest.approx(ops / t["inference_latency_ns"] / 1e3, rel=1e-12)
    assert t["tops_per_w"] == pytest.approx(ops / t["inference_energy_pj"], rel=1e-12)
    assert t["tops_per_mm2"] == pytest.approx(t["tops"] / t["area_mm2"], rel=1e-12)
    assert t["energy_pj"] == pytest.approx(sum(t["energy_breakdown_pj"].values()), rel=1e-12)
    # The schedule overlaps independent work; it is never longer than the sum.
    assert t["inference_latency_ns"] <= t["latency_ns"] <= t["serial_latency_ns"]
    # Every derived constant names its origin.
    adc = [c for c in r["constants"] if c["name"] == "energy_pj.adc_per_conversion"]
    assert len(adc) == 1 and adc[0]["origin"].startswith("SAR: Andrulis et al. 2024")


def test_csv_matches_json(mlp):
    res = imc.estimate(imc.compile(mlp, target="rram-22nm"))
    rows = list(csv.DictReader(io.StringIO(res.csv())))
    layers = res.report["layers"]
    assert [r["layer"] for r in rows[:-1]] == [l["name"] for l in layers]
    for r, l in zip(rows, layers):
        assert float(r["energy_pj"]) == pytest.approx(l["energy_pj"], rel=1e-12)
        assert int(r["analog_macs"]) == l["analog_macs"]
        assert float(r["end_ns"]) == pytest.approx(l["end_ns"])
    total = rows[-1]
    assert total["layer"] == "total"
    assert float(total["energy_pj"]) == pytest.approx(res.report["totals"]["energy_pj"], rel=1e-12)
    assert float(total["end_ns"]) == pytest.approx(res.report["totals"]["inference_latency_ns"])


def test_plot_writes_png(mlp, tmp_path):
    res = imc.estimate(imc.compile(mlp, target="rram-22nm"))
    path = tmp_path / "r.png"
    res.plot(str(path))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10000
    # The command line: a report file in, a PNG out; not a report -> error.
    rep = tmp_path / "r.json"
    rep.write_text(json.dumps(res.report))
    assert plot.main([str(rep), str(tmp_path / "cli.png")]) == 0
    assert (tmp_path / "cli.png").read_bytes()[:4] == b"\x89PNG"
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert plot.main([str(bad), str(tmp_path / "no.png")]) == 1
    assert not (tmp_path / "no.png").exists()


def test_peripheral_target_fields_from_python(mlp, tmp_path):
    # A reduced ADC range with a coarse ADC clips; iterative bound management
    # redoes clipped vectors (counted in the report) and changes the outputs.
    t = imc.load_target("default")
    t["crossbar"].update(adc_bits=5, parallel_rows=128, adc_range=0.05)
    path = tmp_path / "t.json"
    path.write_text(json.dumps(t))
    x = np.load(os.path.join(MLP, "input.npy"))
    plain = imc.simulate(imc.compile(mlp, target=str(path)), [x], mode="quantized")
    assert "bm_retries" not in plain.report["totals"]
    t["crossbar"].update(bound_management="iterative", bm_max_iterations=3)
    path.write_text(json.dumps(t))
    bm = imc.simulate(imc.compile(mlp, target=str(path)), [x], mode="quantized")
    assert bm.report["totals"]["bm_retries"] > 0
    assert not np.array_equal(bm.outputs[0], plain.outputs[0])


def test_replication_keeps_outputs_and_cuts_latency():
    # A small CNN: replicating its convolutions' weights onto spare arrays
    # leaves ideal and quantized outputs bit-identical (each vector is
    # computed alone) and shortens the inference schedule.
    import torch
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(),
        torch.nn.Conv2d(8, 8, 3, padding=1), torch.nn.ReLU(),
        torch.nn.Flatten(), torch.nn.Linear(8 * 8 * 8, 10)).eval()
    x = torch.randn(1, 3, 8, 8)
    mod = imc.export(model, x)
    base = imc.compile(mod, target="rram-22nm")
    rep = imc.compile(mod, target="rram-22nm", replicate="auto")
    two = imc.compile(mod, target="rram-22nm", replicate=2)
    for mode in ("ideal", "quantized"):
        a = imc.simulate(base, [x.numpy()], mode=mode).outputs[0]
        for p in (rep, two):
            assert np.array_equal(a, imc.simulate(p, [x.numpy()], mode=mode).outputs[0])
    rb, rr = imc.estimate(base).report["totals"], imc.estimate(rep).report["totals"]
    assert rr["tiles_programmed"] > rb["tiles_programmed"]
    assert rr["tiles_programmed"] <= rr["tiles_available"]
    assert rr["inference_latency_ns"] < rb["inference_latency_ns"] / 4
    assert rr["analog_macs"] == rb["analog_macs"]
    with pytest.raises(imc.ImcError, match="replicate must be a count >= 1 or 'auto'"):
        imc.compile(mod, target="rram-22nm", replicate="lots")
