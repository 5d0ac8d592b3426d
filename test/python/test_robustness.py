"""Bad input to the Python API: every failure is an imc.ImcError with one
readable message (never a RuntimeError from inside C++, a crash, or a silent
conversion), and the resource bounds of the simulator."""
import json
import os

import numpy as np
import pytest

import imc

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MLP = os.path.join(ROOT, "examples", "mlp")
TARGET = os.path.join(ROOT, "targets", "default.json")


@pytest.fixture(scope="module")
def program():
    return imc.compile(imc.load(os.path.join(MLP, "mlp.mlir")), target="default")


@pytest.fixture(scope="module")
def x():
    return np.load(os.path.join(MLP, "input.npy"))


@pytest.mark.parametrize("seed", [1.5, 2.0, "3", None, True, -1, 2**64])
def test_seed_must_be_an_integer(program, x, seed):
    with pytest.raises(imc.ImcError, match="seed must be"):
        imc.simulate(program, [x], mode="noisy", seed=seed)


def test_numpy_integer_seed_is_fine(program, x):
    a = imc.simulate(program, [x], mode="noisy", seed=np.uint64(7)).outputs[0]
    b = imc.simulate(program, [x], mode="noisy", seed=7).outputs[0]
    assert np.array_equal(a, b)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128, object, "U3"])
def test_inputs_that_are_not_real_numbers(program, x, dtype):
    bad = x.astype(dtype) if dtype != "U3" else x.astype(str)
    with pytest.raises(imc.ImcError, match="input 0 has dtype"):
        imc.simulate(program, [bad])


def test_bool_inputs_are_zeros_and_ones(program, x):
    # Masks exported by imc.export are 0/1 float inputs: bools convert exactly.
    b = x > 0
    a = imc.simulate(program, [b]).outputs[0]
    assert np.array_equal(a, imc.simulate(program, [b.astype(np.float32)]).outputs[0])


@pytest.mark.parametrize("kw,match", [
    ({"drift_time": "1 h"}, "drift_time must be a real number"),
    ({"drift_time": 1e308}, r"drift time must be a number of seconds in \[0, 1e\+10\]"),
    ({"drift_time": float("nan")}, "drift time must be"),
    ({"gdc": "no"}, "gdc must be True or False"),
    ({"mode": 1}, "mode must be"),
    ({"max_work": 0}, r"max_work must be in \[1,"),
    ({"max_memory": 2.5}, "max_memory must be an integer"),
])
def test_bad_options(program, x, kw, match):
    opts = {"mode": "noisy"}
    opts.update(kw)
    with pytest.raises(imc.ImcError, match=match):
        imc.simulate(program, [x], **opts)


def test_resource_bounds(program, x):
    with pytest.raises(imc.ImcError, match="steps of work, more than the limit of 10"):
        imc.simulate(program, [x], max_work=10)
    with pytest.raises(imc.ImcError, match="of memory at once, more than the limit of 100 bytes"):
        imc.simulate(program, [x], max_memory=100)
    imc.simulate(program, [x], max_work=10**9, max_memory=2**30)


@pytest.mark.parametrize("prog", [5, "not a program", None, [1, 2]])
def test_program_must_be_bytes(x, prog):
    with pytest.raises(imc.ImcError, match="expected an imc.Program or program bytes"):
        imc.simulate(prog, [x])
    with pytest.raises(imc.ImcError, match="expected an imc.Program or program bytes"):
        imc.estimate(prog)


def test_target_json_errors_are_imc_errors(tmp_path):
    t = json.load(open(TARGET))
    text = json.dumps(t).replace('"clock_mhz": %s' % json.dumps(t["dpu"]["clock_mhz"]), '"clock_mhz": 1e999')
    assert "1e999" in text
    p = tmp_path / "huge.json"
    p.write_text(text)
    with pytest.raises(imc.ImcError, match="invalid JSON: .*number overflow"):
        imc.load_target(str(p))
    p.write_bytes(json.dumps(t).replace('"name": "', '"name": "\xff').encode("latin-1"))
    with pytest.raises(imc.ImcError, match="invalid JSON"):
        imc.load_target(str(p))


def test_invalid_utf8_in_a_module_attribute(program):
    # An attribute may hold any bytes (MLIR's \FF escape); JSON may not.
    text = program.module.to_string().replace('name = "default-rram-128"',
                                              'name = "bad\\FFname"', 1)
    assert "bad\\FFname" in text
    with pytest.raises(imc.ImcError, match="field 'name' is not valid UTF-8"):
        imc.parse(text)


def test_invalid_utf8_in_a_layer_name():
    mod = imc.load(os.path.join(MLP, "mlp.mlir"))
    text = mod.to_string(debug_info=True)
    assert 'loc("fc1")' in text
    mod = imc.parse(text.replace('loc("fc1")', 'loc("fc\\FF1")'))
    with pytest.raises(imc.ImcError, match="STRINGS: string [0-9]+ is not valid UTF-8"):
        imc.compile(mod, target="default")


def test_bundled_target_names_in_pipeline_strings():
    mod = imc.load(os.path.join(MLP, "mlp.mlir"))
    low = imc.run_pipeline(mod, "imc-pipeline{target=rram-22nm}")
    assert 'name = "rram-22nm"' in str(low)
    with pytest.raises(imc.ImcError, match="no target file 'rram-23nm' .*bundled: default, pcm-22nm, rram-22nm, sram-22nm"):
        imc.run_pipeline(mod, "imc-pipeline{target=rram-23nm}")


def test_version():
    assert imc.__version__.count(".") == 2


def test_deeply_nested_text_is_refused():
    text = "func.func @f() attributes {a = " + "[" * 20000 + "]" * 20000 + "} { return }"
    with pytest.raises(imc.ImcError, match="brackets nested more than 256 deep"):
        imc.parse(text)
