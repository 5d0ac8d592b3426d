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
    with pytest.raises(imc.ImcError, match="search must be"):
        imc.coopt(prof, SPACE, search="annealing")
    with pytest.raises(imc.ImcError, match="generations: settings of"):
        imc.coopt(prof, SPACE, generations=5)
    with pytest.raises(imc.ImcError, match="threads: with dask"):
        imc.coopt(prof, SPACE, threads=2, dask="local:1")
    with pytest.raises(imc.ImcError, match="parts: cuts"):
        imc.coopt(prof, SPACE, parts=3)


def _same(a, b):
    a, b = dict(a), dict(b)
    a.pop("seconds")
    b.pop("seconds")
    return a == b


def test_nsga2_finds_the_exhaustive_optimum_of_a_small_space(zoo):
    # 18 designs, a population of 8 over 10 generations: the GA visits
    # most of them and keeps the best; its result does not depend on the
    # threads, only on the seed.
    _, prof = zoo
    exact = imc.coopt(prof, SPACE)
    ga = imc.coopt(prof, SPACE, search="nsga2", population=8, generations=10,
                   seed=5, threads=2)
    assert ga["method"] == "nsga2" and ga["objective_calls"] == 88
    assert ga["designs"] <= 18
    assert ga["chosen"]["index"] == exact["chosen"]["index"]
    assert _same(ga, imc.coopt(prof, SPACE, search="nsga2", population=8,
                               generations=10, seed=5, threads=1))


def test_branch_and_bound_finds_the_exhaustive_optimum(zoo):
    # Supply, ADC bits and DPU lanes are relaxed in the bounds, rows and
    # columns branched on: the exhaustive choice, fewer designs evaluated,
    # the same on 1 and 2 threads; a certificate accounts for the rest.
    _, prof = zoo
    space = dict(SPACE, **{"technology.vdd": [0.6, 0.75, 0.9],
                           "dpu.lanes": [16, 64, 256]})
    exact = imc.coopt(prof, space)
    bb = imc.coopt(prof, space, search="bnb", threads=2)
    assert bb["method"] == "bnb" and bb["chosen"] == exact["chosen"]
    c = bb["certificate"]
    assert c["relaxed_knobs"] == ["crossbar.adc_bits", "technology.vdd",
                                  "dpu.lanes"]
    assert bb["designs"] + c["pruned_designs"] == 162 > bb["designs"]
    assert _same(bb, imc.coopt(prof, space, search="bnb", threads=1))
    with pytest.raises(imc.ImcError, match="branch and bound runs here"):
        imc.coopt(prof, space, search="bnb", dask="local:1")
    with pytest.raises(imc.ImcError, match="not of search='bnb'"):
        imc.coopt(prof, space, search="bnb", seed=3)


def test_dask_local_cluster_gives_the_single_process_result(zoo):
    # A LocalCluster of two worker processes (started and stopped by
    # imc.coopt): the exhaustive search cut into 5 parts, and NSGA-II with
    # each generation's designs on the workers, both equal to the run here.
    _, prof = zoo
    assert _same(imc.coopt(prof, SPACE, dask="local:2", parts=5),
                 imc.coopt(prof, SPACE))
    ga = dict(search="nsga2", population=8, generations=4, seed=2)
    assert _same(imc.coopt(prof, SPACE, dask="local:2", **ga),
                 imc.coopt(prof, SPACE, **ga))
    with pytest.raises(ValueError, match="local:N"):
        imc.coopt(prof, SPACE, dask="local:0")


def test_plot_of_a_result(zoo, tmp_path):
    import imc.plot
    _, prof = zoo
    path = tmp_path / "front.png"
    imc.plot.plot_coopt(imc.coopt(prof, SPACE), str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
