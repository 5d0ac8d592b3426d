"""imc.coopt (docs/coopt.md): every design of a space on every workload of
a profile; the chosen target compiles and costs what the search predicted;
bad spaces are ImcError."""
import math

import pytest
import torch

import imc


@pytest.fixture(scope="module")
def zoo():
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(64, 96), torch.nn.ReLU(),
                              torch.nn.Linear(96, 10)).eval()
    cnn = torch.nn.Sequential(
        torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.ReLU(),
        torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(),
        torch.nn.Linear(32, 10)).eval()
    mods = {"mlp": imc.export(mlp, torch.randn(4, 64)),
            "cnn": imc.export(cnn, torch.randn(1, 3, 12, 12))}
    prof = imc.profile(mods["mlp"], "mlp") + imc.profile(mods["cnn"], "cnn")
    return mods, prof


SPACE = {"base": "rram-22nm", "crossbar.rows": [64, 128, 256],
         "crossbar.cols": [64, 256], "crossbar.adc_bits": [4, 6, 8]}


def test_chosen_design_is_the_best_and_costs_what_was_predicted(zoo):
    mods, prof = zoo
    r = imc.coopt(prof, SPACE, threads=2)
    assert r["designs"] == 18 and r["feasible"] == 18
    assert r["workloads"] == ["mlp", "cnn"]
    front = r["pareto"]
    assert front[0] == r["chosen"]
    assert all(r["chosen"]["geomean_regret"] <= d["geomean_regret"]
               for d in front)
    # The same with one thread.
    assert imc.coopt(prof, SPACE, threads=1)["chosen"] == r["chosen"]
    # Compiled for the chosen target, each workload costs the prediction.
    for w in r["chosen"]["workloads"]:
        est = imc.estimate(imc.compile(mods[w["name"]],
                                       target=r["chosen_target"]))
        t = est.report["totals"]
        assert math.isclose(t["inference_energy_pj"], w["energy_pj"],
                            rel_tol=1e-9)
        assert math.isclose(t["inference_latency_ns"], w["latency_ns"],
                            rel_tol=1e-9)


def test_weights_favour_the_frequent_workload(zoo):
    # With weights 1000:1 the chosen design's mlp regret r0 satisfies
    # 1000 ln r0 + ln r1 <= ln r1' of the design best for the mlp (r0 = 1),
    # so r0 <= r1'^(1/1000): within 1% while r1' < e^10.
    _, prof = zoo
    heavy = imc.coopt(prof, SPACE, weights=[1000, 1])["chosen"]
    assert heavy["workloads"][0]["regret"] <= 1.01
    plain = imc.coopt(prof, SPACE)["chosen"]
    assert heavy["workloads"][0]["regret"] <= plain["workloads"][0]["regret"]


def test_bad_spaces_are_errors(zoo):
    _, prof = zoo
    with pytest.raises(imc.ImcError, match="knob 'crossbar.rows' = 0"):
        imc.coopt(prof, {"base": "rram-22nm", "crossbar.rows": [0]})
    with pytest.raises(imc.ImcError, match="missing field 'base'"):
        imc.coopt(prof, {"crossbar.rows": [64]})
    with pytest.raises(imc.ImcError, match="no feasible design"):
        imc.coopt(prof, {"base": "rram-22nm", "crossbar.rows": [64],
                         "constraints": {"max_area_mm2": 1e-6}})
    with pytest.raises(imc.ImcError, match="3 weights for 2 workloads"):
        imc.coopt(prof, SPACE, weights=[1, 2, 3])
