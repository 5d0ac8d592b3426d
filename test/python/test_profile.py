"""Workload profiles from Python: imc.evaluate(imc.profile(m), target) is
the report imc.estimate gives on the program compiled for that target
(to 1e-9), for one workload or several; bad profiles and options are
ImcError."""
import json
import math
import os

import pytest
import torch

import imc

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MLP = os.path.join(ROOT, "examples", "mlp", "mlp.mlir")


def close(a, b, path="report"):
    """Every number of two reports within 1e-9 relative."""
    assert type(a) is type(b) or (isinstance(a, (int, float))
                                   and isinstance(b, (int, float))), path
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            close(a[k], b[k], path + "." + k)
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            close(x, y, "%s[%d]" % (path, i))
    elif isinstance(a, float) or isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b, path


@pytest.fixture(scope="module")
def cnn():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.BatchNorm2d(16),
        torch.nn.ReLU(), torch.nn.Conv2d(16, 16, 3, padding=1, groups=16),
        torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(),
        torch.nn.Linear(16, 10)).eval()
    return imc.export(model, torch.randn(1, 3, 12, 12))


@pytest.mark.parametrize("target", ["default", "rram-22nm", "sram-22nm"])
def test_evaluate_equals_estimate(cnn, target):
    prof = imc.profile(cnn, "cnn")
    got = imc.evaluate(prof, target).report
    want = imc.estimate(imc.compile(cnn, target=target)).report
    close(got, want)
    assert got["totals"]["tiles_programmed"] > 0


def test_mapping_options_follow_the_compiler(cnn):
    prof = imc.profile(cnn, "cnn")
    for kw in [dict(policy="digital"), dict(min_utilization=0.1),
               dict(policy="budget", max_analog_ratio=0.5),
               dict(replicate=4), dict(replicate="auto"),
               dict(policy="energy")]:
        got = imc.evaluate(prof, "rram-22nm", **kw).report
        want = imc.estimate(imc.compile(cnn, target="rram-22nm",
                                        **kw)).report
        close(got, want)


def test_energy_policy_puts_each_product_where_it_costs_less(cnn):
    # On the default target the depthwise convolution (one weight in 16 of
    # its block-diagonal matrix non-zero) costs less on the DPU, the dense
    # products on the crossbars: the energy per inference is below both the
    # all-analog and the all-digital mapping.
    energy = {}
    for policy in ["analog", "digital", "energy"]:
        r = imc.estimate(imc.compile(cnn, target="default",
                                     policy=policy)).report["totals"]
        energy[policy] = (r["inference_energy_pj"], r["analog_mac_ratio"])
    assert 0.0 < energy["energy"][1] < 1.0
    assert energy["energy"][0] < energy["analog"][0]
    assert energy["energy"][0] < energy["digital"][0]


def test_profiles_combine_and_round_trip(cnn, tmp_path):
    both = imc.profile(cnn, "cnn") + imc.profile(imc.load(MLP), "mlp")
    assert both.names == ["cnn", "mlp"]
    path = str(tmp_path / "both.json")
    both.save(path)
    back = imc.load_profile(path)
    results = imc.evaluate(back, "pcm-22nm")
    assert set(results) == {"cnn", "mlp"}
    close(results["mlp"].report,
          imc.estimate(imc.compile(imc.load(MLP), target="pcm-22nm")).report)


def test_bad_profiles_and_options_are_errors(cnn):
    prof = imc.profile(cnn, "cnn")
    with pytest.raises(imc.ImcError, match="replicate must be a count >= 1 or 'auto'"):
        imc.evaluate(prof, "default", replicate="many")
    with pytest.raises(imc.ImcError, match="unknown policy"):
        imc.evaluate(prof, "default", policy="greedy")
    with pytest.raises(imc.ImcError, match="override names layer 'nope'"):
        imc.evaluate(prof, "default", overrides={"nope": "dpu"})
    with pytest.raises(imc.ImcError, match="invalid profile"):
        imc.Profile("{not json")
    data = json.loads(prof.json)
    data["weights"][0]["groups"] = 7
    with pytest.raises(imc.ImcError, match="groups"):
        imc.evaluate(imc.Profile(json.dumps(data)), "default")
    data = json.loads(prof.json)
    data["program"] = data["program"][:-8] + "AAAAAAA="
    with pytest.raises(imc.ImcError, match="invalid profile: program"):
        imc.evaluate(imc.Profile(json.dumps(data)), "default")
    with pytest.raises(imc.ImcError, match="already mapped or lowered"):
        imc.profile(imc.compile(cnn, target="default").module)
    with pytest.raises(imc.ImcError, match="imc.Profile"):
        imc.evaluate(prof.json, "default")
