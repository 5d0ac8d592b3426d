"""linalg.generic with indexing maps that are sums of loops times constants
(strides, shifts, sliding windows, reversed reads), compiled onto the DPU and
simulated: the same numbers as numpy; the program says format 1.3."""
import struct

import numpy as np
import pytest

import imc

CORRELATE = """
func.func @main(%x: tensor<10xf32>, %w: tensor<3xf32>) -> tensor<4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0 * 2 + d1 + 1)>,
                                        affine_map<(d0, d1) -> (d1)>,
                                        affine_map<(d0, d1) -> (d0)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%x, %w : tensor<10xf32>, tensor<3xf32>) outs(%z : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %m, %acc : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}
"""

REVERSE = """
func.func @main(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %e = tensor.empty() : tensor<2x5xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (1 - d0, 4 - d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x5xf32>) outs(%e : tensor<2x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}
"""

CONV = """
func.func @main(%x: tensor<1x2x6x6xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x2x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32>
  %y = linalg.conv_2d_nchw_fchw {strides = dense<2> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x6x6xf32>, tensor<3x2x3x3xf32>) outs(%z : tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32>
  return %y : tensor<1x3x2x2xf32>
}
"""


def run(text, *inputs):
    prog = imc.compile(imc.parse(text))
    data = prog.to_bytes()
    major, minor = struct.unpack_from("<HH", data, 4)
    assert (major, minor) == (1, 3)
    return imc.simulate(prog, list(inputs), mode="ideal").outputs[0]


def test_strided_shifted_correlation():
    rng = np.random.RandomState(0)
    x, w = rng.randn(10).astype(np.float32), rng.randn(3).astype(np.float32)
    ref = np.array([sum(x[2 * i + k + 1] * w[k] for k in range(3)) for i in range(4)])
    np.testing.assert_allclose(run(CORRELATE, x, w), ref, rtol=1e-5, atol=1e-6)


def test_reversed_read():
    x = np.arange(10, dtype=np.float32).reshape(2, 5)
    np.testing.assert_array_equal(run(REVERSE, x), x[::-1, ::-1])


def test_convolution_with_a_computed_filter_runs_on_the_dpu():
    torch = pytest.importorskip("torch")
    rng = np.random.RandomState(1)
    x = rng.randn(1, 2, 6, 6).astype(np.float32)
    w = rng.randn(3, 2, 3, 3).astype(np.float32)
    ref = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w), stride=2)
    np.testing.assert_allclose(run(CONV, x, w), ref.numpy(), rtol=1e-5, atol=1e-5)
