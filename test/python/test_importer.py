"""imc's C++ importer (what imc.export and imc.import_onnx build with) checks
the arguments of every layer itself: a bad shape, size, window or
permutation is an ImcError naming the layer, never a crash (a zero stride
once divided by zero) or a module that computes something else."""
import os
import subprocess
import sys

import numpy as np
import pytest

import imc
from imc import _imc


def importer():
    return _imc.Importer(_imc.Context())


def const(imp, *shape):
    return imp.constant(np.ones(shape, np.float32))


@pytest.mark.parametrize("build,match", [
    (lambda i: i.linear(i.input([2, 3]), const(i, 4, 3), const(i, 5), "fc"),
     "the bias of linear 'fc' must be 1-D of 4 elements"),
    (lambda i: i.conv2d(i.input([1, 2, 5, 5]), const(i, 3, 2, 3, 3), const(i, 2),
                        [1, 1], [0, 0], [1, 1], 1, "conv"),
     "the bias of conv2d 'conv' must be 1-D of 3 elements"),
    (lambda i: i.conv2d(i.input([1, 2, 5, 5]), const(i, 3, 2, 3, 3), None,
                        [1, 1], [-1, 0], [1, 1], 1, "conv"),
     "conv2d 'conv': kernel, stride and dilation must be positive"),
    (lambda i: i.conv2d(i.input([1, 2, 2, 2]), const(i, 3, 2, 3, 3), None,
                        [1, 1], [0, 0], [1, 1], 1, "conv"),
     "conv2d 'conv': the window does not fit the padded input"),
    (lambda i: i.conv2d(i.input([1, 2, 5, 5]), const(i, 3, 2, 3, 3), None,
                        [1, 1], [0, 0], [0, 1], 1, "conv"),
     "conv2d 'conv': kernel, stride and dilation must be positive"),
    (lambda i: i.batch_norm(i.input([1, 3, 2, 2]), const(i, 3), const(i, 3),
                            const(i, 2), const(i, 3), 1e-5, "bn"),
     "batch norm 'bn' must be 1-D of 3 elements"),
    (lambda i: i.pool2d(True, i.input([1, 1, 4, 4]), [2, 2], [0, 2], [0, 0], "pool"),
     "pooling 'pool': kernel, stride and dilation must be positive"),
    (lambda i: i.pool2d(False, i.input([1, 1, 2, 2]), [3, 3], [1, 1], [0, 0], "pool"),
     "pooling 'pool': the window does not fit"),
    (lambda i: i.softmax(i.reshape(i.input([1]), [], "r"), "sm"),
     "softmax 'sm' of a rank-0 tensor"),
    (lambda i: i.layer_norm(i.reshape(i.input([1]), [], "r"), None, None, 1e-5, "ln"),
     "layer norm 'ln' of a rank-0 tensor"),
    (lambda i: i.layer_norm(i.input([2, 4]), const(i, 3), None, 1e-5, "ln"),
     "layer norm 'ln' must be 1-D of 4 elements"),
    (lambda i: i.permute(i.input([2, 3]), [0, 0], "t"),
     "permute 't': not a permutation"),
    (lambda i: i.concat([i.input([2, 3]), i.input([2, 4])], 0, "cat"),
     "concat 'cat': the tensors differ outside the concatenated dimension"),
    (lambda i: i.concat([i.input([2, 3]), i.input([2, 3])], 2, "cat"),
     "concat 'cat': dimension out of range"),
    (lambda i: i.reshape(i.input([2, 3]), [-2, -3], "r"), "reshape 'r': bad shape"),
    (lambda i: i.bias_add(i.reshape(i.input([1]), [], "r"), const(i, 1), "b"),
     "bias add 'b' needs a 1-D bias"),
    # Shape errors name the shapes they got.
    (lambda i: i.matmul(i.input([2, 3]), i.input([4, 5]), "mm"),
     r"matmul 'mm': shapes \[2, 3\] and \[4, 5\] do not multiply"),
    (lambda i: i.matmul(i.input([2, 2, 3]), i.input([3, 3, 4]), "bmm"),
     r"matmul 'bmm': batch dimensions of \[2, 2, 3\] and \[3, 3, 4\] do not"),
    (lambda i: i.linear(i.input([2, 3]), const(i, 4, 5), None, "fc"),
     r"linear 'fc' expects an input \[..., in\] and a weight \[out, in\], got "
     r"\[2, 3\] and \[4, 5\]"),
    (lambda i: i.binary("add", i.input([2, 3]), i.input([4]), "add"),
     r"'add': shapes \[2, 3\] and \[4\] do not broadcast"),
    (lambda i: i.expand(i.input([2, 3]), [4, 3], "e"),
     r"'e': shapes \[2, 3\] to \[4, 3\] do not broadcast"),
    (lambda i: i.reshape(i.input([2, 3]), [4, 2], "r"),
     r"reshape 'r' changes the number of elements \(\[2, 3\] to \[4, 2\]\)"),
    (lambda i: i.concat([i.input([2, 3]), i.input([3, 4])], 1, "cat"),
     r"differ outside the concatenated dimension \(\[2, 3\] and \[3, 4\]\)"),
    (lambda i: i.slice(i.input([2, 3]), [0, 2], [2, 2], "s"),
     r"slice 's': dimension 1 of size 3 has no elements \[2, 4\)"),
    (lambda i: i.pool2d(True, i.input([1, 1, 4, 4]), [2, 2], [2, 2], [0, 0, -1, 0], "p"),
     "pooling 'p': negative padding"),
])
def test_bad_layer_arguments(build, match):
    with pytest.raises(imc.ImcError, match=match):
        build(importer())


def test_zero_stride_is_an_error_not_a_crash():
    # Run apart: before the check, this divided by zero (SIGFPE).
    code = ("import imc, numpy as np\n"
            "from imc import _imc\n"
            "i = _imc.Importer(_imc.Context())\n"
            "try:\n"
            "    i.conv2d(i.input([1, 1, 4, 4]), i.constant(np.ones((1, 1, 2, 2), np.float32)),"
            " None, [0, 0], [0, 0], [1, 1], 1, 'conv')\n"
            "except imc.ImcError as e:\n"
            "    print('ImcError:', e)\n")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(imc.__file__)))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=env)
    assert r.returncode == 0, r.stderr
    assert "kernel, stride and dilation must be positive" in r.stdout


def test_mean_without_dims_reduces_all():
    imp = importer()
    x = imp.input([2, 3])
    mod = imc.Module(imp.finish([imp.mean(x, [], False, "m"),
                                 imp.mean(x, [], True, "k")]))
    res = imc.simulate(imc.compile(mod), [np.arange(6, dtype=np.float32).reshape(2, 3)])
    assert res.outputs[0].shape == () and res.outputs[0] == pytest.approx(2.5)
    assert res.outputs[1].shape == (1, 1)


def test_matmul_of_any_rank_equals_numpy():
    """numpy.matmul semantics in the importer: 1-D operands, broadcast batch
    dimensions, a constant right operand (one weight-stationary product)."""
    rng = np.random.RandomState(0)
    cases = [((3,), (3, 4)), ((2, 3), (3,)), ((5, 2, 3), (3, 4)), ((2, 1, 2, 3), (4, 3, 2)),
             ((3,), (2, 3, 4)), ((2, 3, 4), (2, 4, 5))]
    for sa, sb in cases:
        for const_b in (False, True):
            imp = importer()
            a = rng.randn(*sa).astype(np.float32)
            b = rng.randn(*sb).astype(np.float32)
            ha = imp.input(list(sa))
            hb = imp.constant(b) if const_b else imp.input(list(sb))
            mod = imc.Module(imp.finish([imp.matmul(ha, hb, "mm")]))
            ins = [a] if const_b else [a, b]
            out = imc.simulate(imc.compile(mod), ins, mode="ideal").outputs[0]
            ref = np.matmul(a, b)
            assert out.shape == ref.shape, (sa, sb)
            np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)
