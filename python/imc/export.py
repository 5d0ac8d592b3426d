"""PyTorch -> linalg-on-tensors through torch.fx (torch 1.13 has no
torch.export). The graph is traced symbolically, shapes are propagated with
the example inputs, and each node is built by imc's C++ importer (the same
importer the ONNX front end will use), so the IR is what torch-mlir would
write and every layer keeps its module path as its name.
"""
import operator

from . import _imc
from ._imc import ImcError

_UNARY_MODULES = {"ReLU": "relu", "ReLU6": "relu6", "Sigmoid": "sigmoid",
                  "Tanh": "tanh", "SiLU": "silu", "Hardswish": "hardswish",
                  "Hardsigmoid": "hardsigmoid"}


class _Leaves:
    """Tracer that keeps attention and encoder layers whole (their forward
    branches on runtime checks torch.fx cannot trace); export decomposes
    them itself."""

    LEAVES = ("MultiheadAttention", "TransformerEncoderLayer")

    @staticmethod
    def tracer():
        import torch.fx

        class Tracer(torch.fx.Tracer):
            def is_leaf_module(self, m, qualname):
                return (type(m).__name__ in _Leaves.LEAVES or
                        super().is_leaf_module(m, qualname))
        return Tracer()
_IDENTITY_MODULES = {"Dropout", "Dropout2d", "Identity"}


def _pair(v):
    return [v, v] if isinstance(v, int) else list(v)


def _perm(node, rank):
    """The permutation of a permute/transpose node (result dim d = input dim
    perm[d])."""
    target = getattr(node.target, "__name__", node.target)
    args = list(node.args[1:])
    if target == "transpose":
        a, b = (d % rank for d in args[:2])
        perm = list(range(rank))
        perm[a], perm[b] = perm[b], perm[a]
        return perm
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = list(args[0])
    return [d % rank for d in args]


def _mean(imp, node, x, name, shape):
    dims = node.args[1] if len(node.args) > 1 else node.kwargs.get("dim")
    keep = node.args[2] if len(node.args) > 2 else node.kwargs.get("keepdim", False)
    rank = len(shape(node.args[0]))
    if dims is None:
        dims = list(range(rank))
    dims = [dims] if isinstance(dims, int) else list(dims)
    return imp.mean(x, [d % rank for d in dims], bool(keep), name)


def export(model, *example_inputs):
    """Exports an ``nn.Module`` (in eval mode) called on ``example_inputs``
    to an :class:`imc.Module` of linalg-on-tensors.

    Raises ImcError naming the module or function and the graph node for
    anything unsupported, before any output is produced.
    """
    import torch
    import torch.fx
    from torch.fx.passes.shape_prop import ShapeProp

    from . import Module

    for i, x in enumerate(example_inputs):
        if not isinstance(x, torch.Tensor) or x.dtype != torch.float32:
            raise ImcError("imc.export: example input %d must be a float32 "
                           "torch.Tensor, got %s" % (i, type(x).__name__))
    model = model.eval()
    if type(model).__name__ == "TransformerEncoderLayer":
        # A leaf at the root: trace a wrapper whose one child is the model
        # (its layers are then named "model.*").
        class _Root(torch.nn.Module):
            def __init__(self, inner):
                super().__init__()
                self.model = inner

            def forward(self, x):
                return self.model(x)

        model = _Root(model)
    try:
        graph = _Leaves.tracer().trace(model)
        gm = torch.fx.GraphModule(model, graph)
    except Exception as e:  # control flow on values, etc.
        raise ImcError("imc.export: torch.fx cannot trace %s: %s"
                       % (type(model).__name__, e)) from e
    with torch.no_grad():
        ShapeProp(gm).propagate(*example_inputs)

    imp = _imc.Importer(_imc.Context())
    env = {}
    consts = {}

    def const(t):
        # Keyed by identity; the tensor is kept alive in the cache so that a
        # temporary (a weight slice) cannot hand its id to another one.
        hit = consts.get(id(t))
        if hit is not None and hit[0] is t:
            return hit[1]
        h = imp.constant(t.detach().float().contiguous().numpy())
        consts[id(t)] = (t, h)
        return h

    def shape(node):
        meta = node.meta.get("tensor_meta")
        if meta is None or not hasattr(meta, "shape"):
            raise ImcError("imc.export: node '%s' does not produce one tensor"
                           % node.name)
        return list(meta.shape)

    def arg(a):
        if isinstance(a, torch.fx.Node):
            if env.get(a) is None:
                raise ImcError("imc.export: node '%s' is not a tensor" % a.name)
            return env[a]
        raise ImcError("imc.export: expected a tensor argument, got %r" % (a,))

    def unsupported(node, what):
        raise ImcError("imc.export: unsupported %s at graph node '%s' "
                       "(target '%s')" % (what, node.name, node.target))

    def attention(mod, x, shp, name):
        """nn.MultiheadAttention (batch_first, self-attention, no masks) on
        x of shape [B, S, D]: projections on crossbars, the rest on the DPU."""
        if not mod.batch_first or not mod._qkv_same_embed_dim or mod.bias_k is not None:
            raise ImcError("imc.export: '%s': only batch_first self-attention with "
                           "packed in_proj and no bias_k/bias_v is supported" % name)
        bsz, s, d = shp
        h = mod.num_heads
        dh = d // h
        x2 = imp.reshape(x, [bsz * s, d], name + ".flatten")
        w, b = mod.in_proj_weight, mod.in_proj_bias
        heads = []
        for i, (part, perm) in enumerate((("q", [0, 2, 1, 3]), ("k", [0, 2, 3, 1]),
                                          ("v", [0, 2, 1, 3]))):
            p = imp.linear(x2, const(w[i * d:(i + 1) * d]),
                           const(b[i * d:(i + 1) * d]) if b is not None else None,
                           "%s.%s_proj" % (name, part))
            p = imp.reshape(p, [bsz, s, h, dh], name + ".heads")
            p = imp.permute(p, perm, name + ".heads")
            p = imp.reshape(p, [bsz * h] + ([dh, s] if part == "k" else [s, dh]),
                            name + ".heads")
            heads.append(p)
        q, kt, v = heads
        scores = imp.scalar("mul", imp.matmul(q, kt, name + ".scores"),
                            1.0 / dh ** 0.5, False, name + ".scale")
        probs = imp.softmax(scores, name + ".softmax")
        o = imp.matmul(probs, v, name + ".attn_v")
        o = imp.permute(imp.reshape(o, [bsz, h, s, dh], name + ".merge"),
                        [0, 2, 1, 3], name + ".merge")
        o = imp.reshape(o, [bsz * s, d], name + ".merge")
        ob = mod.out_proj.bias
        o = imp.linear(o, const(mod.out_proj.weight),
                       const(ob) if ob is not None else None, name + ".out_proj")
        return imp.reshape(o, [bsz, s, d], name + ".out")

    def encoder_layer(mod, x, shp, name):
        """nn.TransformerEncoderLayer (post- or pre-norm, relu or gelu)."""
        act = mod.activation
        act = getattr(act, "__name__", act)
        if act not in ("relu", "gelu"):
            raise ImcError("imc.export: '%s': activation %r is not supported"
                           % (name, act))
        bsz, s, d = shp

        def ln(t, m, n):
            return imp.layer_norm(t, const(m.weight), const(m.bias),
                                  float(m.eps), "%s.%s" % (name, n))

        def ff(t):
            t2 = imp.reshape(t, [bsz * s, d], name + ".ff")
            l1, l2 = mod.linear1, mod.linear2
            y = imp.linear(t2, const(l1.weight), const(l1.bias), name + ".linear1")
            y = imp.unary(act, y, name + "." + act)
            y = imp.linear(y, const(l2.weight), const(l2.bias), name + ".linear2")
            return imp.reshape(y, [bsz, s, d], name + ".ff")

        sa = lambda t: attention(mod.self_attn, t, shp, name + ".self_attn")
        if mod.norm_first:
            x = imp.binary("add", x, sa(ln(x, mod.norm1, "norm1")), name + ".residual1")
            return imp.binary("add", x, ff(ln(x, mod.norm2, "norm2")), name + ".residual2")
        x = ln(imp.binary("add", x, sa(x), name + ".residual1"), mod.norm1, "norm1")
        return ln(imp.binary("add", x, ff(x), name + ".residual2"), mod.norm2, "norm2")

    def adaptive_avg(node, x, out_size, name):
        """Adaptive average pooling: global (1x1), or an ordinary average
        pool when the input divides evenly into the output (VGG's and
        AlexNet's 7x7 / 6x6 at 224x224 inputs)."""
        oh, ow = _pair(out_size)
        _, _, h, w = shape(node.args[0])
        if (oh, ow) == (1, 1):
            return imp.global_avg_pool(x, name)
        if h % oh or w % ow:
            unsupported(node, "adaptive average pooling from %dx%d to %dx%d"
                        % (h, w, oh, ow))
        if (h, w) == (oh, ow):
            return x
        k = [h // oh, w // ow]
        return imp.pool2d(False, x, k, k, [0, 0], name)

    def call_module(node, mod, x, name):
        kind = type(mod).__name__
        if kind == "MultiheadAttention":
            return attention(mod, x, shape(node.args[0]), name)
        if kind == "TransformerEncoderLayer":
            return encoder_layer(mod, x, shape(node.args[0]), name)
        if kind == "LayerNorm":
            if len(mod.normalized_shape) != 1:
                unsupported(node, "LayerNorm over more than the last dimension")
            g = const(mod.weight) if mod.elementwise_affine else None
            b = const(mod.bias) if mod.elementwise_affine else None
            return imp.layer_norm(x, g, b, float(mod.eps), name)
        if kind == "Softmax":
            if mod.dim not in (-1, len(shape(node)) - 1):
                unsupported(node, "Softmax over dim %s (only the last)" % mod.dim)
            return imp.softmax(x, name)
        if kind == "Conv1d":
            n, c, length = shape(node.args[0])
            if isinstance(mod.padding, str) or mod.padding_mode != "zeros":
                unsupported(node, "Conv1d padding '%s'" % (mod.padding,))
            x4 = imp.reshape(x, [n, c, 1, length], name)
            w = mod.weight
            w4 = imp.constant(w.detach().float().reshape(w.shape[0], w.shape[1], 1,
                                                         w.shape[2]).contiguous().numpy())
            b = const(mod.bias) if mod.bias is not None else None
            y = imp.conv2d(x4, w4, b, [1, mod.stride[0]], [0, mod.padding[0]],
                           [1, mod.dilation[0]], mod.groups, name)
            return imp.reshape(y, shape(node), name)
        if kind == "Linear":
            b = const(mod.bias) if mod.bias is not None else None
            return imp.linear(x, const(mod.weight), b, name)
        if kind == "Conv2d":
            if isinstance(mod.padding, str) or mod.padding_mode != "zeros":
                unsupported(node, "Conv2d padding '%s'/%s" % (mod.padding, mod.padding_mode))
            b = const(mod.bias) if mod.bias is not None else None
            return imp.conv2d(x, const(mod.weight), b, _pair(mod.stride),
                              _pair(mod.padding), _pair(mod.dilation),
                              mod.groups, name)
        if kind in ("BatchNorm1d", "BatchNorm2d"):
            c = mod.num_features
            w = mod.weight if mod.affine else torch.ones(c)
            b = mod.bias if mod.affine else torch.zeros(c)
            return imp.batch_norm(x, const(mod.running_mean), const(mod.running_var),
                                  const(w), const(b), float(mod.eps), name)
        if kind in _UNARY_MODULES:
            return imp.unary(_UNARY_MODULES[kind], x, name)
        if kind == "GELU":
            if getattr(mod, "approximate", "none") != "none":
                unsupported(node, "GELU(approximate='%s')" % mod.approximate)
            return imp.unary("gelu", x, name)
        if kind in _IDENTITY_MODULES:
            return x
        if kind in ("MaxPool2d", "AvgPool2d"):
            if getattr(mod, "ceil_mode", False) or _pair(getattr(mod, "dilation", 1)) != [1, 1]:
                unsupported(node, "%s with ceil_mode or dilation" % kind)
            if kind == "AvgPool2d" and (not mod.count_include_pad or mod.divisor_override):
                unsupported(node, "AvgPool2d without count_include_pad")
            stride = mod.stride if mod.stride is not None else mod.kernel_size
            return imp.pool2d(kind == "MaxPool2d", x, _pair(mod.kernel_size),
                              _pair(stride), _pair(mod.padding), name)
        if kind == "AdaptiveAvgPool2d":
            return adaptive_avg(node, x, mod.output_size, name)
        if kind == "Flatten":
            return imp.reshape(x, shape(node), name)
        unsupported(node, "module nn.%s" % kind)

    F = torch.nn.functional
    functions = {torch.relu: "relu", F.relu: "relu", F.relu6: "relu6",
                 torch.sigmoid: "sigmoid", torch.tanh: "tanh", F.silu: "silu",
                 F.hardswish: "hardswish", F.gelu: "gelu"}
    binaries = {operator.add: "add", torch.add: "add", operator.sub: "sub",
                torch.sub: "sub", operator.mul: "mul", torch.mul: "mul",
                operator.truediv: "div", torch.div: "div"}
    functions[F.hardsigmoid] = "hardsigmoid"
    matmuls = {torch.matmul, torch.bmm, operator.matmul}
    methods = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh"}
    reshapes = {torch.flatten, torch.reshape}
    reshape_methods = {"flatten", "view", "reshape", "contiguous"}

    outputs = None
    for node in gm.graph.nodes:
        name = node.target if node.op == "call_module" else node.name
        if node.op == "placeholder":
            env[node] = imp.input(shape(node))
        elif node.op == "get_attr":
            t = gm
            for part in node.target.split("."):
                t = getattr(t, part)
            env[node] = const(t)
        elif node.op == "call_module":
            mod = gm.get_submodule(node.target)
            env[node] = call_module(node, mod, arg(node.args[0]), name)
        elif node.op == "call_function":
            fn = node.target
            if fn in functions:
                env[node] = imp.unary(functions[fn], arg(node.args[0]), name)
            elif fn in binaries:
                a, b = node.args[0], node.args[1]
                an, bn = isinstance(a, torch.fx.Node), isinstance(b, torch.fx.Node)
                if an and bn:  # NumPy broadcasting, done by the importer
                    env[node] = imp.binary(binaries[fn], arg(a), arg(b), name)
                elif (an or bn) and isinstance(b if an else a, (int, float)):
                    env[node] = imp.scalar(binaries[fn], arg(a if an else b),
                                           float(b if an else a), not an, name)
                else:
                    unsupported(node, "%s of %r and %r" % (binaries[fn], a, b))
            elif fn in matmuls:
                env[node] = imp.matmul(arg(node.args[0]), arg(node.args[1]), name)
            elif fn is torch.cat:
                dim = node.args[1] if len(node.args) > 1 else node.kwargs.get("dim", 0)
                xs = node.args[0]
                dim = dim % len(shape(xs[0]))
                env[node] = imp.concat([arg(t) for t in xs], dim, name)
            elif fn in (torch.softmax, F.softmax):
                dim = node.args[1] if len(node.args) > 1 else node.kwargs.get("dim")
                if dim not in (-1, len(shape(node)) - 1):
                    unsupported(node, "softmax over dim %s (only the last)" % dim)
                env[node] = imp.softmax(arg(node.args[0]), name)
            elif fn in (torch.transpose, torch.permute):
                env[node] = imp.permute(arg(node.args[0]),
                                        _perm(node, len(shape(node))), name)
            elif fn is torch.mean:
                env[node] = _mean(imp, node, arg(node.args[0]), name, shape)
            elif fn in reshapes:
                env[node] = imp.reshape(arg(node.args[0]), shape(node), name)
            elif fn is F.adaptive_avg_pool2d:
                env[node] = adaptive_avg(node, arg(node.args[0]), node.args[1], name)
            elif fn is getattr:  # x.shape and the like: not a tensor
                env[node] = None
            elif (fn is operator.getitem and node.args[1] == 0 and
                  node.args[0].op == "call_module" and
                  type(gm.get_submodule(node.args[0].target)).__name__ ==
                  "MultiheadAttention"):
                env[node] = arg(node.args[0])  # the attention output
            else:
                unsupported(node, "function %s" % getattr(fn, "__name__", fn))
        elif node.op == "call_method":
            if node.target in methods:
                env[node] = imp.unary(methods[node.target], arg(node.args[0]), name)
            elif node.target in reshape_methods:
                env[node] = imp.reshape(arg(node.args[0]), shape(node), name)
            elif node.target == "size":
                env[node] = None
            elif node.target in ("permute", "transpose"):
                env[node] = imp.permute(arg(node.args[0]),
                                        _perm(node, len(shape(node))), name)
            elif node.target == "mean":
                env[node] = _mean(imp, node, arg(node.args[0]), name, shape)
            elif node.target == "softmax":
                dim = node.args[1] if len(node.args) > 1 else node.kwargs.get("dim")
                if dim not in (-1, len(shape(node)) - 1):
                    unsupported(node, "softmax over dim %s (only the last)" % dim)
                env[node] = imp.softmax(arg(node.args[0]), name)
            else:
                unsupported(node, "method .%s()" % node.target)
        elif node.op == "output":
            res = node.args[0]
            res = list(res) if isinstance(res, (tuple, list)) else [res]
            for r in res:
                if not isinstance(r, torch.fx.Node) or env.get(r) is None:
                    raise ImcError("imc.export: the model returns a non-tensor "
                                   "output (%r); only tensors are supported" % (r,))
            outputs = [env[r] for r in res]
    return Module(imp.finish(outputs))
