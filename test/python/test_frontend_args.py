"""No silent wrong answers in the front ends: every argument, module
attribute, ONNX attribute, input or output that changes the result is either
implemented or an ImcError naming it and the node. Each case is built twice:
with the argument (rejected, the error names it) and with its default or an
implemented value (exported, and the same numbers as PyTorch)."""
import inspect
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import imc

try:
    from onnx import TensorProto, helper, numpy_helper
except ImportError:
    helper = None
needs_onnx = pytest.mark.skipif(helper is None, reason="onnx is not installed")
# Implicit softmax dimensions and float masks are what some cases are about.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
torch.manual_seed(0)
X2, X3, X4 = torch.randn(2, 4), torch.randn(2, 3, 4), torch.randn(1, 2, 6, 6)
IDS = torch.tensor([[1, 9, 3], [0, 2, 2]])


def stochastic_depth(*args, **kwargs):
    from torchvision.ops import stochastic_depth as sd
    return sd(*args, **kwargs)


class Fn(nn.Module):
    """forward(x) = f(self, x), with the keyword arguments as submodules."""

    def __init__(self, f, **modules):
        super().__init__()
        self.f = f
        for k, m in modules.items():
            setattr(self, k, m)

    def forward(self, x):
        return self.f(self, x)


class Fn2(Fn):
    def forward(self, x, y):
        return self.f(self, x, y)


def fn(f, **modules):
    n = len(inspect.signature(f).parameters)
    return (Fn2 if n == 3 else Fn)(f, **modules)


def mha(**kw):
    return nn.MultiheadAttention(4, 2, batch_first=True, **kw)


def tel(**kw):
    return nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True, **kw)


def ref_inplace(s, x):
    y = x * 2
    z = s.r(y.view(8))  # in place on y, through a view
    return z.view(2, 4) + (y if s.reads_after else 1.0)


class Scaled(nn.Module):
    def forward(self, x, scale=2.0):
        return x * scale


def tanh_gelu(v):
    return F.gelu(v, approximate="tanh")


# id: (model and inputs with the argument (True) or its default (False),
#      what the error must name).
TORCH = {
    "add_alpha": (lambda bad: (fn(lambda s, x: torch.add(x, x * 3, alpha=2 if bad else 1)),
                               (X2,)), "alpha=2"),
    "sub_alpha": (lambda bad: (fn(lambda s, x: torch.sub(x, 1.5, alpha=3 if bad else 1)),
                               (X2,)), "alpha=3"),
    "div_rounding_mode": (lambda bad: (fn(lambda s, x: torch.div(
        x, 0.3, rounding_mode="floor" if bad else None)), (X2,)), "rounding_mode='floor'"),
    "gelu_approximate": (lambda bad: (fn(lambda s, x: F.gelu(
        x, approximate="tanh" if bad else "none")), (X2,)), "approximate='tanh'"),
    "GELU_approximate": (lambda bad: (fn(lambda s, x: s.g(x), g=nn.GELU(
        "tanh" if bad else "none")), (X2,)), r"GELU\(approximate='tanh'\)"),
    "softmax_dtype": (lambda bad: (fn(lambda s, x: torch.softmax(
        x, -1, dtype=torch.float64 if bad else torch.float32)), (X2,)), "dtype"),
    "F_softmax_dtype": (lambda bad: (fn(lambda s, x: F.softmax(
        x, -1, _stacklevel=5, dtype=torch.float64 if bad else None)), (X2,)), "dtype"),
    "mean_dtype": (lambda bad: (fn(lambda s, x: x.mean(
        1, dtype=torch.float64 if bad else torch.float32)), (X2,)), "dtype"),
    "cat_out": (lambda bad: (fn(lambda s, x: torch.cat(
        [x, x], 1, out=torch.empty(2, 8) if bad else None)), (X2,)), "out="),
    "softmax_dim": (lambda bad: (fn(lambda s, x: x.softmax(1 if bad else -1)), (X3,)),
                    "dim 1"),
    "F_softmax_implicit_dim": (lambda bad: (fn(lambda s, x: F.softmax(x)),
                                            (X3 if bad else X2,)), "dim None"),
    "Softmax_dim": (lambda bad: (fn(lambda s, x: s.m(x), m=nn.Softmax(1 if bad else 2)),
                                 (X3,)), r"Softmax\(dim=1\)"),
    "relu_inplace": (lambda bad: (fn(lambda s, x: (lambda y: F.relu(y, inplace=True) +
                                                   (y if bad else 1.0))(x * 2)), (X2,)),
                     "in-place"),
    "ReLU_inplace_view": (lambda bad: (fn(ref_inplace, r=nn.ReLU(inplace=True)), (X2,)),
                          "in-place"),
    "LayerNorm_shape": (lambda bad: (fn(lambda s, x: s.n(x), n=nn.LayerNorm(
        [3, 4] if bad else 4, elementwise_affine=False)), (X3,)), "LayerNorm"),
    "BatchNorm_track_running_stats": (lambda bad: (fn(lambda s, x: s.b(x), b=nn.BatchNorm2d(
        2, track_running_stats=not bad)), (X4,)), "track_running_stats=False"),
    "Conv2d_padding_mode": (lambda bad: (fn(lambda s, x: s.c(x), c=nn.Conv2d(
        2, 3, 3, padding=1, padding_mode="reflect" if bad else "zeros")), (X4,)),
        "padding_mode='reflect'"),
    "Conv2d_padding_same": (lambda bad: (fn(lambda s, x: s.c(x), c=nn.Conv2d(
        2, 3, 3, padding="same" if bad else 1)), (X4,)), "padding='same'"),
    "Conv1d_padding_mode": (lambda bad: (fn(lambda s, x: s.c(x), c=nn.Conv1d(
        3, 2, 3, padding=1, padding_mode="circular" if bad else "zeros")), (X3,)),
        "padding_mode='circular'"),
    "MaxPool2d_return_indices": (lambda bad: (fn(lambda s, x: s.p(x)[0] if bad else s.p(x),
                                                 p=nn.MaxPool2d(2, return_indices=bad)),
                                              (X4,)), "return_indices=True"),
    "MaxPool2d_ceil_mode": (lambda bad: (fn(lambda s, x: s.p(x), p=nn.MaxPool2d(
        4, ceil_mode=bad)), (X4,)), "ceil_mode=True"),
    "MaxPool2d_dilation": (lambda bad: (fn(lambda s, x: s.p(x), p=nn.MaxPool2d(
        2, dilation=2 if bad else 1)), (X4,)), "dilation=2"),
    "AvgPool2d_ceil_mode": (lambda bad: (fn(lambda s, x: s.p(x), p=nn.AvgPool2d(
        4, ceil_mode=bad)), (X4,)), "ceil_mode=True"),
    "AvgPool2d_divisor_override": (lambda bad: (fn(lambda s, x: s.p(x), p=nn.AvgPool2d(
        2, divisor_override=3 if bad else None)), (X4,)), "divisor_override=3"),
    "AvgPool2d_count_include_pad": (lambda bad: (fn(lambda s, x: s.p(x), p=nn.AvgPool2d(
        3, 1, padding=1 if bad else 0, count_include_pad=False)), (X4,)),
        "count_include_pad=False"),
    "MHA_attn_mask": (lambda bad: (fn(lambda s, x, m: s.a(
        x, x, x, attn_mask=m if bad else None)[0] + m.mean(), a=mha()),
        (X3, torch.zeros(3, 3))), "attn_mask"),
    "MHA_key_padding_mask": (lambda bad: (fn(lambda s, x, m: s.a(
        x, x, x, key_padding_mask=m if bad else None)[0] + m.mean(), a=mha()),
        (X3, torch.zeros(2, 3))), "key_padding_mask"),
    "MHA_cross_attention": (lambda bad: (fn(lambda s, x, y: s.a(x, *[y if bad else x] * 2)[0] + y,
                                            a=mha()), (X3, X3 + 1)),
                            "cross-attention: key/value differ from query"),
    "MHA_weights": (lambda bad: (fn(lambda s, x: s.a(x, x, x)[1 if bad else 0], a=mha()),
                                 (X3,)), "attention weights"),
    "MHA_need_weights": (lambda bad: (fn(lambda s, x: s.a(x, x, x, need_weights=bad)
                                         if bad else s.a(x, x, x, need_weights=bad)[0],
                                         a=mha()), (X3,)), "attention weights"),
    "MHA_add_zero_attn": (lambda bad: (fn(lambda s, x: s.a(x, x, x)[0],
                                          a=mha(add_zero_attn=bad)), (X3,)),
                          "add_zero_attn=True"),
    "MHA_bias_kv": (lambda bad: (fn(lambda s, x: s.a(x, x, x)[0], a=mha(add_bias_kv=bad)),
                                 (X3,)), "bias_k="),
    "MHA_kdim": (lambda bad: (fn(lambda s, x, y: s.a(x, y, y)[0] if bad else
                                 s.a(x, x, x)[0] + y.mean(),
                                 a=mha(kdim=5 if bad else 4, vdim=5 if bad else 4)),
                              (X3, torch.randn(2, 3, 5))), "kdim=5"),
    "MHA_batch_first": (lambda bad: (fn(lambda s, x: s.a(x, x, x)[0], a=nn.MultiheadAttention(
        4, 2, batch_first=not bad)), (X3,)), "batch_first=False"),
    "TEL_src_mask": (lambda bad: (fn(lambda s, x, m: s.t(
        x, src_mask=m if bad else None) + m.mean(), t=tel()), (X3, torch.zeros(3, 3))),
        "src_mask"),
    "TEL_src_key_padding_mask": (lambda bad: (fn(lambda s, x, m: s.t(
        x, src_key_padding_mask=m if bad else None) + m.mean(), t=tel()),
        (X3, torch.zeros(2, 3))), "src_key_padding_mask"),
    "TEL_activation": (lambda bad: (fn(lambda s, x: s.t(x), t=tel(
        activation=tanh_gelu if bad else "gelu")), (X3,)), "activation"),
    "input_not_tensor": (lambda bad: (Scaled() if bad else fn(lambda s, x: x * 2.0), (X2,)),
                         r"takes 2 inputs \(x, scale\)"),
    "result_dtype": (lambda bad: (fn(lambda s, x: x + s.c.b, c=nn.Module()), (X2,)), "dtype"),
    # Implemented: only the default matches.
    "TEL_relu_norm_first_eps": (lambda bad: (tel(activation="relu", norm_first=True,
                                                 layer_norm_eps=0.1), (X3,)), None),
    "no_bias_no_affine": (lambda bad: (nn.Sequential(
        nn.Conv2d(2, 3, 3, bias=False), nn.BatchNorm2d(3, affine=False), nn.Flatten(),
        nn.Linear(48, 2, bias=False)), (X4,)), None),
    "keyword_arguments": (lambda bad: (fn(lambda s, x: torch.cat(tensors=[
        F.relu6(input=x), torch.transpose(x, dim0=1, dim1=2).reshape(2, 3, 4)], dim=-1)),
        (X3,)), None),
    "shapes_and_empty_dims": (lambda bad: (fn(lambda s, x: x.view(x.shape[0], -1) +
                                              torch.mean(x, dim=[])), (X3,)), None),
    "adaptive_avg_pool_None": (lambda bad: (fn(lambda s, x: F.adaptive_avg_pool2d(
        x, (None, 3))), (X4,)), None),
    # The arguments of the ops added for real models (issue 12).
    "interpolate_antialias": (lambda bad: (fn(lambda s, x: F.interpolate(
        x, scale_factor=0.5, mode="bilinear", antialias=bad)), (X4,)), "antialias=True"),
    "interpolate_mode": (lambda bad: (fn(lambda s, x: F.interpolate(
        x, scale_factor=2, mode="bicubic" if bad else "bilinear")), (X4,)),
        "mode='bicubic'"),
    "pad_mode": (lambda bad: (fn(lambda s, x: F.pad(
        x, (1, 2, 0, 1), mode="reflect" if bad else "constant")), (X4,)), "mode='reflect'"),
    "dropout_training": (lambda bad: (fn(lambda s, x: F.dropout(x, 0.5, training=bad)),
                                      (X2,)), "training=True"),
    "stochastic_depth_training": (lambda bad: (fn(lambda s, x: stochastic_depth(
        x, 0.5, "row", training=bad)), (X4,)), "random operation bernoulli_"),
    "random_at_trace_time": (lambda bad: (fn(lambda s, x: x + (torch.rand(4) if bad else
                                                              torch.ones(4))), (X2,)),
                             "random operation rand"),
    "Embedding_max_norm": (lambda bad: (fn(lambda s, x: s.e(x), e=nn.Embedding(
        10, 3, max_norm=1.0 if bad else None)), (IDS,)), "max_norm=1.0"),
    "LSTM_proj_size": (lambda bad: (fn(lambda s, x: s.r(x)[0], r=nn.LSTM(
        4, 3, proj_size=2 if bad else 0)), (X3,)), "proj_size=2"),
    "index_bool_mask": (lambda bad: (fn(lambda s, x: x[x > 0] if bad else x[:, 1:]),
                                     (X2,)), "indexing with a tensor computed"),
    "pow_tensor_exponent": (lambda bad: (fn(lambda s, x, y: torch.pow(x, y if bad else 3)
                                            + y), (X2, X2)), "pow of"),
    "masked_fill_tensor_value": (lambda bad: (fn(lambda s, x, y: x.masked_fill(
        x > 0, y.mean() if bad else 0.5) + y), (X2, X2)), "masked_fill with a value"),
    "max_pool2d_return_indices": (lambda bad: (fn(lambda s, x: F.max_pool2d(
        x, 2, return_indices=True)[0] if bad else F.max_pool2d(x, 2)), (X4,)),
        "max_pool2d_with_indices"),
    "view_dtype": (lambda bad: (fn(lambda s, x: x.view(torch.int32).float() if bad
                                   else x.view(-1)), (X2,)), "view as dtype torch.int32"),
    "cast_to_integer": (lambda bad: (fn(lambda s, x: (x * 4).long() * 1.0 if bad
                                        else (x * 4).float()), (X2,)),
                        "cast from torch.float32 to torch.int64"),
    "control_flow_on_values": (lambda bad: (fn(lambda s, x: x * 2 if (x.sum() > 0 if bad
                                                                      else True) else x),
                                            (X2,)), "control flow on a tensor's value"),
    "item": (lambda bad: (fn(lambda s, x: x * (x.sum().item() if bad else 2.0)), (X2,)),
             r"\.item\(\)"),
    "setitem_on_an_input": (lambda bad: (fn(lambda s, x: (lambda y: (y.__setitem__(
        (slice(None), 0), 1.0) if bad else None, y)[1])(x.clone())), (X2,)), "setitem"),
    "clamp_tensor_bounds": (lambda bad: (fn(lambda s, x, y: torch.clamp(
        x, min=y if bad else -0.5) + y), (X2, X2)), "tensor bounds"),
    "roll_without_dims": (lambda bad: (fn(lambda s, x: torch.roll(x, 1) if bad
                                          else torch.roll(x, 1, 1)), (X2,)), "roll without dims"),
    "index_select_input_indices": (lambda bad: (fn(lambda s, x, i: x.index_select(
        0, i if bad else torch.tensor([1, 0, 1])) + i.sum()), (X2, torch.tensor([1, 0]))),
        "index_select with indices computed"),
}


def build(case, bad):
    model, xs = TORCH[case][0](bad)
    if case == "result_dtype":
        model.c.register_buffer("b", torch.ones(4, dtype=torch.float64 if bad else torch.float32))
    if case == "ReLU_inplace_view":
        model.reads_after = bad
    return model.eval(), xs


# Cases whose argument the importer now implements: with the argument, the
# same numbers as PyTorch.
IMPLEMENTED = {
    "add_alpha", "sub_alpha", "gelu_approximate", "GELU_approximate", "softmax_dim",
    "F_softmax_implicit_dim", "Softmax_dim", "LayerNorm_shape", "MaxPool2d_ceil_mode",
    "MaxPool2d_dilation", "AvgPool2d_ceil_mode", "AvgPool2d_divisor_override",
    "AvgPool2d_count_include_pad", "MHA_attn_mask", "MHA_key_padding_mask",
    "MHA_cross_attention", "MHA_kdim", "MHA_batch_first", "TEL_src_mask",
    "TEL_src_key_padding_mask"}


@pytest.mark.parametrize("case", sorted(c for c in TORCH if TORCH[c][1] and
                                        c not in IMPLEMENTED))
def test_torch_argument_rejected(case):
    model, xs = build(case, True)
    with pytest.raises(imc.ImcError, match=TORCH[case][1]):
        imc.export(model, *xs)


@pytest.mark.parametrize("bad", [False, True])
@pytest.mark.parametrize("case", sorted(TORCH))
def test_torch_default_matches(case, bad):
    if bad and case not in IMPLEMENTED:
        pytest.skip("rejected with the argument")
    model, xs = build(case, bad)
    res = imc.simulate(imc.compile(imc.export(model, *xs)), [x.numpy() for x in xs],
                       mode="ideal")
    with torch.no_grad():
        ref = model(*xs).numpy()
    assert res.outputs[0].shape == ref.shape
    np.testing.assert_allclose(res.outputs[0], ref, rtol=1e-4, atol=1e-5)


def test_torch_names_argument_and_node():
    model, xs = build("div_rounding_mode", True)
    with pytest.raises(imc.ImcError, match=r"unsupported argument rounding_mode='floor' at "
                       r"graph node 'div' \(target 'torch.div'\)"):
        imc.export(model, *xs)
    model, xs = build("MHA_add_zero_attn", True)
    with pytest.raises(imc.ImcError, match=r"nn.MultiheadAttention\(add_zero_attn=True\) "
                       r"at graph node 'a'"):
        imc.export(model, *xs)


@pytest.mark.parametrize("masks", ["none", "causal", "bool_causal", "padding", "both"])
def test_transformer_encoder_masks(masks):
    """nn.TransformerEncoder with its masks, constant or inputs: never
    dropped, the same numbers as PyTorch (its inference fast path, which
    zeros padded positions, included)."""
    enc = nn.TransformerEncoder(tel(), 2, norm=nn.LayerNorm(4)).eval()
    causal = torch.triu(torch.full((3, 3), float("-inf")), 1)
    pad = torch.tensor([[False, False, True], [False, False, False]])
    mask = {"causal": causal, "bool_causal": causal.isinf(), "both": causal}.get(masks)
    kpm = pad if masks in ("padding", "both") else None

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.e = enc

        def forward(self, x, k):
            return self.e(x, mask=mask, src_key_padding_mask=k if kpm is not None else None)

    model = M().eval()
    xs = (X3, pad)
    res = imc.simulate(imc.compile(imc.export(model, *xs)), [x.numpy() for x in xs],
                       mode="ideal")
    with torch.no_grad():
        ref = model(*xs).numpy()
    np.testing.assert_allclose(res.outputs[0], ref, rtol=1e-4, atol=1e-5)


# ONNX: hand-built one-node graphs.
W = np.random.RandomState(0).randn(3, 2, 3, 3).astype(np.float32)


def graph(nodes, inits=None, opset=13, x=(1, 2, 6, 6), outputs=("y",)):
    inits = [numpy_helper.from_array(np.asarray(v), k) for k, v in (inits or {}).items()]
    g = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x))],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs],
        inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


def node(op, ins=("x",), outs=("y",), **attrs):
    return helper.make_node(op, list(ins), list(outs), name="n", **attrs)


def f32(v):
    return np.asarray(v, np.float32)


def tx(x):
    return torch.from_numpy(x)


def conv_ref(x, **kw):
    return F.conv2d(tx(x), tx(W), **kw).numpy()


def used_second_output(op, **attrs):
    """op's output 1 read by another node (output 0 is a graph output)."""
    return graph([node(op, outs=("y", "o1"), **attrs),
                  node("Identity", ins=("o1",), outs=("z",))], outputs=("y", "z"))


# id: (model with the attribute (True) or an implemented value (False),
#      the PyTorch reference of the latter, what the error must name).
ONNX = {
    "Gemm_transA": (lambda bad: graph([node("Gemm", ("x", "w", "b"), transA=int(bad), transB=1)],
                                      {"w": f32(np.eye(4)[:3]), "b": f32([1, 2, 3])}, x=(4, 4)),
                    lambda x: x[:, :3] + f32([1, 2, 3]), "transA=1"),
    "Gemm_alpha": (lambda bad: graph([node("Gemm", ("x", "w"), alpha=2.0 if bad else 1.0)],
                                     {"w": f32(np.eye(4))}, x=(2, 4)), lambda x: x, "alpha=2.0"),
    "Gemm_beta": (lambda bad: graph([node("Gemm", ("x", "w", "b"), beta=0.5 if bad else 1.0)],
                                    {"w": f32(np.eye(4)), "b": f32(np.ones(4))}, x=(2, 4)),
                  lambda x: x + 1, "beta=0.5"),
    "Gemm_C_shape": (lambda bad: graph([node("Gemm", ("x", "w", "b"))],
                                       {"w": f32(np.eye(4)),
                                        "b": f32(np.ones((2, 4) if bad else 4))}, x=(2, 4)),
                     lambda x: x + 1, "input C of shape"),
    "Conv_auto_pad": (lambda bad: graph([node("Conv", ("x", "w"), auto_pad="SAME_UPPER" if bad
                                              else "NOTSET")], {"w": W}),
                      lambda x: conv_ref(x), "auto_pad=SAME_UPPER"),
    "Conv_kernel_shape": (lambda bad: graph([node("Conv", ("x", "w"), kernel_shape=[2, 2] if bad
                                                  else [3, 3], strides=[2, 2], pads=[1] * 4)],
                                            {"w": W}),
                          lambda x: conv_ref(x, stride=2, padding=1), "kernel_shape"),
    "Conv_dilations": (lambda bad: graph([node("Conv", ("x", "w"), dilations=[0, 0] if bad
                                               else [2, 2])], {"w": W}),
                       lambda x: conv_ref(x, dilation=2), "dilations"),
    "Conv_group": (lambda bad: graph([node("Conv", ("x", "w"), group=0 if bad else 1)],
                                     {"w": W}), lambda x: conv_ref(x), "group"),
    "Conv_pads": (lambda bad: graph([node("Conv", ("x", "w"), pads=[-1] * 4 if bad else [2] * 4)],
                                    {"w": W}), lambda x: conv_ref(x, padding=2), "pads"),
    "MaxPool_indices": (lambda bad: used_second_output("MaxPool", kernel_shape=[2, 2],
                                                       storage_order=1) if bad else
                        graph([node("MaxPool", outs=("y", "unused"), kernel_shape=[2, 2],
                                    storage_order=1)]),
                        lambda x: F.max_pool2d(tx(x), 2, 1).numpy(), "output 1 'o1'"),
    "MaxPool_ceil_mode": (lambda bad: graph([node("MaxPool", kernel_shape=[4, 4], strides=[3, 3],
                                                  ceil_mode=int(bad))]),
                          lambda x: F.max_pool2d(tx(x), 4, 3).numpy(), "ceil_mode=1"),
    "MaxPool_strides": (lambda bad: graph([node("MaxPool", kernel_shape=[2, 2],
                                                strides=[1, 2])]),
                        lambda x: F.max_pool2d(tx(x), 2, (1, 2)).numpy(), None),
    "AveragePool_count_include_pad": (
        lambda bad: graph([node("AveragePool", kernel_shape=[3, 3], pads=[1] * 4,
                                count_include_pad=int(not bad))]),
        lambda x: F.avg_pool2d(tx(x), 3, 1, 1).numpy(), "count_include_pad"),
    "AveragePool_kernel_shape": (lambda bad: graph([node("AveragePool", kernel_shape=[0, 2] if bad
                                                         else [2, 2])]),
                                 lambda x: F.avg_pool2d(tx(x), 2, 1).numpy(), "kernel_shape"),
    "MaxPool_kernel_larger_than_input": (
        lambda bad: graph([node("MaxPool", kernel_shape=[7, 7] if bad else [6, 6])]),
        lambda x: F.max_pool2d(tx(x), 6).numpy(), "window"),
    "BatchNormalization_param_shape": (
        lambda bad: graph([node("BatchNormalization", ("x", "g", "b", "m", "v"))],
                          {"g": f32([1, 2, 3] if bad else [1, 2]), "b": f32([0, 1]),
                           "m": f32([0.5, -0.5]), "v": f32([2, 0.5])}),
        lambda x: F.batch_norm(tx(x), tx(f32([0.5, -0.5])), tx(f32([2, 0.5])),
                               tx(f32([1, 2])), tx(f32([0, 1]))).numpy(), "input 1 of shape"),
    "Softmax_axis": (lambda bad: graph([node("Softmax", axis=1 if bad else 2)], x=(2, 3, 4)),
                     lambda x: torch.softmax(tx(x), -1).numpy(), "axis 1"),
    "Softmax_opset11_default_axis": (
        lambda bad: graph([node("Softmax")], opset=11, x=(2, 3, 4) if bad else (3, 4)),
        lambda x: torch.softmax(tx(x), -1).numpy(), "axis 1 of a rank-3"),
    "ReduceMean_noop_with_empty_axes": (
        lambda bad: graph([node("ReduceMean", keepdims=0, noop_with_empty_axes=int(bad))],
                          x=(2, 3)),
        lambda x: x.mean(keepdims=False), "noop_with_empty_axes=1"),
    "BatchNormalization_training_mode": (
        lambda bad: graph([node("BatchNormalization", ("x", "g", "b", "m", "v"),
                                training_mode=int(bad))],
                          {"g": f32([1, 2]), "b": f32([0, 1]), "m": f32([0.5, -0.5]),
                           "v": f32([2, 0.5])}, opset=15),
        lambda x: F.batch_norm(tx(x), tx(f32([0.5, -0.5])), tx(f32([2, 0.5])),
                               tx(f32([1, 2])), tx(f32([0, 1]))).numpy(), "training_mode=1"),
    "BatchNormalization_spatial": (
        lambda bad: graph([node("BatchNormalization", ("x", "g", "b", "m", "v"),
                                spatial=int(not bad))],
                          {"g": f32([1, 2]), "b": f32([0, 1]), "m": f32([0.5, -0.5]),
                           "v": f32([2, 0.5])}, opset=7),
        lambda x: F.batch_norm(tx(x), tx(f32([0.5, -0.5])), tx(f32([2, 0.5])),
                               tx(f32([1, 2])), tx(f32([0, 1]))).numpy(), "spatial=0"),
    "Dropout_mask": (lambda bad: used_second_output("Dropout") if bad else
                     graph([node("Dropout", outs=("y", "unused"))]),
                     lambda x: x, "output 1 'o1'"),
    "Dropout_training_mode": (lambda bad: graph([node("Dropout", ("x", "r", "t"))],
                                                {"r": f32(0.5), "t": np.array(bad)}),
                              lambda x: x, "training_mode"),
    "Clip_max": (lambda bad: graph([node("Clip", ("x", "lo", "hi"))],
                                   {"lo": f32(0), "hi": f32(1 if bad else 6)}),
                 lambda x: np.clip(x, 0, 6), r"Clip to \[0.0, 1.0\]"),
    "Pow_exponent": (lambda bad: graph([node("Pow", ("x", "e"))], {"e": f32(3 if bad else 2)}),
                     lambda x: x * x, r"x \*\* 2"),
    "HardSigmoid_alpha": (lambda bad: graph([node("HardSigmoid", alpha=0.2 if bad else 1 / 6)]),
                          lambda x: F.hardsigmoid(tx(x)).numpy(), "alpha"),
    "Pad_mode": (lambda bad: graph([node("Pad", ("x", "p"), ("t",), mode="reflect" if bad
                                         else "constant"),
                                    node("AveragePool", ("t",), kernel_shape=[3, 3])],
                                   {"p": np.array([0, 0, 1, 1, 0, 0, 1, 1])}),
                 lambda x: F.avg_pool2d(tx(x), 3, 1, 1).numpy(), "mode=reflect"),
    "Pad_constant_value": (lambda bad: graph([node("Pad", ("x", "p", "c"), ("t",)),
                                              node("AveragePool", ("t",), kernel_shape=[3, 3])],
                                             {"p": np.array([0, 0, 1, 1, 0, 0, 1, 1]),
                                              "c": f32(1 if bad else 0)}),
                           lambda x: F.avg_pool2d(tx(x), 3, 1, 1).numpy(), "constant_value"),
    "Transpose_perm": (lambda bad: graph([node("Transpose", perm=[0, 0, 1] if bad else [0, 2, 1])],
                                         x=(2, 3, 4)),
                       lambda x: x.transpose(0, 2, 1), "perm"),
    "unknown_attribute": (lambda bad: graph([node("Relu", **({"foo": 1} if bad else {}))]),
                          lambda x: np.maximum(x, 0), "attribute foo"),
    "legacy_broadcast": (lambda bad: graph([node("Add", ("x", "c"), **(
        {"broadcast": 1, "axis": 1} if bad else {}))], {"c": f32(2)}, opset=13),
        lambda x: x + 2, "attribute"),
    "domain": (lambda bad: graph([helper.make_node("Relu", ["x"], ["y"], name="n",
                                                   domain="com.example" if bad else "")]),
               lambda x: np.maximum(x, 0), "domain 'com.example'"),
    "extra_input": (lambda bad: graph([node("Relu", ("x", "x") if bad else ("x",))]),
                    lambda x: np.maximum(x, 0), "input 1"),
    # Ops added for real models (issue 12): each implemented form against
    # numpy, and what is not implemented an error.
    "Gather_computed_indices": (
        lambda bad: graph([node("Gather", ("x", "x") if bad else ("x", "i"), axis=3)],
                          {"i": np.array([[5, 0], [5, 2]])}),
        lambda x: np.take(x, [[5, 0], [5, 2]], axis=3), "indices computed"),
    "Slice_computed_starts": (
        lambda bad: graph([node("Cast", ("x",), ("xc",), to=7)] * bad +
                          [node("Slice", ("x", "xc" if bad else "b", "e", "a", "t"))],
                          {"b": np.array([1]), "e": np.array([6]), "a": np.array([3]),
                           "t": np.array([2])}),
        lambda x: x[..., 1:6:2], "cast of float values|starts and ends"),
    "Where_compare": (
        lambda bad: graph([node("Greater", ("x", "z"), ("g",)),
                           node("Where", ("g", "x", "c"))], {"z": f32(0), "c": f32(0.5)}),
        lambda x: np.where(x > 0, x, 0.5).astype(np.float32), None),
    "Resize_mode": (
        lambda bad: graph([node("Resize", ("x", "", "s"), mode="cubic" if bad else "nearest",
                                coordinate_transformation_mode="asymmetric",
                                nearest_mode="floor")], {"s": f32([1, 1, 2, 2])}, opset=13),
        lambda x: x.repeat(2, axis=2).repeat(2, axis=3), "mode=cubic"),
    "Cast_float_to_int": (
        lambda bad: graph([node("Cast", outs=("c",), to=7 if bad else 1),
                           node("Cast", ("c",), to=1)]), lambda x: x,
        "cast of float values to INT64"),
    "Shape_arithmetic_folded": (
        lambda bad: graph([node("Shape", ("x",), ("s",)),
                           node("Gather", ("s", "zero"), ("n",), axis=0),
                           node("Unsqueeze", ("n", "ax"), ("n1",)),
                           node("Concat", ("n1", "m1"), ("shp",), axis=0),
                           node("Mod", ("x", "x") if bad else ("shp", "two"), ("shp2",)),
                           node("Reshape", ("x", "shp"))],
                          {"zero": np.array(0), "ax": np.array([0]), "m1": np.array([-1]),
                           "two": np.array([7, 7])}),
        lambda x: x.reshape(1, -1), "'Mod' at node 'n': only on constants"),
    "ScatterND_on_an_input": (
        lambda bad: graph([node("ScatterND", ("x" if bad else "c", "i", "u"), ("t",)),
                           node("Add", ("x", "t"))],
                          {"c": f32(np.zeros((1, 2, 6, 6))), "i": np.array([[0, 1, 2, 3]]),
                           "u": f32([4.0])}),
        lambda x: x + np.pad(f32([[[[0]]]]), 0) + _scatter_ref(), "'ScatterND'"),
}


def _scatter_ref():
    t = np.zeros((1, 2, 6, 6), np.float32)
    t[0, 1, 2, 3] = 4.0
    return t


# Cases whose attribute the importer now implements: with it, these numbers.
ONNX_IMPLEMENTED = {
    "AveragePool_count_include_pad": lambda x: F.avg_pool2d(
        tx(x), 3, 1, 1, count_include_pad=False).numpy(),
    "Clip_max": lambda x: np.clip(x, 0, 1),
    "MaxPool_ceil_mode": lambda x: F.max_pool2d(tx(x), 4, 3, ceil_mode=True).numpy(),
    "Pad_constant_value": lambda x: F.avg_pool2d(F.pad(tx(x), (1, 1, 1, 1), value=1.0),
                                                 3, 1).numpy(),
    "Pow_exponent": lambda x: x ** 3,
    "Softmax_axis": lambda x: torch.softmax(tx(x), 1).numpy(),
}


@needs_onnx
@pytest.mark.parametrize("case", sorted(ONNX_IMPLEMENTED))
def test_onnx_attribute_implemented(case):
    model = ONNX[case][0](True)
    x = np.random.RandomState(1).randn(
        *[d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    ).astype(np.float32)
    res = imc.simulate(imc.compile(imc.import_onnx(model)), [x], mode="ideal")
    ref = ONNX_IMPLEMENTED[case](x)
    assert res.outputs[0].shape == ref.shape
    np.testing.assert_allclose(res.outputs[0], ref, rtol=1e-4, atol=1e-5)


@needs_onnx
@pytest.mark.parametrize("case", sorted(c for c in ONNX if ONNX[c][2] and
                                        c not in ONNX_IMPLEMENTED))
def test_onnx_attribute_rejected(case):
    with pytest.raises(imc.ImcError, match=ONNX[case][2]):
        imc.import_onnx(ONNX[case][0](True))


@needs_onnx
@pytest.mark.parametrize("case", sorted(ONNX))
def test_onnx_default_matches(case):
    model = ONNX[case][0](False)
    x = np.random.RandomState(1).randn(
        *[d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    ).astype(np.float32)
    res = imc.simulate(imc.compile(imc.import_onnx(model)), [x], mode="ideal")
    ref = ONNX[case][1](x)
    assert res.outputs[0].shape == ref.shape
    np.testing.assert_allclose(res.outputs[0], ref, rtol=1e-4, atol=1e-5)


@needs_onnx
def test_onnx_zero_stride_is_an_error_not_a_crash():
    """onnx's C++ shape inference dies of SIGFPE on a stride of 0: imc checks
    the attributes first. Run apart, so that a crash fails the test."""
    code = """if 1:
        import numpy as np, imc
        from onnx import helper, numpy_helper, TensorProto as T
        w = numpy_helper.from_array(np.ones((2, 2, 3, 3), np.float32), "w")
        for op, ins, kw in (("Conv", ["x", "w"], {}),
                            ("MaxPool", ["x"], {"kernel_shape": [2, 2]}),
                            ("AveragePool", ["x"], {"kernel_shape": [2, 2]})):
            n = helper.make_node(op, ins, ["y"], name=op, strides=[0, 1], **kw)
            g = helper.make_graph([n], "g", [helper.make_tensor_value_info(
                "x", T.FLOAT, [1, 2, 6, 6])], [helper.make_tensor_value_info(
                "y", T.FLOAT, None)], [w])
            try:
                imc.import_onnx(helper.make_model(g))
            except imc.ImcError as e:
                print(e)
    """
    path = os.pathsep.join(p for p in sys.path if p)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=path), timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    for op in ("Conv", "MaxPool", "AveragePool"):
        assert ("op '%s' at node '%s': attribute strides=[0, 1] (must be positive)"
                % (op, op)) in run.stdout, run.stdout


@needs_onnx
@pytest.mark.parametrize("extra,match", [
    (dict(attrs={"clip": 1.0}), "attribute clip"),
    (dict(attrs={"activations": ["Relu", "Tanh", "Tanh"]}), "activations"),
    (dict(attrs={"input_forget": 1}), "input_forget=1"),
    (dict(seq_lens=True), "sequence_lens"),
])
def test_onnx_lstm_options_rejected(extra, match):
    """What imc's unrolled LSTM does not implement is an error, not ignored
    (the default form is checked against PyTorch in test_models.py)."""
    h, i = 3, 5
    rng = np.random.RandomState(0)
    inits = {"w": f32(rng.randn(1, 4 * h, i)), "r": f32(rng.randn(1, 4 * h, h)),
             "b": f32(rng.randn(1, 8 * h))}
    ins = ["x", "w", "r", "b"]
    if extra.get("seq_lens"):
        inits["sl"] = np.array([4, 4], np.int32)
        ins.append("sl")
    model = graph([node("LSTM", ins, ("y",), hidden_size=h, **extra.get("attrs", {}))],
                  inits, x=(4, 2, i))
    with pytest.raises(imc.ImcError, match=match):
        imc.import_onnx(model)
