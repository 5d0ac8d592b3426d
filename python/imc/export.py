"""PyTorch -> linalg-on-tensors through torch.fx (torch 1.13 has no
torch.export). The graph is traced symbolically, shapes are propagated with
the example inputs, and each node is built by imc's C++ importer (the same
importer the ONNX front end will use), so the IR is what torch-mlir would
write and every layer keeps its module path as its name.

No argument is dropped silently: every argument of a call and every module
attribute that changes the result is either implemented or an ImcError
naming it and the graph node.
"""
import inspect
import operator

from . import _imc
from ._imc import ImcError

_UNARY_MODULES = {"ReLU": "relu", "ReLU6": "relu6", "Sigmoid": "sigmoid",
                  "Tanh": "tanh", "SiLU": "silu", "Hardswish": "hardswish",
                  "Hardsigmoid": "hardsigmoid"}

_ANY = "<any>"         # any value: read by the importer, or without effect
_INPLACE = "<inplace>"  # in place: fine unless the input is read afterwards
_SAME = "<query>"      # must be the very node passed as the first argument

# Module attributes and the values the importer implements.
_MODULE_ATTRS = {
    "Conv1d": {"padding_mode": ("zeros",)},
    "Conv2d": {"padding_mode": ("zeros",)},
    "BatchNorm1d": {"track_running_stats": (True,)},
    "BatchNorm2d": {"track_running_stats": (True,)},
    "MaxPool2d": {"return_indices": (False,), "ceil_mode": (False,)},
    "AvgPool2d": {"ceil_mode": (False,), "divisor_override": (None,)},
    "GELU": {"approximate": ("none",)},
    "MultiheadAttention": {"batch_first": (True,), "add_zero_attn": (False,),
                           "bias_k": (None,), "bias_v": (None,)},
}
# Arguments of module calls other than the input, where the default (None,
# False) is not the only value implemented.
_MODULE_ARGS = {
    "MultiheadAttention": {"key": _SAME, "value": _SAME, "need_weights": _ANY,
                           "average_attn_weights": _ANY},
}


def _call_args(torch):
    """Per call_function target and call_method name: its parameters in
    positional order. A name is read by the importer (any value); (name,
    values) takes only the values the importer implements; '*name' takes the
    remaining positional arguments. Anything else is an error."""
    F = torch.nn.functional
    no_out = ("out", (None,))
    f32 = ("dtype", (None, torch.float32))
    unary = ("input", ("inplace", _INPLACE))
    functions = {
        torch.relu: ("input",), torch.sigmoid: ("input", no_out),
        torch.tanh: ("input", no_out), F.relu: unary, F.relu6: unary,
        F.silu: unary, F.hardswish: unary, F.hardsigmoid: unary,
        F.gelu: ("input", ("approximate", ("none",))),
        torch.add: ("input", "other", ("alpha", (1,)), no_out),
        torch.sub: ("input", "other", ("alpha", (1,)), no_out),
        torch.mul: ("input", "other", no_out),
        torch.div: ("input", "other", ("rounding_mode", (None,)), no_out),
        torch.matmul: ("input", "other", no_out),
        torch.bmm: ("input", "mat2", no_out),
        torch.cat: ("tensors", "dim", no_out),
        torch.softmax: ("input", "dim", f32),
        F.softmax: ("input", "dim", ("_stacklevel", _ANY), f32),
        torch.transpose: ("input", "dim0", "dim1"),
        torch.permute: ("input", "dims"),
        torch.mean: ("input", "dim", "keepdim", f32, no_out),
        torch.flatten: ("input", "start_dim", "end_dim"),  # shape: ShapeProp's
        torch.reshape: ("input", "shape"),
        F.adaptive_avg_pool2d: ("input", "output_size"),
        getattr: ("obj", "name", "default"),
    }
    for op in (operator.add, operator.sub, operator.mul, operator.truediv,
               operator.matmul, operator.getitem):
        functions[op] = ("a", "b")
    methods = {
        "relu": ("self",), "sigmoid": ("self",), "tanh": ("self",),
        "flatten": ("self", "start_dim", "end_dim"), "view": ("self", "*shape"),
        "reshape": ("self", "*shape"),
        "contiguous": ("self", ("memory_format", _ANY)),
        "size": ("self", "dim"), "permute": ("self", "*dims"),
        "transpose": ("self", "dim0", "dim1"),
        "mean": ("self", "dim", "keepdim", f32), "softmax": ("self", "dim", f32),
    }
    return functions, methods


def _leaf_tracer():
    """A tracer that keeps attention and encoder layers whole (their forward
    branches on runtime checks torch.fx cannot trace); export decomposes
    them itself."""
    import torch.fx

    class Tracer(torch.fx.Tracer):
        def is_leaf_module(self, m, qualname):
            return (type(m).__name__ in ("MultiheadAttention",
                                         "TransformerEncoderLayer") or
                    super().is_leaf_module(m, qualname))
    return Tracer()


_IDENTITY_MODULES = {"Dropout", "Dropout2d", "Identity"}


def _pair(v):
    return [v, v] if isinstance(v, int) else list(v)


def _perm(b, rank):
    """The permutation of a permute/transpose call with arguments b (result
    dim d = input dim perm[d])."""
    if "dim0" in b:
        perm = list(range(rank))
        i, j = b["dim0"] % rank, b["dim1"] % rank
        perm[i], perm[j] = perm[j], perm[i]
        return perm
    dims = b["dims"]
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    return [d % rank for d in dims]


def _softmax_dim(dim, rank):
    """Whether softmax over dim is over the last dimension (dim=None is
    torch's legacy implicit dimension)."""
    if dim is None:
        dim = 0 if rank in (0, 1, 3) else 1
    return dim % max(rank, 1) == rank - 1


def export(model, *example_inputs):
    """Exports an ``nn.Module`` (in eval mode) called on ``example_inputs``
    to an :class:`imc.Module` of linalg-on-tensors.

    Raises ImcError naming the module or function, the argument and the graph
    node for anything unsupported, before any output is produced.
    """
    import torch
    import torch.fx
    from torch.fx.passes.shape_prop import ShapeProp

    from . import Module

    Node = torch.fx.Node
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
        graph = _leaf_tracer().trace(model)
        gm = torch.fx.GraphModule(model, graph)
    except Exception as e:  # control flow on values, etc.
        raise ImcError("imc.export: torch.fx cannot trace %s: %s"
                       % (type(model).__name__, e)) from e
    inputs = [n.name for n in gm.graph.nodes if n.op == "placeholder"]
    if len(inputs) != len(example_inputs):
        raise ImcError("imc.export: %s takes %d inputs (%s), got %d example "
                       "inputs; every input must be a tensor"
                       % (type(model).__name__, len(inputs), ", ".join(inputs),
                          len(example_inputs)))
    try:
        with torch.no_grad():
            ShapeProp(gm).propagate(*example_inputs)
    except Exception as e:
        raise ImcError("imc.export: running the traced %s on the example "
                       "inputs failed: %s" % (type(model).__name__, e)) from e

    imp = _imc.Importer(_imc.Context())
    env = {}
    consts = {}
    fn_args, method_args = _call_args(torch)
    order = {n: i for i, n in enumerate(gm.graph.nodes)}
    inplace_nodes = set()

    def const(t):
        # Keyed by identity; the tensor is kept alive in the cache so that a
        # temporary (a weight slice) cannot hand its id to another one.
        if t is None:
            return None
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
        if isinstance(a, Node):
            if env.get(a) is None:
                raise ImcError("imc.export: node '%s' is not a tensor" % a.name)
            return env[a]
        raise ImcError("imc.export: expected a tensor argument, got %r" % (a,))

    def target_name(node):
        if node.op != "call_function":
            return node.target
        try:
            return torch.fx.node._get_qualified_name(node.target)
        except Exception:
            return getattr(node.target, "__name__", node.target)

    def unsupported(node, what):
        raise ImcError("imc.export: unsupported %s at graph node '%s' "
                       "(target '%s')" % (what, node.name, target_name(node)))

    def show(v):
        if isinstance(v, torch.Tensor):
            return "a tensor of shape %s" % list(v.shape)
        return "%" + v.name if isinstance(v, Node) else repr(v)

    def allowed(v, values):
        return any(v is w or (not isinstance(v, (Node, torch.Tensor)) and v == w)
                   for w in values)

    def aliases_arg(n):
        """Whether n returns its first argument or a view of it."""
        if n.op == "call_module":
            kind = type(gm.get_submodule(n.target)).__name__
            return kind in _IDENTITY_MODULES or kind == "Flatten" or n in inplace_nodes
        return n in inplace_nodes or (
            n.op == "call_method" and n.target in (
                "view", "reshape", "flatten", "permute", "transpose", "contiguous")
        ) or (n.op == "call_function" and n.target in (
            torch.flatten, torch.reshape, torch.permute, torch.transpose))

    def check_inplace(node, x):
        """An in-place op changes what later readers of x, or of a tensor
        sharing its memory, see (the importer does not): an error then."""
        while isinstance(x, Node) and aliases_arg(x):
            x = x.args[0]
        todo, seen = [x] if isinstance(x, Node) else [], set()
        while todo:
            n = todo.pop()
            seen.add(n)
            for u in n.users:
                if u is node:
                    continue
                if order[u] > order[node]:
                    unsupported(node, "in-place operation (inplace=True): '%s' "
                                "reads its input afterwards" % u.name)
                if aliases_arg(u) and u not in seen:
                    todo.append(u)
        inplace_nodes.add(node)

    def bind(node, params):
        """node's arguments by parameter name (see _call_args); raises for
        any argument the importer does not implement."""
        names = [p if isinstance(p, str) else p[0] for p in params]
        got, pos = {}, list(node.args)
        for i, p in enumerate(names):
            if p.startswith("*"):
                got[p[1:]], pos = pos[i:], []
                break
            if i < len(pos):
                got[p] = pos[i]
        if len(pos) > len(names):
            unsupported(node, "argument %d (%s)" % (len(names), show(pos[len(names)])))
        for k, v in node.kwargs.items():
            if k not in [p.lstrip("*") for p in names] or k in got:
                unsupported(node, "argument %s=%s" % (k, show(v)))
            got[k] = v
        got = {n.lstrip("*"): got[n.lstrip("*")] for n in names
               if n.lstrip("*") in got}  # in parameter order
        for p in params:
            if isinstance(p, str) or p[0] not in got or p[1] is _ANY:
                continue
            v = got[p[0]]
            if p[1] is _INPLACE:
                if v is not False:
                    check_inplace(node, next(iter(got.values())))
            elif not allowed(v, p[1]):
                unsupported(node, "argument %s=%s" % (p[0], show(v)))
        return got

    def check_attrs(node, mod, kind):
        for attr, values in _MODULE_ATTRS.get(kind, {}).items():
            if not allowed(getattr(mod, attr, values[0]), values):
                unsupported(node, "nn.%s(%s=%s)" % (kind, attr,
                                                    show(getattr(mod, attr))))
        if kind == "MultiheadAttention":
            for k in ("kdim", "vdim"):
                if getattr(mod, k) != mod.embed_dim or not mod._qkv_same_embed_dim:
                    unsupported(node, "nn.MultiheadAttention(%s=%s) (only "
                                "embed_dim)" % (k, getattr(mod, k)))

    def check_call(node, mod, kind):
        """The arguments of a module call: only the input, unless
        _MODULE_ARGS says otherwise; returns the input."""
        sig = inspect.signature(mod.forward)
        try:
            got = sig.bind(*node.args, **node.kwargs).arguments
        except TypeError as e:
            unsupported(node, "call of nn.%s (%s)" % (kind, e))
        params = list(sig.parameters.values())
        if not params:
            unsupported(node, "call of nn.%s without an input" % kind)
        x = got.get(params[0].name)
        rules = _MODULE_ARGS.get(kind, {})
        for p in params[1:]:
            if p.name not in got or rules.get(p.name) is _ANY:
                continue
            v = got[p.name]
            if rules.get(p.name) is _SAME:
                if v is not x:
                    unsupported(node, "cross-attention: key/value differ from "
                                "query (argument %s=%s)" % (p.name, show(v)))
            elif v is not p.default and (isinstance(v, Node) or v != p.default):
                unsupported(node, "argument %s=%s of nn.%s" % (p.name, show(v), kind))
        if kind == "MultiheadAttention":
            # Output 0 is the attention, output 1 the weights (need_weights).
            for u in node.users:
                if not (u.op == "call_function" and u.target is operator.getitem
                        and allowed(u.args[1], (0,))):
                    unsupported(node, "use of the output of nn.MultiheadAttention "
                                "by '%s' (only output 0, not the attention "
                                "weights)" % u.name)
        if getattr(mod, "inplace", False) and kind in _UNARY_MODULES:
            check_inplace(node, x)
        return x

    def attention(node, mod, x, shp, name):
        """nn.MultiheadAttention (batch_first, self-attention, no masks) on
        x of shape [B, S, D]: projections on crossbars, the rest on the DPU."""
        check_attrs(node, mod, "MultiheadAttention")
        if len(shp) != 3:
            unsupported(node, "attention on a rank-%d input (only [batch, "
                        "sequence, embedding])" % len(shp))
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
        o = imp.linear(o, const(mod.out_proj.weight), const(mod.out_proj.bias),
                       name + ".out_proj")
        return imp.reshape(o, [bsz, s, d], name + ".out")

    def encoder_layer(node, mod, x, shp, name):
        """nn.TransformerEncoderLayer (post- or pre-norm, relu or gelu)."""
        act = {torch.nn.functional.relu: "relu",
               torch.nn.functional.gelu: "gelu"}.get(mod.activation)
        if act is None:
            unsupported(node, "nn.TransformerEncoderLayer(activation=%r) (only "
                        "'relu' and 'gelu')" % (mod.activation,))
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

        sa = lambda t: attention(node, mod.self_attn, t, shp, name + ".self_attn")
        if mod.norm_first:
            x = imp.binary("add", x, sa(ln(x, mod.norm1, "norm1")), name + ".residual1")
            return imp.binary("add", x, ff(ln(x, mod.norm2, "norm2")), name + ".residual2")
        x = ln(imp.binary("add", x, sa(x), name + ".residual1"), mod.norm1, "norm1")
        return ln(imp.binary("add", x, ff(x), name + ".residual2"), mod.norm2, "norm2")

    def adaptive_avg(node, x, xs, name):
        """Adaptive average pooling: global (1x1), or an ordinary average
        pool when the input divides evenly into the output (VGG's and
        AlexNet's 7x7 / 6x6 at 224x224 inputs)."""
        if len(xs) != 4:
            unsupported(node, "adaptive average pooling of a rank-%d input" % len(xs))
        _, _, h, w = xs
        _, _, oh, ow = shape(node)
        if (oh, ow) == (1, 1):
            return imp.global_avg_pool(x, name)
        if h % oh or w % ow:
            unsupported(node, "adaptive average pooling from %dx%d to %dx%d"
                        % (h, w, oh, ow))
        if (h, w) == (oh, ow):
            return x
        k = [h // oh, w // ow]
        return imp.pool2d(False, x, k, k, [0, 0], name)

    def call_module(node, mod, name):
        kind = type(mod).__name__
        if getattr(torch.nn, kind, None) is not type(mod):
            unsupported(node, "module %s.%s" % (type(mod).__module__, kind))
        check_attrs(node, mod, kind)
        x = check_call(node, mod, kind)
        x, xs = arg(x), shape(x)
        if kind == "MultiheadAttention":
            return attention(node, mod, x, xs, name)
        if kind == "TransformerEncoderLayer":
            return encoder_layer(node, mod, x, xs, name)
        if kind == "LayerNorm":
            if len(mod.normalized_shape) != 1:
                unsupported(node, "LayerNorm over more than the last dimension")
            return imp.layer_norm(x, const(mod.weight), const(mod.bias),
                                  float(mod.eps), name)
        if kind == "Softmax":
            if not _softmax_dim(mod.dim, len(xs)):
                unsupported(node, "nn.Softmax(dim=%s) (only the last)" % mod.dim)
            return imp.softmax(x, name)
        if kind == "Conv1d":
            n, c, length = xs
            if isinstance(mod.padding, str):
                unsupported(node, "nn.Conv1d(padding='%s')" % (mod.padding,))
            x4 = imp.reshape(x, [n, c, 1, length], name)
            w = mod.weight
            w4 = imp.constant(w.detach().float().reshape(w.shape[0], w.shape[1], 1,
                                                         w.shape[2]).contiguous().numpy())
            y = imp.conv2d(x4, w4, const(mod.bias), [1, mod.stride[0]],
                           [0, mod.padding[0]], [1, mod.dilation[0]], mod.groups, name)
            return imp.reshape(y, shape(node), name)
        if kind == "Linear":
            return imp.linear(x, const(mod.weight), const(mod.bias), name)
        if kind == "Conv2d":
            if isinstance(mod.padding, str):
                unsupported(node, "nn.Conv2d(padding='%s')" % (mod.padding,))
            return imp.conv2d(x, const(mod.weight), const(mod.bias), _pair(mod.stride),
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
            return imp.unary("gelu", x, name)
        if kind in _IDENTITY_MODULES:
            return x
        if kind in ("MaxPool2d", "AvgPool2d"):
            if _pair(getattr(mod, "dilation", 1)) != [1, 1]:
                unsupported(node, "nn.%s(dilation=%s)" % (kind, mod.dilation))
            if (kind == "AvgPool2d" and not mod.count_include_pad and
                    any(_pair(mod.padding))):
                unsupported(node, "nn.AvgPool2d(count_include_pad=False) with padding")
            stride = mod.stride if mod.stride is not None else mod.kernel_size
            return imp.pool2d(kind == "MaxPool2d", x, _pair(mod.kernel_size),
                              _pair(stride), _pair(mod.padding), name)
        if kind == "AdaptiveAvgPool2d":
            return adaptive_avg(node, x, xs, name)
        if kind == "Flatten":
            return imp.reshape(x, shape(node), name)
        unsupported(node, "module nn.%s" % kind)

    F = torch.nn.functional
    functions = {torch.relu: "relu", F.relu: "relu", F.relu6: "relu6",
                 torch.sigmoid: "sigmoid", torch.tanh: "tanh", F.silu: "silu",
                 F.hardswish: "hardswish", F.gelu: "gelu",
                 F.hardsigmoid: "hardsigmoid"}
    binaries = {operator.add: "add", torch.add: "add", operator.sub: "sub",
                torch.sub: "sub", operator.mul: "mul", torch.mul: "mul",
                operator.truediv: "div", torch.div: "div"}
    matmuls = {torch.matmul, torch.bmm, operator.matmul}
    methods = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh"}

    def call_function(node, fn, b, name):
        x = next(iter(b.values()), None)
        if fn in functions:
            return imp.unary(functions[fn], arg(x), name)
        if fn in binaries:
            a, c = list(b.values())[:2]
            an, cn = isinstance(a, Node), isinstance(c, Node)
            if an and cn:  # NumPy broadcasting, done by the importer
                return imp.binary(binaries[fn], arg(a), arg(c), name)
            if (an or cn) and isinstance(c if an else a, (int, float)):
                return imp.scalar(binaries[fn], arg(a if an else c),
                                  float(c if an else a), not an, name)
            unsupported(node, "%s of %s and %s" % (binaries[fn], show(a), show(c)))
        if fn in matmuls:
            return imp.matmul(arg(x), arg(list(b.values())[1]), name)
        if fn is torch.cat:
            return imp.concat([arg(t) for t in x], b.get("dim", 0) % len(shape(node)),
                              name)
        if fn is F.adaptive_avg_pool2d:
            return adaptive_avg(node, arg(x), shape(x), name)
        if fn is getattr:  # x.shape and the like: not a tensor
            return None
        if fn is operator.getitem:
            if isinstance(x, Node) and env.get(x) is None:
                return None  # x.shape[0] and the like
            if (isinstance(x, Node) and x.op == "call_module" and
                    type(gm.get_submodule(x.target)).__name__ == "MultiheadAttention"):
                return arg(x)  # output 0, the attention (check_call)
            unsupported(node, "indexing (operator.getitem)")
        return tensor_op(node, fn, b, name)

    def tensor_op(node, what, b, name):
        """The functions that are methods too."""
        x = next(iter(b.values()))
        rank = len(shape(x)) if isinstance(x, Node) else 0
        if what in ("softmax", torch.softmax, F.softmax):
            if not _softmax_dim(b.get("dim"), rank):
                unsupported(node, "softmax over dim %s (only the last)" % b.get("dim"))
            return imp.softmax(arg(x), name)
        if what in ("permute", "transpose", torch.permute, torch.transpose):
            return imp.permute(arg(x), _perm(b, rank), name)
        if what in ("mean", torch.mean):
            dims = b.get("dim")
            dims = [dims] if isinstance(dims, int) else list(dims or range(rank))
            return imp.mean(arg(x), [d % rank for d in dims],
                            bool(b.get("keepdim", False)), name)
        if what in ("flatten", "view", "reshape", "contiguous", torch.flatten,
                    torch.reshape):
            return imp.reshape(arg(x), shape(node), name)
        if what == "size":
            return None
        if what in methods:
            return imp.unary(methods[what], arg(x), name)
        unsupported(node, "function %s" % getattr(what, "__name__", what))

    def convert(node):
        name = node.target if node.op == "call_module" else node.name
        meta = node.meta.get("tensor_meta")
        if node.op.startswith("call_") and getattr(meta, "dtype", torch.float32) \
                != torch.float32:
            unsupported(node, "result of dtype %s (only float32)" % meta.dtype)
        if node.op == "placeholder":
            return imp.input(shape(node))
        if node.op == "get_attr":
            t = gm
            for part in node.target.split("."):
                t = getattr(t, part)
            return const(t)
        if node.op == "call_module":
            return call_module(node, gm.get_submodule(node.target), name)
        if node.op == "call_function":
            if node.target not in fn_args:
                unsupported(node, "function %s"
                            % getattr(node.target, "__name__", node.target))
            return call_function(node, node.target,
                                 bind(node, fn_args[node.target]), name)
        if node.op == "call_method":
            if node.target not in method_args:
                unsupported(node, "method .%s()" % node.target)
            return tensor_op(node, node.target,
                             bind(node, method_args[node.target]), name)
        res = node.args[0]  # the output
        res = list(res) if isinstance(res, (tuple, list)) else [res]
        for r in res:
            if not isinstance(r, Node) or env.get(r) is None:
                raise ImcError("imc.export: the model returns a non-tensor "
                               "output (%r); only tensors are supported" % (r,))
        return [env[r] for r in res]

    for node in gm.graph.nodes:
        try:
            env[node] = convert(node)
        except ImcError:
            raise
        except Exception as e:  # a case the checks above do not foresee
            raise ImcError("imc.export: cannot convert graph node '%s' (target "
                           "'%s'): %s: %s" % (node.name, target_name(node),
                                              type(e).__name__, e)) from e
    return Module(imp.finish(env[node]))
