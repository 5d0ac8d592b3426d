"""The Python API over the C++ compiler and simulator: compile and simulate
the bundled MLP against numpy, the options of compile/simulate, and errors
surfacing as ImcError with the MLIR diagnostics."""
import os

import numpy as np
import pytest

import imc

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MLP = os.path.join(ROOT, "examples", "mlp")


def mlp_reference(x):
    w = np.load(os.path.join(MLP, "weights.npz"))
    h = x.astype(np.float64)
    for i in (1, 2, 3):
        h = h @ w["w%d" % i].T.astype(np.float64) + w["b%d" % i]
        if i < 3:
            h = np.maximum(h, 0)
    return h


@pytest.fixture(scope="module")
def program():
    return imc.compile(imc.load(os.path.join(MLP, "mlp.mlir")), target="default")


@pytest.fixture(scope="module")
def x():
    return np.load(os.path.join(MLP, "input.npy"))


def rel_err(y, ref):
    return np.abs(y - ref).max() / np.abs(ref).max()


def test_ideal_matches_numpy(program, x):
    res = imc.simulate(program, [x], mode="ideal")
    assert len(res.outputs) == 1 and res.outputs[0].shape == (4, 10)
    assert res.outputs[0].dtype == np.float32
    assert rel_err(res.outputs[0], mlp_reference(x)) <= 1e-5


def test_quantized_close_and_report(program, x):
    res = imc.simulate(program, [x], mode="quantized")
    assert rel_err(res.outputs[0], mlp_reference(x)) < 0.05
    tot = res.report["totals"]
    # 17024 weights x 8 cells (differential pair of 4 two-bit slices).
    assert tot["cell_writes"] == 136192
    assert tot["mvms"] == 13 * 4 and tot["tiles_programmed"] == 13
    assert res.report["mode"] == "quantized"
    assert [l["name"] for l in res.report["layers"]] == [
        "fc1", "relu1", "fc2", "relu2", "fc3"]


def test_inputs_by_name_and_any_dtype(program, x):
    by_list = imc.simulate(program, [x]).outputs[0]
    by_name = imc.simulate(program, {"arg0": x.astype(np.float64)}).outputs[0]
    np.testing.assert_array_equal(by_list, by_name)
    with pytest.raises(imc.ImcError, match="unknown argument name"):
        imc.simulate(program, {"x": x})
    with pytest.raises(imc.ImcError, match="missing argument"):
        imc.simulate(program, {})


def test_program_bytes_and_file(program, x, tmp_path):
    assert program.input_shapes == [(4, 64)]
    data = program.to_bytes()
    assert data[:4] == b"IMCB"
    path = tmp_path / "mlp.imcb"
    program.save(str(path))
    assert path.read_bytes() == data
    np.testing.assert_array_equal(imc.simulate(data, [x]).outputs[0],
                                  imc.simulate(program, [x]).outputs[0])


def test_module_text_and_bytecode_round_trip():
    mod = imc.load(os.path.join(MLP, "mlp.mlir"))
    text = str(mod)
    assert "linalg.matmul" in text
    assert str(imc.parse(mod.to_bytecode())) == text
    assert 'loc("fc1")' in mod.to_string(debug_info=True)


def test_pipeline_strings_and_mapping_options(x):
    mod = imc.load(os.path.join(MLP, "mlp.mlir"))
    imc_level = imc.run_pipeline(mod, "convert-linalg-to-imc")
    assert "imc.mvm" in str(imc_level) and "linalg." not in str(imc_level)
    anchored = imc.run_pipeline(mod, "builtin.module(convert-linalg-to-imc)")
    assert str(anchored) == str(imc_level)
    digital = imc.compile(mod, policy="digital")
    res = imc.simulate(digital, [x])
    assert res.report["totals"]["analog_mac_ratio"] == 0.0
    assert rel_err(res.outputs[0], mlp_reference(x)) <= 1e-5
    mixed = imc.compile(mod, overrides={"fc3": "dpu"})
    layers = {l["name"]: l for l in imc.simulate(mixed, [x]).report["layers"]}
    assert layers["fc3"]["engine"] == "dpu" and layers["fc1"]["engine"] == "xbar"


def test_errors_carry_diagnostics():
    with pytest.raises(imc.ImcError, match=r"<string>\":2:12\): error: expected ':'"):
        imc.parse("func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {\n"
                  "  return %x tensor<2xf32>\n}")
    unsupported = """
    func.func @main(%x: tensor<1x1x4x4x4xi32>) -> tensor<1x1x2x2x2xi32> {
      %w = arith.constant dense<1> : tensor<1x1x3x3x3xi32>
      %o = arith.constant dense<0> : tensor<1x1x2x2x2xi32>
      %y = linalg.conv_3d_ncdhw_fcdhw ins(%x, %w : tensor<1x1x4x4x4xi32>, tensor<1x1x3x3x3xi32>) outs(%o : tensor<1x1x2x2x2xi32>) -> tensor<1x1x2x2x2xi32>
      return %y : tensor<1x1x2x2x2xi32>
    }"""
    with pytest.raises(imc.ImcError, match="'linalg.conv_3d_ncdhw_fcdhw' is not supported by imc"):
        imc.compile(unsupported)
    with pytest.raises(imc.ImcError, match="invalid pass pipeline"):
        imc.run_pipeline(imc.parse("module {}"), "no-such-pass")
    with pytest.raises(TypeError):
        imc.compile(42)


def test_targets(tmp_path, program, x):
    t = imc.load_target("default")
    assert t["crossbar"]["rows"] == 128 and t["precision"]["weight_bits"] == 8
    bad = dict(t)
    bad["crossbar"] = dict(t["crossbar"], adc_bits=40)
    path = tmp_path / "bad.json"
    path.write_text(__import__("json").dumps(bad))
    with pytest.raises(imc.ImcError, match=r"field 'crossbar.adc_bits' must be an integer in \[2, 24\], got 40"):
        imc.load_target(str(path))
    with pytest.raises(imc.ImcError, match="field 'crossbar.adc_bits'"):
        imc.compile(imc.load(os.path.join(MLP, "mlp.mlir")), target=str(path))
    with pytest.raises(imc.ImcError, match="no target file 'nonexistent'"):
        imc.load_target("nonexistent")
    with pytest.raises(imc.ImcError, match=r"input 0 has shape \[3, 64\]"):
        imc.simulate(program, [np.zeros((3, 64))])
    with pytest.raises(imc.ImcError, match="mode must be 'ideal', 'quantized' or 'noisy'"):
        imc.simulate(program, [x], mode="fuzzy")
    with pytest.raises(imc.ImcError, match="bad magic"):
        imc.simulate(b"not a program" * 4, [x])


def test_noisy_mode(program, x):
    a = imc.simulate(program, [x], mode="noisy", seed=1, drift_time=3600)
    b = imc.simulate(program, [x], mode="noisy", seed=1, drift_time=3600)
    c = imc.simulate(program, [x], mode="noisy", seed=2, drift_time=3600)
    np.testing.assert_array_equal(a.outputs[0], b.outputs[0])
    assert not np.array_equal(a.outputs[0], c.outputs[0])
    assert a.report["noise"] == {"device": "pcm", "seed": 1,
                                 "drift_time_s": 3600.0, "gdc": True}
    # PCM noise on 2-bit slices after an hour, compensated: the outputs still
    # track the noise-free ones (measured: correlation 0.991, scale 0.99).
    q = imc.simulate(program, [x], mode="quantized").outputs[0]
    corr = np.corrcoef(a.outputs[0].ravel(), q.ravel())[0, 1]
    scale = np.abs(a.outputs[0]).mean() / np.abs(q).mean()
    assert corr > 0.95 and 0.9 < scale < 1.1
    # A year of drift without compensation shrinks the outputs (measured
    # 0.63); with it the scale is restored (0.97).
    year = 365 * 86400
    raw = imc.simulate(program, [x], mode="noisy", seed=1, drift_time=year, gdc=False)
    fixed = imc.simulate(program, [x], mode="noisy", seed=1, drift_time=year)
    assert np.abs(raw.outputs[0]).mean() / np.abs(q).mean() < 0.8
    assert 0.9 < np.abs(fixed.outputs[0]).mean() / np.abs(q).mean() < 1.1
