"""PyTorch -> linalg-on-tensors through torch.fx (torch 1.13 has no
torch.export).

The model is traced with torch.fx symbolic tracing; when that fails (Python
reading shapes, iterating over tensors, functions marked torch.fx.wrap), with
the concrete tracer of ``_trace``, where shapes are the example's (the route
taken is ``Module.export_route``). Every node's value on the example inputs is
recorded; a node that depends on no input *value* (shapes, ``x.size(1)``,
constant masks built with ``torch.triu``, relative position biases,
positional embeddings) is folded to a Python value or a constant, and the
rest is built by imc's C++ importer (the one the ONNX front end calls), so the
IR is what torch-mlir would write and every layer keeps its module path as
its name.

No argument is dropped silently: every argument of a call and every module
attribute that changes the result is either implemented or an ImcError
naming it and the graph node.

Integer and boolean inputs (token ids, masks) are float32 inputs of the
module holding the same values (exact below 2**24); an embedding is a
one-hot product with the table (docs/user-guide.md, "Front ends").
"""
import inspect
import math
import operator

import numpy as np

from . import _imc
from . import _layers
from . import _trace
from ._imc import ImcError

_UNARY_MODULES = {"ReLU": "relu", "ReLU6": "relu6", "Sigmoid": "sigmoid",
                  "Tanh": "tanh", "SiLU": "silu", "Hardswish": "hardswish",
                  "Hardsigmoid": "hardsigmoid"}

_ANY = "<any>"         # any value: read by the importer, or without effect
_INPLACE = "<inplace>"  # in place: fine unless the input is read afterwards

# Module attributes and the values the importer implements.
_MODULE_ATTRS = {
    "Conv1d": {"padding_mode": ("zeros",)},
    "Conv2d": {"padding_mode": ("zeros",)},
    "ConvTranspose2d": {"padding_mode": ("zeros",)},
    "BatchNorm1d": {"track_running_stats": (True,)},
    "BatchNorm2d": {"track_running_stats": (True,)},
    "MaxPool2d": {"return_indices": (False,)},
    "MultiheadAttention": {"add_zero_attn": (False,), "bias_k": (None,),
                           "bias_v": (None,)},
    "LSTM": {"proj_size": (0,)},
    "Embedding": {"max_norm": (None,)},
}
# Arguments of module calls other than the input whose value (not only the
# default) the importer implements.
_MODULE_ARGS = {
    "MultiheadAttention": ("key", "value", "need_weights", "average_attn_weights",
                           "attn_mask", "key_padding_mask"),
    "TransformerEncoderLayer": ("src_mask", "src_key_padding_mask"),
    "TransformerEncoder": ("mask", "src_key_padding_mask"),
    "TransformerDecoderLayer": ("memory", "tgt_mask", "memory_mask",
                                "tgt_key_padding_mask", "memory_key_padding_mask"),
    "TransformerDecoder": ("memory", "tgt_mask", "memory_mask",
                           "tgt_key_padding_mask", "memory_key_padding_mask"),
    "LSTM": ("hx",), "GRU": ("hx",),
}

# Nodes whose value depends only on the shapes (and dtypes) of their tensor
# arguments, never on their values: folded like constants.
_SHAPE_METHODS = {"size", "dim", "numel", "new_zeros", "new_ones", "new_full",
                  "new_empty", "new_tensor", "get_device", "__len__"}
_SHAPE_ATTRS = {"shape", "dtype", "device", "ndim", "is_cuda", "requires_grad"}


_RANDOM_METHODS = _trace.RANDOM_METHODS


def _random_functions(torch):
    return set(_trace.random_functions()) | {torch.nn.functional.rrelu}


def _call_args(torch):
    """Per canonical op: its parameters in positional order, the functions
    and the method names that are it. A name is read by the importer (any
    value); (name, values) takes only the values the importer implements;
    '*name' takes the remaining positional arguments. Anything else is an
    error."""
    F = torch.nn.functional
    no_out = ("out", (None,))
    f32 = ("dtype", (None, torch.float32))
    unary = ("input", ("inplace", _INPLACE))
    tv_ops = []
    try:
        import torchvision.ops
        tv_ops = [torchvision.ops.stochastic_depth]
    except ImportError:
        pass
    T = [
        # name, params, functions, methods
        ("relu", unary, [torch.relu, F.relu], ["relu"]),
        ("relu_", ("input",), [torch.relu_, F.relu_], ["relu_"]),
        ("relu6", unary, [F.relu6], []),
        ("sigmoid", ("input", no_out), [torch.sigmoid, F.sigmoid], ["sigmoid"]),
        ("tanh", ("input", no_out), [torch.tanh, F.tanh], ["tanh"]),
        ("silu", unary, [F.silu], []),
        ("hardswish", unary, [F.hardswish], []),
        ("hardsigmoid", unary, [F.hardsigmoid], []),
        ("exp", ("input", no_out), [torch.exp], ["exp"]),
        ("log", ("input", no_out), [torch.log], ["log"]),
        ("sqrt", ("input", no_out), [torch.sqrt], ["sqrt"]),
        ("rsqrt", ("input", no_out), [torch.rsqrt], ["rsqrt"]),
        ("erf", ("input", no_out), [torch.erf], ["erf"]),
        ("abs", ("input", no_out), [torch.abs], ["abs"]),
        ("neg", ("input", no_out), [torch.neg, operator.neg], ["neg"]),
        ("gelu", ("input", ("approximate", ("none", "tanh"))), [F.gelu], []),
        ("leaky_relu", ("input", "negative_slope", ("inplace", _INPLACE)),
         [F.leaky_relu], []),
        ("elu", ("input", "alpha", ("inplace", _INPLACE)), [F.elu], []),
        ("hardtanh", ("input", "min_val", "max_val", ("inplace", _INPLACE)),
         [F.hardtanh], []),
        ("clamp", ("input", "min", "max", no_out), [torch.clamp, torch.clip],
         ["clamp", "clip"]),
        ("add", ("input", "other", "alpha", no_out), [torch.add, operator.add],
         ["add"]),
        ("sub", ("input", "other", "alpha", no_out), [torch.sub, operator.sub],
         ["sub"]),
        ("rsub", ("input", "other", "alpha"), [torch.rsub], []),
        ("mul", ("input", "other", no_out), [torch.mul, operator.mul], ["mul"]),
        ("div", ("input", "other", ("rounding_mode", (None,)), no_out),
         [torch.div, operator.truediv], ["div"]),
        ("pow", ("input", "exponent", no_out), [torch.pow, operator.pow], ["pow"]),
        ("maximum", ("input", "other", no_out), [torch.maximum], ["maximum"]),
        ("minimum", ("input", "other", no_out), [torch.minimum], ["minimum"]),
        ("eq", ("input", "other", no_out), [torch.eq, operator.eq], ["eq"]),
        ("ne", ("input", "other", no_out), [torch.ne, operator.ne], ["ne"]),
        ("lt", ("input", "other", no_out), [torch.lt, operator.lt], ["lt"]),
        ("le", ("input", "other", no_out), [torch.le, operator.le], ["le"]),
        ("gt", ("input", "other", no_out), [torch.gt, operator.gt], ["gt"]),
        ("ge", ("input", "other", no_out), [torch.ge, operator.ge], ["ge"]),
        ("logical_not", ("input", no_out), [torch.logical_not], ["logical_not"]),
        ("invert", ("input",), [operator.invert], ["bitwise_not"]),
        ("logical_and", ("input", "other", no_out),
         [torch.logical_and, operator.and_], ["logical_and"]),
        ("logical_or", ("input", "other", no_out), [torch.logical_or, operator.or_],
         ["logical_or"]),
        ("where", ("condition", "input", "other"), [torch.where], []),
        ("masked_fill", ("input", "mask", "value"), [torch.masked_fill],
         ["masked_fill"]),
        ("matmul", ("input", "other", no_out),
         [torch.matmul, operator.matmul, torch.mm, torch.bmm], ["matmul", "mm", "bmm"]),
        ("addmm", ("input", "mat1", "mat2", "beta", "alpha", no_out), [torch.addmm],
         ["addmm"]),
        ("linear", ("input", "weight", "bias"), [F.linear], []),
        ("t", ("input",), [torch.t], ["t"]),
        ("cat", ("tensors", "dim", no_out), [torch.cat, torch.concat], []),
        ("stack", ("tensors", "dim", no_out), [torch.stack], []),
        ("chunk", ("input", "chunks", "dim"), [torch.chunk], ["chunk"]),
        ("split", ("input", "split_size_or_sections", "dim"), [torch.split],
         ["split"]),
        ("unbind", ("input", "dim"), [torch.unbind], ["unbind"]),
        ("softmax", ("input", "dim", f32), [torch.softmax], ["softmax"]),
        ("F_softmax", ("input", "dim", ("_stacklevel", _ANY), f32), [F.softmax], []),
        ("log_softmax", ("input", "dim", f32), [torch.log_softmax], ["log_softmax"]),
        ("F_log_softmax", ("input", "dim", ("_stacklevel", _ANY), f32),
         [F.log_softmax], []),
        ("transpose", ("input", "dim0", "dim1"), [torch.transpose, torch.swapaxes],
         ["transpose", "swapaxes"]),
        ("permute", ("input", "*dims"), [torch.permute], ["permute"]),
        ("mean", ("input", "dim", "keepdim", f32, no_out), [torch.mean], ["mean"]),
        ("sum", ("input", "dim", "keepdim", f32), [torch.sum], ["sum"]),
        ("flatten", ("input", "start_dim", "end_dim"), [torch.flatten], ["flatten"]),
        ("reshape", ("input", "*shape"), [torch.reshape],
         ["view", "reshape", "unflatten", "squeeze", "unsqueeze", "view_as",
          "reshape_as"]),
        ("unsqueeze", ("input", "dim"), [torch.unsqueeze, torch.squeeze], []),
        ("identity", ("input", ("memory_format", _ANY)), [torch.clone],
         ["contiguous", "clone", "detach"]),
        ("cast", ("input", "*args"), [], ["to", "float", "type_as", "long", "int",
                                           "bool", "type"]),
        ("expand", ("input", "*sizes"), [], ["expand", "expand_as"]),
        ("repeat", ("input", "*sizes"), [], ["repeat"]),
        ("getitem", ("a", "b"), [operator.getitem], ["__getitem__"]),
        ("getattr", ("obj", "name", "default"), [getattr], []),
        ("narrow", ("input", "dim", "start", "length"), [torch.narrow], ["narrow"]),
        ("select", ("input", "dim", "index"), [torch.select], ["select"]),
        ("index_select", ("input", "dim", "index", no_out), [torch.index_select],
         ["index_select"]),
        ("roll", ("input", "shifts", "dims"), [torch.roll], ["roll"]),
        ("pad", ("input", "pad", ("mode", ("constant",)), "value"), [F.pad], []),
        ("layer_norm", ("input", "normalized_shape", "weight", "bias", "eps"),
         [F.layer_norm], []),
        ("avg_pool2d", ("input", "kernel_size", "stride", "padding", "ceil_mode",
                        "count_include_pad", "divisor_override"), [F.avg_pool2d], []),
        ("max_pool2d", ("input", "kernel_size", "stride", "padding", "dilation",
                        "ceil_mode", ("return_indices", (False,))), [F.max_pool2d], []),
        ("adaptive_avg_pool2d", ("input", "output_size"), [F.adaptive_avg_pool2d], []),
        ("interpolate", ("input", "size", "scale_factor", "mode", "align_corners",
                         "recompute_scale_factor", ("antialias", (False,))),
         [F.interpolate], []),
        ("dropout", ("input", "p", "training", ("inplace", _ANY)),
         [F.dropout, F.dropout2d, F.alpha_dropout], []),
        ("stochastic_depth", ("input", "p", "mode", "training"), tv_ops, []),
        ("embedding", ("input", "weight", "padding_idx", ("max_norm", (None,)),
                       "norm_type", ("scale_grad_by_freq", _ANY), ("sparse", _ANY)),
         [F.embedding], []),
        ("batch_norm", ("input", "running_mean", "running_var", "weight", "bias",
                        ("training", (False,)), "momentum", "eps"), [F.batch_norm], []),
    ]
    functions, methods = {}, {}
    for name, params, fns, meths in T:
        for f in fns:
            functions[f] = (name, params)
        for m in meths:
            methods[m] = (name, params)
    # Methods whose tensor is self and whose parameter names differ.
    methods["squeeze"] = ("reshape", ("input", "*shape"))
    return functions, methods


_IDENTITY_MODULES = {"Dropout", "Dropout1d", "Dropout2d", "Dropout3d",
                     "AlphaDropout", "Identity"}


def _pair(v):
    return [v, v] if isinstance(v, int) else list(v)


def _softmax_dim(dim, rank):
    """The dimension of a softmax (dim=None is torch's legacy implicit
    dimension)."""
    if dim is None:
        dim = 0 if rank in (0, 1, 3) else 1
    return dim % max(rank, 1)


def export(model, *example_inputs):
    """Exports an ``nn.Module`` (in eval mode) called on ``example_inputs``
    to an :class:`imc.Module` of linalg-on-tensors.

    Raises ImcError naming the module or function, the argument and the graph
    node for anything unsupported, before any output is produced.
    """
    import torch
    import torch.fx

    from . import Module

    Node = torch.fx.Node
    for i, x in enumerate(example_inputs):
        if not isinstance(x, torch.Tensor):
            raise ImcError("imc.export: example input %d must be a torch.Tensor, "
                           "got %s" % (i, type(x).__name__))
        if not (x.dtype == torch.float32 or x.dtype == torch.bool or
                (not x.dtype.is_floating_point and not x.dtype.is_complex)):
            raise ImcError("imc.export: example input %d has dtype %s; imc takes "
                           "float32, integer or bool inputs" % (i, x.dtype))
    model = model.eval()
    if type(model).__name__ in _trace.LEAF_MODULES:
        # A leaf at the root: trace a wrapper whose one child is the model
        # (its layers are then named "model.*").
        class _Root(torch.nn.Module):
            def __init__(self, inner):
                super().__init__()
                self.model = inner

        # One named parameter per example input (torch.fx traces no *args).
        names = ", ".join("x%d" % i for i in range(len(example_inputs)))
        ns = {}
        exec("def forward(self, %s):\n    return self.model(%s)\n" % (names, names),
             ns)
        _Root.forward = ns["forward"]
        model = _Root(model)

    def check_inputs(gm):
        inputs = [n.name for n in gm.graph.nodes if n.op == "placeholder"]
        if len(inputs) != len(example_inputs):
            raise ImcError("imc.export: %s takes %d inputs (%s), got %d example "
                           "inputs; every input must be a tensor"
                           % (type(model).__name__, len(inputs), ", ".join(inputs),
                              len(example_inputs)))

    route, first_error = "torch.fx", None
    try:
        gm = _trace.symbolic(model)
        check_inputs(gm)
        vals = _trace.run(gm, example_inputs)
    except ImcError:
        raise
    except Exception as e:  # shape unpacking, control flow
        first_error = e
    if first_error is not None:
        route = "torch.fx (concrete shapes)"
        try:
            gm = _trace.concrete(model, example_inputs)
        except ImcError:
            raise
        except Exception as e:
            raise ImcError("imc.export: torch.fx cannot trace %s: %s; with the "
                           "example's shapes: %s" % (type(model).__name__,
                                                     first_error, e)) from e
        check_inputs(gm)
        try:
            vals = _trace.run(gm, example_inputs)
        except Exception as e:
            raise ImcError("imc.export: running the traced %s on the example "
                           "inputs failed: %s" % (type(model).__name__, e)) from e
    check_inputs(gm)

    imp = _imc.Importer(_imc.Context())
    L = _layers.Layers(imp)
    env = {}
    consts = {}
    fn_args, method_args = _call_args(torch)
    nodes = list(gm.graph.nodes)
    order = {n: i for i, n in enumerate(nodes)}
    inplace_nodes = set()
    F = torch.nn.functional

    # A random draw folded into a constant would be a silent wrong answer.
    for n in nodes:
        t = n.target if n.op in ("call_function", "call_method") else None
        tname = t if isinstance(t, str) else getattr(t, "__name__", "")
        if t in _random_functions(torch) or (n.op == "call_method" and
                                              tname in _RANDOM_METHODS):
            raise ImcError("imc.export: unsupported random operation %s at graph node "
                           "'%s' (imc compiles deterministic inference; is the model "
                           "in training mode somewhere?)" % (tname, n.name))
    # Which nodes depend on an input's values (the rest are folded).
    dynamic = {}
    for n in nodes:
        deps = [a for a in n.all_input_nodes]
        if n.op == "placeholder":
            d = True
        elif n.op == "get_attr" or n.op == "output":
            d = n.op == "output"
        elif (n.op == "call_method" and n.target in _SHAPE_METHODS) or (
                n.op == "call_function" and n.target is getattr and
                len(n.args) > 1 and n.args[1] in _SHAPE_ATTRS) or (
                n.op == "call_function" and n.target in (
                    len, torch.zeros_like, torch.ones_like, torch.empty_like,
                    torch.full_like)):
            d = False
        else:
            d = any(dynamic[a] for a in deps)
        dynamic[n] = d
    # The dynamic nodes the output needs (the rest is never converted).
    live, todo = set(), [nodes[-1]]
    while todo:
        n = todo.pop()
        if n in live:
            continue
        live.add(n)
        todo.extend(a for a in n.all_input_nodes if dynamic[a])

    def const(t):
        # Keyed by identity; the tensor is kept alive in the cache so that a
        # temporary cannot hand its id to another one.
        if t is None:
            return None
        if not isinstance(t, torch.Tensor):
            t = torch.tensor(t, dtype=torch.float32)
        hit = consts.get(id(t))
        if hit is not None and hit[0] is t:
            return hit[1]
        if t.is_complex():
            raise ImcError("imc.export: a complex constant (only real numbers)")
        h = imp.constant(t.detach().float().contiguous().numpy())
        consts[id(t)] = (t, h)
        return h

    def shape(v):
        if isinstance(v, Node):
            val = vals.get(v)
            if not isinstance(val, torch.Tensor):
                raise ImcError("imc.export: node '%s' does not produce one tensor"
                               % v.name)
            return list(val.shape)
        if isinstance(v, torch.Tensor):
            return list(v.shape)
        if isinstance(v, _Handle):
            return list(v.shp)
        return []

    def dtype(v):
        if isinstance(v, Node):
            return vals[v].dtype
        if isinstance(v, torch.Tensor):
            return v.dtype
        return torch.float32

    def H(a):
        """The handle of a tensor argument (a constant if it is one)."""
        if isinstance(a, Node):
            h = env.get(a)
            if not isinstance(h, int):
                raise ImcError("imc.export: node '%s' is not a tensor" % a.name)
            return h
        if isinstance(a, _Handle):
            return a.h
        if isinstance(a, (torch.Tensor, int, float, bool)):
            return const(a)
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
                "view", "reshape", "flatten", "permute", "transpose", "contiguous",
                "squeeze", "unsqueeze", "expand", "t", "narrow", "select",
                "unflatten", "__getitem__", "chunk", "split", "unbind", "detach")
        ) or (n.op == "call_function" and n.target in (
            torch.flatten, torch.reshape, torch.permute, torch.transpose,
            operator.getitem, torch.chunk, torch.split, torch.unbind, torch.t,
            torch.narrow, torch.select, torch.squeeze, torch.unsqueeze))

    def check_inplace(node, x):
        """An in-place op changes what later readers of x, or of a tensor
        sharing its memory, see (the importer does not): an error then."""
        while isinstance(x, Node) and aliases_arg(x) and x.args:
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

    def resolve(a):
        """Arguments with folded nodes replaced by their values."""
        return torch.fx.node.map_arg(a, lambda n: n if dynamic[n] else vals[n])

    def bind(node, params):
        """node's arguments by parameter name; raises for any argument the
        importer does not implement."""
        names = [p if isinstance(p, str) else p[0] for p in params]
        got, pos = {}, list(resolve(node.args))
        kwargs = resolve(node.kwargs)
        for i, p in enumerate(names):
            if p.startswith("*"):
                got[p[1:]], pos = pos[i:], []
                break
            if i < len(pos):
                got[p] = pos[i]
        if len(pos) > len(names):
            unsupported(node, "argument %d (%s)" % (len(names), show(pos[len(names)])))
        for k, v in kwargs.items():
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
                    check_inplace(node, node.args[0] if node.args else
                                  next(iter(node.kwargs.values())))
            elif not allowed(v, p[1]):
                unsupported(node, "argument %s=%s" % (p[0], show(v)))
        return got

    def check_attrs(node, mod, kind):
        for attr, values in _MODULE_ATTRS.get(kind, {}).items():
            if not allowed(getattr(mod, attr, values[0]), values):
                unsupported(node, "nn.%s(%s=%s)" % (kind, attr,
                                                    show(getattr(mod, attr))))

    def check_call(node, mod, kind):
        """The arguments of a module call: the input, and the others
        _MODULE_ARGS names; returns (input, other arguments by name)."""
        sig = inspect.signature(mod.forward)
        try:
            got = sig.bind(*resolve(node.args), **resolve(node.kwargs)).arguments
        except TypeError as e:
            unsupported(node, "call of nn.%s (%s)" % (kind, e))
        params = list(sig.parameters.values())
        if not params:
            unsupported(node, "call of nn.%s without an input" % kind)
        x = got.get(params[0].name)
        rules = _MODULE_ARGS.get(kind, ())
        for p in params[1:]:
            if p.name not in got or p.name in rules:
                continue
            v = got[p.name]
            if v is not p.default and (isinstance(v, (Node, torch.Tensor)) or
                                       v != p.default):
                unsupported(node, "argument %s=%s of nn.%s" % (p.name, show(v), kind))
        if getattr(mod, "inplace", False):
            check_inplace(node, node.args[0])
        return x, got

    # ---- building blocks on handles ---------------------------------------

    def reshape(h, shp, name):
        return imp.reshape(h, list(shp), name)

    def slice_dim(h, shp, dim, start, stop, step, name):
        return L.slice_dim(h, shp, dim, start, stop, step, name)

    def gather_dim(h, shp, dim, idx, name):
        return L.gather_dim(h, shp, dim, idx, name)

    def pad_dims(h, shp, pads, value, name):
        return L.pad_dims(h, shp, pads, value, name)

    kn_consts = {}

    def linear_nd(x, xs, w, b, name):
        """x [..., in] times W^T + b for a constant W [out, in] (the importer
        flattens the leading dimensions: one weight-stationary product). W^T
        is made here, once per weight, so that the compiler has no transpose
        to make."""
        hit = kn_consts.get(id(w))
        if hit is None or hit[0] is not w:
            # (The transposed copy is not cached: it is freed once imported.)
            hit = (w, imp.constant(w.detach().float().t().contiguous().numpy()))
            kn_consts[id(w)] = hit
        return imp.linear(x, hit[1], b, name, True)

    def matmul(node, a, b, name):
        """torch.matmul (the importer's, numpy's semantics: 1-D operands,
        broadcast batch dimensions; a constant right operand is
        weight-stationary)."""
        if not shape(a) or not shape(b):
            unsupported(node, "matmul of a rank-0 tensor")
        return imp.matmul(H(a), H(b), name)

    def elementwise(node, kind, a, c, name):
        """A binary op on two tensors, or a tensor and a Python number."""
        an, cn = isinstance(a, Node), isinstance(c, Node)
        if isinstance(a, bool):
            a = float(a)
        if isinstance(c, bool):
            c = float(c)
        if an and isinstance(c, (int, float)):
            return imp.scalar(kind, H(a), float(c), False, name)
        if cn and isinstance(a, (int, float)):
            return imp.scalar(kind, H(c), float(a), True, name)
        if (an or isinstance(a, torch.Tensor)) and (cn or isinstance(c, torch.Tensor)):
            return imp.binary(kind, H(a), H(c), name)
        unsupported(node, "%s of %s and %s" % (kind, show(a), show(c)))

    def truth(x, name):
        """A tensor's truth values as 1.0 / 0.0 (bool tensors already are)."""
        if dtype(x) == torch.bool:
            return H(x)
        return imp.scalar("ne", H(x), 0.0, False, name)

    def softmax_dim(x, dim, name, log=False):
        r = len(shape(x))
        return L.softmax(H(x), r, _softmax_dim(dim, r), name, log)

    def tanh_gelu(h, name):
        return L.tanh_gelu(h, name)

    def power(node, x, e, name):
        if isinstance(x, Node) and isinstance(e, (int, float)):
            return L.power(H(x), e, name)
        if isinstance(e, Node) and isinstance(x, (int, float)) and x > 0:
            return imp.unary("exp", imp.scalar("mul", H(e), math.log(x), False,
                                                name), name)
        unsupported(node, "pow of %s and %s (a tensor exponent needs a positive "
                    "number as the base)" % (show(x), show(e)))

    def layer_norm(x, nshape, w, b, eps, name):
        xs = shape(x)
        nshape = [nshape] if isinstance(nshape, int) else list(nshape)
        if xs[len(xs) - len(nshape):] != nshape:
            raise ImcError("imc.export: layer norm '%s' over %s of a tensor of "
                           "shape %s" % (name, nshape, xs))
        if len(nshape) == 1:
            return imp.layer_norm(H(x), const(w), const(b), float(eps), name)
        lead = xs[:len(xs) - len(nshape)]
        flat = reshape(H(x), lead + [int(np.prod(nshape))], name)
        y = reshape(imp.layer_norm(flat, None, None, float(eps), name), xs, name)
        if w is not None:
            y = imp.binary("mul", y, H(w), name)
        if b is not None:
            y = imp.binary("add", y, H(b), name)
        return y

    def pool(node, is_max, x, k, s, p, d, ceil, count_pad, divisor, name):
        """Max or average 2-D pooling with torch's semantics (_layers)."""
        xs = shape(x)
        if len(xs) not in (3, 4):
            unsupported(node, "pooling of a rank-%d input" % len(xs))
        if not is_max and _pair(d) != [1, 1]:
            unsupported(node, "dilated average pooling")
        k = _pair(k)
        s = _pair(s) if s not in (None, []) else list(k)
        return L.pool(H(x), xs, is_max, k, s, _pair(p), _pair(d), ceil, count_pad,
                      divisor, name)

    def adaptive_avg(node, x, size, name):
        """Adaptive average pooling to any size (_layers)."""
        xs = shape(x)
        if len(xs) not in (3, 4):
            unsupported(node, "adaptive average pooling of a rank-%d input" % len(xs))
        return L.adaptive_avg(H(x), xs, _pair(size), name)

    def interpolate(node, x, size, scale, mode, align, recompute, name):
        """F.interpolate: torch's source coordinates, resampled (_layers)."""
        xs = shape(x)
        nsp = len(xs) - 2
        if nsp < 1 or nsp > 2:
            unsupported(node, "interpolation of a rank-%d input" % len(xs))
        out = shape(node)[2:]
        if mode not in ("nearest", "bilinear", "linear"):
            unsupported(node, "argument mode=%r (only 'nearest', 'linear' and "
                        "'bilinear')" % (mode,))
        scales = None
        if scale is not None and not recompute:
            scales = [float(v) for v in (scale if isinstance(scale, (list, tuple))
                                         else [scale] * nsp)]
        h, shp = H(x), list(xs)
        for ax in range(nsp):
            n, m = xs[2 + ax], out[ax]
            r = (1.0 / scales[ax]) if scales else n / m
            if mode == "nearest":
                src = [math.floor(i * r) for i in range(m)]
            elif align:
                src = [i * (n - 1) / (m - 1) if m > 1 else 0.0 for i in range(m)]
            else:
                src = [max((i + 0.5) * r - 0.5, 0.0) for i in range(m)]
            h, shp = L.resample(h, shp, 2 + ax, src,
                                "nearest" if mode == "nearest" else "linear", name)
        return h

    def one_hot_embed(ids, table, name):
        """Embedding as a one-hot product with the table (_layers)."""
        return L.one_hot(H(ids), shape(ids), table.detach().float().numpy(), name)

    def additive_mask(m, name):
        """An attention mask as an additive one (bool: -inf where True)."""
        if isinstance(m, torch.Tensor):
            if m.dtype == torch.bool:
                m = torch.zeros(m.shape).masked_fill(m, float("-inf"))
            elif m.dtype == torch.uint8:
                m = torch.zeros(m.shape).masked_fill(m.bool(), float("-inf"))
            return const(m)
        if dtype(m) in (torch.bool, torch.uint8):
            return imp.select(H(m), const(float("-inf")), const(0.0), name)
        return H(m)

    def attention(node, mod, q, k, v, shp_q, shp_k, name, attn_mask=None,
                  key_padding_mask=None):
        """nn.MultiheadAttention (self- or cross-attention, masks): the
        projections on crossbars, the rest on the DPU. q, k, v: handles in
        [B, L, E] (batch first)."""
        check_attrs(node, mod, "MultiheadAttention")
        bsz, tl, d = shp_q
        sl = shp_k[1]
        h = mod.num_heads
        dh = d // h
        if mod._qkv_same_embed_dim:
            w = mod.in_proj_weight
            ws = [w[:d], w[d:2 * d], w[2 * d:]]
        else:
            ws = [mod.q_proj_weight, mod.k_proj_weight, mod.v_proj_weight]
        b = mod.in_proj_bias
        heads = []
        for i, (part, x, s, perm) in enumerate((("q", q, tl, [0, 2, 1, 3]),
                                                ("k", k, sl, [0, 2, 3, 1]),
                                                ("v", v, sl, [0, 2, 1, 3]))):
            xs = [bsz, s, imp.shape(x)[-1]]
            p = linear_nd(x, xs, ws[i],
                          const(b[i * d:(i + 1) * d]) if b is not None else None,
                          "%s.%s_proj" % (name, part))
            p = reshape(p, [bsz, s, h, dh], name + ".heads")
            p = imp.permute(p, perm, name + ".heads")
            p = reshape(p, [bsz * h] + ([dh, s] if part == "k" else [s, dh]),
                        name + ".heads")
            heads.append(p)
        qh, kt, vh = heads
        scores = imp.scalar("mul", imp.matmul(qh, kt, name + ".scores"),
                            1.0 / dh ** 0.5, False, name + ".scale")
        if attn_mask is not None or key_padding_mask is not None:
            s4 = reshape(scores, [bsz, h, tl, sl], name + ".mask")
            if attn_mask is not None:
                ms = shape(attn_mask)
                am = additive_mask(attn_mask, name + ".mask")
                if len(ms) == 3:
                    am = reshape(am, [bsz, h, tl, sl], name + ".mask")
                s4 = imp.binary("add", s4, am, name + ".mask")
            if key_padding_mask is not None:
                km = reshape(additive_mask(key_padding_mask, name + ".mask"),
                             [bsz, 1, 1, sl], name + ".mask")
                s4 = imp.binary("add", s4, km, name + ".mask")
            scores = reshape(s4, [bsz * h, tl, sl], name + ".mask")
        probs = imp.softmax(scores, name + ".softmax")
        o = imp.matmul(probs, vh, name + ".attn_v")
        o = imp.permute(reshape(o, [bsz, h, tl, dh], name + ".merge"),
                        [0, 2, 1, 3], name + ".merge")
        o = reshape(o, [bsz * tl, d], name + ".merge")
        o = linear_nd(o, [bsz * tl, d], mod.out_proj.weight, const(mod.out_proj.bias),
                      name + ".out_proj")
        return reshape(o, [bsz, tl, d], name + ".out")

    def mha_module(node, mod, x, got, name):
        """An nn.MultiheadAttention call: layouts, then attention."""
        for u in node.users:  # only output 0 may be read
            if not (u.op == "call_function" and u.target is operator.getitem
                    and u.args[1] in (0, 1)):
                unsupported(node, "use of the output of nn.MultiheadAttention "
                            "by '%s' (only output 0, not the attention "
                            "weights)" % u.name)
            if u.args[1] == 1 and u.users:
                unsupported(node, "use of the attention weights (output 1 of "
                            "nn.MultiheadAttention) by '%s'"
                            % next(iter(u.users)).name)
        q, k, v = x, got.get("key", x), got.get("value", x)
        sq = shape(q)
        batched = len(sq) == 3
        hs = []
        for t in (q, k, v):
            st = shape(t)
            ht = H(t)
            if not batched:
                ht, st = reshape(ht, [1] + st, name), [1] + st
            elif not mod.batch_first:
                ht, st = imp.permute(ht, [1, 0, 2], name), [st[1], st[0], st[2]]
            hs.append((ht, st))
        kpm = got.get("key_padding_mask")
        if kpm is not None and not batched:
            kpm = kpm.reshape(1, -1) if isinstance(kpm, torch.Tensor) else kpm
            if isinstance(kpm, Node):
                unsupported(node, "a key padding mask input with an unbatched query")
        y = attention(node, mod, hs[0][0], hs[1][0], hs[2][0], hs[0][1], hs[1][1],
                      name, got.get("attn_mask"), kpm)
        if not batched:
            return reshape(y, sq, name)
        if not mod.batch_first:
            return imp.permute(y, [1, 0, 2], name)
        return y

    def activation_of(node, mod, kind):
        act = mod.activation
        if act is F.relu or isinstance(act, torch.nn.ReLU):
            return "relu"
        if act is F.gelu or (isinstance(act, torch.nn.GELU) and act.approximate == "none"):
            return "gelu"
        unsupported(node, "nn.%s(activation=%r) (only 'relu' and 'gelu')"
                    % (kind, act))

    def feed_forward(mod, t, shp, act, name):
        y = linear_nd(t, shp, mod.linear1.weight, const(mod.linear1.bias),
                      name + ".linear1")
        y = imp.unary(act, y, name + "." + act)
        return linear_nd(y, shp[:-1] + [mod.linear1.out_features],
                         mod.linear2.weight, const(mod.linear2.bias),
                         name + ".linear2")

    def ln_mod(t, m, name):
        return imp.layer_norm(t, const(m.weight), const(m.bias), float(m.eps), name)

    def batch_first_in(node, mod, x, layer):
        """(handle in [B, S, E], shape, undo) for an encoder/decoder input."""
        xs = shape(x)
        h = H(x)
        if len(xs) == 2:
            return reshape(h, [1] + xs, layer), [1] + xs, lambda y: reshape(y, xs, layer)
        bf = mod.self_attn.batch_first
        if not bf:
            return (imp.permute(h, [1, 0, 2], layer), [xs[1], xs[0], xs[2]],
                    lambda y: imp.permute(y, [1, 0, 2], layer))
        return h, xs, lambda y: y

    def encoder_layer(node, mod, x, xs, name, mask=None, kpm=None):
        """nn.TransformerEncoderLayer (post- or pre-norm, relu or gelu) on x
        in [B, S, E]."""
        act = activation_of(node, mod, "TransformerEncoderLayer")

        def sa(t):
            return attention(node, mod.self_attn, t, t, t, xs, xs,
                             name + ".self_attn", mask, kpm)

        if mod.norm_first:
            x = imp.binary("add", x, sa(ln_mod(x, mod.norm1, name + ".norm1")),
                           name + ".residual1")
            return imp.binary("add", x, feed_forward(
                mod, ln_mod(x, mod.norm2, name + ".norm2"), xs, act, name),
                name + ".residual2")
        x = ln_mod(imp.binary("add", x, sa(x), name + ".residual1"), mod.norm1,
                   name + ".norm1")
        return ln_mod(imp.binary("add", x, feed_forward(mod, x, xs, act, name),
                                 name + ".residual2"), mod.norm2, name + ".norm2")

    def decoder_layer(node, mod, x, xs, mem, ms, name, tmask=None, mmask=None,
                      tkpm=None, mkpm=None):
        act = activation_of(node, mod, "TransformerDecoderLayer")

        def sa(t):
            return attention(node, mod.self_attn, t, t, t, xs, xs,
                             name + ".self_attn", tmask, tkpm)

        def ca(t):
            return attention(node, mod.multihead_attn, t, mem, mem, xs, ms,
                             name + ".multihead_attn", mmask, mkpm)

        def ff(t):
            return feed_forward(mod, t, xs, act, name)

        if mod.norm_first:
            for i, f in enumerate((sa, ca, ff)):
                n = getattr(mod, "norm%d" % (i + 1))
                x = imp.binary("add", x, f(ln_mod(x, n, "%s.norm%d" % (name, i + 1))),
                               "%s.residual%d" % (name, i + 1))
            return x
        for i, f in enumerate((sa, ca, ff)):
            n = getattr(mod, "norm%d" % (i + 1))
            x = ln_mod(imp.binary("add", x, f(x), "%s.residual%d" % (name, i + 1)),
                       n, "%s.norm%d" % (name, i + 1))
        return x

    def encoder(node, mod, x, got, name):
        h, xs, undo = batch_first_in(node, mod.layers[0], x, name)
        mask, kpm = got.get("mask"), got.get("src_key_padding_mask")
        first = mod.layers[0]
        nested = (kpm is not None and mask is None and len(shape(x)) == 3 and
                  isinstance(first, torch.nn.TransformerEncoderLayer) and
                  not first.norm_first and first.self_attn.batch_first and
                  first.self_attn._qkv_same_embed_dim and
                  getattr(first, "activation_relu_or_gelu", False) and
                  first.norm1.eps == first.norm2.eps and
                  getattr(mod, "enable_nested_tensor", False) and
                  first.self_attn.num_heads % 2 == 0)
        if nested:
            kv = kpm if isinstance(kpm, torch.Tensor) else vals[kpm]
            nested = bool(torch._nested_tensor_from_mask_left_aligned(
                vals[x], kv.logical_not()))
        for i, layer in enumerate(mod.layers):
            check_attrs(node, layer.self_attn, "MultiheadAttention")
            h = encoder_layer(node, layer, h, xs, "%s.layers.%d" % (name, i),
                              mask, kpm)
        if nested:
            # PyTorch's inference fast path (nested tensors) returns zeros at
            # the padded positions.
            keep = (imp.scalar("eq", truth(kpm, name), 0.0, False, name)
                    if isinstance(kpm, Node) else
                    const((~kpm.bool()).float()))
            h = imp.binary("mul", h, reshape(keep, xs[:2] + [1], name), name)
        if mod.norm is not None:
            h = ln_mod(h, mod.norm, name + ".norm")
        return undo(h)

    def decoder(node, mod, x, got, name, layers):
        h, xs, undo = batch_first_in(node, layers[0], x, name)
        m = got["memory"]
        hm, ms, _ = batch_first_in(node, layers[0], m, name)
        for i, layer in enumerate(layers):
            h = decoder_layer(node, layer, h, xs, hm, ms,
                              name if len(layers) == 1 and mod is layer
                              else "%s.layers.%d" % (name, i),
                              got.get("tgt_mask"), got.get("memory_mask"),
                              got.get("tgt_key_padding_mask"),
                              got.get("memory_key_padding_mask"))
        if getattr(mod, "norm", None) is not None and mod is not layers[0]:
            h = ln_mod(h, mod.norm, name + ".norm")
        return undo(h)

    def recurrent(node, mod, kind, x, got, name):
        """nn.LSTM / nn.GRU unrolled over the example's sequence length: the
        input projections of all steps are one weight-stationary product per
        layer and direction; each step's hidden projection is another."""
        xs = shape(x)
        batched = len(xs) == 3
        h = H(x)
        if not batched:
            h, xs = reshape(h, [xs[0], 1, xs[1]], name), [xs[0], 1, xs[1]]
        elif mod.batch_first:
            h, xs = imp.permute(h, [1, 0, 2], name), [xs[1], xs[0], xs[2]]
        steps, bsz, _ = xs
        hid = mod.hidden_size
        ndir = 2 if mod.bidirectional else 1
        hx = got.get("hx")
        h0 = c0 = None
        if hx is not None:
            if kind == "LSTM":
                h0, c0 = hx
            else:
                h0 = hx

        def init(t, i):
            ts = shape(t)
            ht = H(t)
            if len(ts) == 2:  # unbatched
                ht = reshape(ht, [ts[0], 1, ts[1]], name)
            return reshape(imp.slice(ht, [i, 0, 0], [1, bsz, hid], name), [bsz, hid],
                           name)

        hn, cn = [], []
        layer_in = h
        for layer in range(mod.num_layers):
            outs = []
            for dr in range(ndir):
                sfx = "_l%d%s" % (layer, "_reverse" if dr else "")
                lname = "%s.l%d%s" % (name, layer, "_reverse" if dr else "")

                def param(p):
                    t = getattr(mod, p + sfx, None)
                    return None if t is None else t.detach().float().numpy()

                o, ht, ct = L.recurrence(
                    kind, layer_in, steps, bsz, param("weight_ih"), param("weight_hh"),
                    param("bias_ih") if mod.bias else None,
                    param("bias_hh") if mod.bias else None,
                    None if h0 is None else init(h0, layer * ndir + dr),
                    None if c0 is None else init(c0, layer * ndir + dr), dr == 1, lname)
                outs.append(o)
                hn.append(reshape(ht, [1, bsz, hid], lname))
                if kind == "LSTM":
                    cn.append(reshape(ct, [1, bsz, hid], lname))
            layer_in = outs[0] if ndir == 1 else imp.concat(outs, 2, name)
        out = layer_in
        if not batched:
            out = reshape(out, [steps, hid * ndir], name)
        elif mod.batch_first:
            out = imp.permute(out, [1, 0, 2], name)

        def stack(hs):
            s = imp.concat(hs, 0, name) if len(hs) > 1 else hs[0]
            return reshape(s, [len(hs), hid], name) if not batched else s

        if kind == "LSTM":
            return (out, (stack(hn), stack(cn)))
        return (out, stack(hn))

    def conv_transpose(node, mod, x, name):
        """ConvTranspose2d as a convolution of the zero-stuffed, padded input
        with the flipped, transposed filters."""
        xs = shape(x)
        if len(xs) != 4:
            unsupported(node, "nn.ConvTranspose2d on a rank-%d input" % len(xs))
        n, c, hh, ww = xs
        s, p, d = _pair(mod.stride), _pair(mod.padding), _pair(mod.dilation)
        op, g = _pair(mod.output_padding), mod.groups
        k = list(mod.kernel_size)
        h, shp = H(x), list(xs)
        for ax in range(2):
            if s[ax] == 1:
                continue
            dim = 2 + ax
            split = shp[:dim + 1] + [1] + shp[dim + 1:]
            zs = list(split)
            zs[dim + 1] = s[ax] - 1
            t = imp.concat([reshape(h, split, name), const(torch.zeros(zs))],
                           dim + 1, name)
            full = shp[:dim] + [shp[dim] * s[ax]] + shp[dim + 1:]
            h = reshape(t, full, name)
            h, shp = slice_dim(h, full, dim, 0, (shp[dim] - 1) * s[ax] + 1, 1, name)
        pads = [(0, 0), (0, 0)] + [(d[i] * (k[i] - 1) - p[i],
                                    d[i] * (k[i] - 1) - p[i] + op[i]) for i in range(2)]
        h, shp = pad_dims(h, shp, pads, 0.0, name)
        w = mod.weight.detach()
        cin, cout_g = w.shape[0], w.shape[1]
        w = w.reshape(g, cin // g, cout_g, k[0], k[1]).transpose(1, 2)
        w = w.reshape(g * cout_g, cin // g, k[0], k[1]).flip(-1, -2).contiguous()
        return imp.conv2d(h, const(w), const(mod.bias), [1, 1], [0, 0], d, g, name)

    def call_module(node, mod, name):
        kind = type(mod).__name__
        if getattr(torch.nn, kind, None) is not type(mod):
            unsupported(node, "module %s.%s" % (type(mod).__module__, kind))
        check_attrs(node, mod, kind)
        x, got = check_call(node, mod, kind)
        if not isinstance(x, Node):
            unsupported(node, "call of nn.%s on a constant" % kind)
        xs = shape(x)
        if kind == "MultiheadAttention":  # (output, weights: never read)
            return (mha_module(node, mod, x, got, name), None)
        if kind == "TransformerEncoderLayer":
            h, bs, undo = batch_first_in(node, mod, x, name)
            return undo(encoder_layer(node, mod, h, bs, name, got.get("src_mask"),
                                      got.get("src_key_padding_mask")))
        if kind == "TransformerEncoder":
            return encoder(node, mod, x, got, name)
        if kind == "TransformerDecoderLayer":
            return decoder(node, mod, x, got, name, [mod])
        if kind == "TransformerDecoder":
            return decoder(node, mod, x, got, name, list(mod.layers))
        if kind in ("LSTM", "GRU"):
            return recurrent(node, mod, kind, x, got, name)
        if kind == "Embedding":
            return one_hot_embed(x, mod.weight.detach(), name)
        if kind == "LayerNorm":
            return layer_norm(x, list(mod.normalized_shape), mod.weight, mod.bias,
                              mod.eps, name)
        if kind in ("Softmax", "LogSoftmax"):
            return softmax_dim(x, mod.dim, name, log=kind == "LogSoftmax")
        if kind == "Conv1d":
            n, c, length = xs
            if isinstance(mod.padding, str):
                unsupported(node, "nn.Conv1d(padding='%s')" % (mod.padding,))
            x4 = reshape(H(x), [n, c, 1, length], name)
            w = mod.weight
            w4 = imp.constant(w.detach().float().reshape(w.shape[0], w.shape[1], 1,
                                                         w.shape[2]).contiguous().numpy())
            y = imp.conv2d(x4, w4, const(mod.bias), [1, mod.stride[0]],
                           [0, mod.padding[0]], [1, mod.dilation[0]], mod.groups, name)
            return reshape(y, shape(node), name)
        if kind == "Linear":
            return linear_nd(H(x), xs, mod.weight, const(mod.bias), name)
        if kind == "Conv2d":
            if isinstance(mod.padding, str):
                unsupported(node, "nn.Conv2d(padding='%s')" % (mod.padding,))
            return imp.conv2d(H(x), const(mod.weight), const(mod.bias),
                              _pair(mod.stride), _pair(mod.padding),
                              _pair(mod.dilation), mod.groups, name)
        if kind == "ConvTranspose2d":
            return conv_transpose(node, mod, x, name)
        if kind in ("BatchNorm1d", "BatchNorm2d"):
            c = mod.num_features
            w = mod.weight if mod.affine else torch.ones(c)
            b = mod.bias if mod.affine else torch.zeros(c)
            return imp.batch_norm(H(x), const(mod.running_mean), const(mod.running_var),
                                  const(w), const(b), float(mod.eps), name)
        if kind in _UNARY_MODULES:
            return imp.unary(_UNARY_MODULES[kind], H(x), name)
        if kind == "GELU":
            if mod.approximate == "tanh":
                return tanh_gelu(H(x), name)
            return imp.unary("gelu", H(x), name)
        if kind == "LeakyReLU":
            return leaky(H(x), mod.negative_slope, name)
        if kind == "ELU":
            return elu(H(x), mod.alpha, name)
        if kind == "Hardtanh":
            return clamp(H(x), mod.min_val, mod.max_val, name)
        if kind in _IDENTITY_MODULES:
            return H(x)
        if kind == "MaxPool2d":
            return pool(node, True, x, mod.kernel_size, mod.stride, mod.padding,
                        mod.dilation, mod.ceil_mode, True, None, name)
        if kind == "AvgPool2d":
            return pool(node, False, x, mod.kernel_size, mod.stride, mod.padding, 1,
                        mod.ceil_mode, mod.count_include_pad, mod.divisor_override,
                        name)
        if kind == "AdaptiveAvgPool2d":
            return adaptive_avg(node, x, mod.output_size, name)
        if kind in ("Flatten", "Unflatten"):
            return reshape(H(x), shape(node), name)
        if kind == "Upsample":
            return interpolate(node, x, mod.size, mod.scale_factor, mod.mode,
                               mod.align_corners, getattr(mod, "recompute_scale_factor",
                                                          None), name)
        if kind in ("ZeroPad2d", "ConstantPad2d", "ConstantPad1d"):
            return pad_fn(node, x, list(mod.padding), getattr(mod, "value", 0.0), name)
        unsupported(node, "module nn.%s" % kind)

    def leaky(h, slope, name):
        return L.leaky(h, slope, name)

    def elu(h, alpha, name):
        return L.elu(h, alpha, name)

    def clamp(h, lo, hi, name):
        if isinstance(lo, Node) or isinstance(hi, Node):
            raise ImcError("imc.export: clamp '%s' with tensor bounds" % name)
        return L.clamp(h, lo, hi, name)

    def pad_fn(node, x, pad, value, name):
        xs = shape(x)
        if len(pad) % 2 or len(pad) // 2 > len(xs):
            unsupported(node, "padding %s of a rank-%d tensor" % (pad, len(xs)))
        pads = [(0, 0)] * len(xs)
        for i in range(len(pad) // 2):  # from the last dimension backwards
            pads[len(xs) - 1 - i] = (pad[2 * i], pad[2 * i + 1])
        return pad_dims(H(x), xs, pads, 0.0 if value is None else value, name)[0]

    def getitem(node, x, idx, name):
        if isinstance(env.get(x), (tuple, list)):
            return env[x][idx]
        if isinstance(idx, torch.Tensor) and idx.dtype == torch.bool:
            unsupported(node, "indexing with a boolean mask")
        idx = list(idx) if isinstance(idx, tuple) else [idx]
        xs = shape(x)
        if any(isinstance(i, Node) for i in idx):
            unsupported(node, "indexing with a tensor computed from the inputs")
        tens = [i for i in idx if isinstance(i, (torch.Tensor, list))]
        if len(tens) > 1:
            unsupported(node, "indexing with more than one index tensor")
        if Ellipsis in idx:
            e = idx.index(Ellipsis)
            used = sum(1 for i in idx if i is not None and i is not Ellipsis)
            idx = idx[:e] + [slice(None)] * (len(xs) - used) + idx[e + 1:]
        h, shp, d = H(x), list(xs), 0
        for i in idx:
            if i is None:
                continue
            if isinstance(i, int):
                n = shp[d]
                if not -n <= i < n:
                    raise ImcError("imc.export: index %d out of range for dimension "
                                   "%d of size %d at graph node '%s'"
                                   % (i, d, n, node.name))
                h, shp = slice_dim(h, shp, d, i % n, i % n + 1, 1, name)
            elif isinstance(i, slice):
                h, shp = slice_dim(h, shp, d, i.start, i.stop, i.step, name)
            elif isinstance(i, (torch.Tensor, list)):
                t = torch.as_tensor(i)
                if t.dim() != 1:
                    unsupported(node, "indexing with a %d-D index tensor" % t.dim())
                h = gather_dim(h, shp, d, [int(v) for v in t], name)
                shp[d] = len(t)
            else:
                unsupported(node, "index %r" % (i,))
            d += 1
        return reshape(h, shape(node), name)

    def split_op(node, x, sizes, dim, name):
        xs = shape(x)
        dim = dim % len(xs)
        out, off = [], 0
        for s in sizes:
            o = [0] * len(xs)
            o[dim] = off
            sz = list(xs)
            sz[dim] = s
            out.append(imp.slice(H(x), o, sz, name) if sz != xs else H(x))
            off += s
        return tuple(out)

    def op(node, what, b, name):
        """One canonical op with its bound arguments."""
        vs = list(b.values())
        x = vs[0] if vs else None
        if what in ("relu", "relu_", "relu6", "sigmoid", "tanh", "silu",
                    "hardswish", "hardsigmoid", "exp", "log", "sqrt", "erf",
                    "abs", "neg"):
            kind = "relu" if what == "relu_" else what
            return imp.unary(kind, H(x), name)
        if what == "rsqrt":
            return imp.scalar("div", imp.unary("sqrt", H(x), name), 1.0, True, name)
        if what == "gelu":
            if b.get("approximate", "none") == "tanh":
                return tanh_gelu(H(x), name)
            return imp.unary("gelu", H(x), name)
        if what == "leaky_relu":
            return leaky(H(x), b.get("negative_slope", 0.01), name)
        if what == "elu":
            return elu(H(x), b.get("alpha", 1.0), name)
        if what == "hardtanh":
            return clamp(H(x), b.get("min_val", -1.0), b.get("max_val", 1.0), name)
        if what == "clamp":
            return clamp(H(x), b.get("min"), b.get("max"), name)
        if what in ("add", "sub", "rsub"):
            a, c = b["input"], b["other"]
            alpha = b.get("alpha", 1)
            if alpha != 1:
                if isinstance(c, (int, float)):
                    c = c * alpha
                elif isinstance(c, torch.Tensor):
                    c = c * alpha
                else:
                    c = _Scaled(imp.scalar("mul", H(c), float(alpha), False, name),
                                c)
            if what == "rsub":
                a, c = c, a
                what = "sub"
            if isinstance(c, _Scaled):
                return imp.binary(what, H(a), c.h, name) if isinstance(a, Node) \
                    or isinstance(a, torch.Tensor) else imp.scalar(
                        what, c.h, float(a), True, name)
            return elementwise(node, what, a, c, name)
        if what in ("mul", "div", "maximum", "minimum"):
            kind = {"maximum": "max", "minimum": "min"}.get(what, what)
            return elementwise(node, kind, b["input"], b["other"], name)
        if what in ("eq", "ne", "lt", "le", "gt", "ge"):
            return elementwise(node, what, b["input"], b["other"], name)
        if what == "pow":
            return power(node, b["input"], b["exponent"], name)
        if what in ("logical_not", "invert"):
            if what == "invert" and dtype(x) != torch.bool:
                unsupported(node, "bitwise not of a %s tensor (only bool)" % dtype(x))
            return imp.scalar("eq", truth(x, name), 0.0, False, name)
        if what in ("logical_and", "logical_or"):
            a, c = b["input"], b["other"]
            if what == "logical_and" and node.target is operator.and_ or \
                    node.target is operator.or_:
                if dtype(a) != torch.bool or dtype(c) != torch.bool:
                    unsupported(node, "bitwise and/or of integer tensors (only bool)")
            ta = truth(a, name) if isinstance(a, Node) else const(torch.as_tensor(
                a).bool().float())
            tc = truth(c, name) if isinstance(c, Node) else const(torch.as_tensor(
                c).bool().float())
            return imp.binary("mul" if what == "logical_and" else "max", ta, tc, name)
        if what == "where":
            cond = b["condition"]
            tc = truth(cond, name) if isinstance(cond, Node) else const(
                torch.as_tensor(cond).bool().float())
            return imp.select(tc, H(b["input"]), H(b["other"]), name)
        if what == "masked_fill":
            m, v = b["mask"], b["value"]
            tm = truth(m, name) if isinstance(m, Node) else const(m.bool().float())
            if isinstance(v, Node):
                unsupported(node, "masked_fill with a value computed from the inputs")
            return imp.select(tm, const(torch.as_tensor(v, dtype=torch.float32)), H(x),
                              name)
        if what == "matmul":
            return matmul(node, vs[0], vs[1], name)
        if what == "addmm":
            beta, alpha = b.get("beta", 1), b.get("alpha", 1)
            y = matmul(node, b["mat1"], b["mat2"], name)
            if alpha != 1:
                y = imp.scalar("mul", y, float(alpha), False, name)
            c = b["input"]
            if beta != 1:
                c = c * beta if isinstance(c, torch.Tensor) else _Scaled(
                    imp.scalar("mul", H(c), float(beta), False, name), c)
            return imp.binary("add", y, c.h if isinstance(c, _Scaled) else H(c), name)
        if what == "linear":
            w, bias = b["weight"], b.get("bias")
            if isinstance(w, torch.Tensor) and not isinstance(bias, Node):
                return linear_nd(H(x), shape(x), w, const(bias), name)
            ws = shape(w)
            wt = imp.permute(H(w), [1, 0], name) if len(ws) == 2 else H(w)
            y = matmul(node, x, _Handle(wt, ws[::-1]), name)
            return imp.binary("add", y, H(bias), name) if bias is not None else y
        if what == "t":
            r = len(shape(x))
            return imp.permute(H(x), [1, 0], name) if r == 2 else H(x)
        if what in ("cat", "stack"):
            ts = [t for t in x]
            dim = b.get("dim", 0)
            if what == "stack":
                r = len(shape(ts[0])) + 1
                dim %= r
                hs = []
                for t in ts:
                    s = shape(t)
                    hs.append(reshape(H(t), s[:dim] + [1] + s[dim:], name))
                return imp.concat(hs, dim, name) if len(hs) > 1 else hs[0]
            ts = [t for t in ts if shape(t) != [0]]  # torch skips empty 1-D
            if len(ts) == 1:
                return H(ts[0])
            return imp.concat([H(t) for t in ts], dim % len(shape(node)), name)
        if what == "chunk":
            xs = shape(x)
            dim = b.get("dim", 0) % len(xs)
            parts = [len(t) if False else t.shape[dim] for t in vals[node]]
            return split_op(node, x, parts, dim, name)
        if what == "split":
            dim = b.get("dim", 0)
            parts = [t.shape[dim % len(shape(x))] for t in vals[node]]
            return split_op(node, x, parts, dim, name)
        if what == "unbind":
            xs = shape(x)
            dim = b.get("dim", 0) % len(xs)
            parts = split_op(node, x, [1] * xs[dim], dim, name)
            return tuple(reshape(p, xs[:dim] + xs[dim + 1:], name) for p in parts)
        if what in ("softmax", "F_softmax", "log_softmax", "F_log_softmax"):
            return softmax_dim(x, b.get("dim"), name, log="log" in what)
        if what in ("permute", "transpose"):
            rank = len(shape(x))
            if what == "transpose":
                perm = list(range(rank))
                i, j = b["dim0"] % rank, b["dim1"] % rank
                perm[i], perm[j] = perm[j], perm[i]
            else:
                dims = b["dims"]
                if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
                    dims = dims[0]
                perm = [d % rank for d in dims]
            return imp.permute(H(x), perm, name)
        if what in ("mean", "sum"):
            rank = len(shape(x))
            dims = b.get("dim")
            dims = [dims] if isinstance(dims, int) else list(dims or range(rank))
            dims = [d % rank for d in dims]
            y = imp.mean(H(x), dims, bool(b.get("keepdim", False)), name)
            if what == "sum":
                n = int(np.prod([shape(x)[d] for d in dims])) if dims else 1
                y = imp.scalar("mul", y, float(n), False, name)
            return y
        if what in ("flatten", "reshape", "unsqueeze"):
            if vals[node].dtype != dtype(x):
                unsupported(node, "view as dtype %s" % vals[node].dtype)
            return reshape(H(x), shape(node), name)
        if what == "identity":
            return H(x)
        if what == "cast":
            src, dst = dtype(x), vals[node].dtype
            if dst == src or (dst == torch.float32 and not src.is_floating_point):
                return H(x)
            if dst == torch.bool:
                return truth(x, name)
            if src == torch.bool or (not dst.is_floating_point and
                                     not src.is_floating_point):
                return H(x)
            unsupported(node, "cast from %s to %s" % (src, dst))
        if what == "expand":
            return imp.expand(H(x), shape(node), name)
        if what == "repeat":
            xs, out = shape(x), shape(node)
            xs2 = [1] * (len(out) - len(xs)) + xs
            inter, big = [], []
            for r, s in zip([o // s for o, s in zip(out, xs2)], xs2):
                inter += [1, s]
                big += [r, s]
            h = reshape(H(x), inter, name)
            return reshape(imp.expand(h, big, name), out, name)
        if what == "getitem":
            return getitem(node, x, b["b"], name)
        if what == "narrow":
            xs = shape(x)
            d = b["dim"] % len(xs)
            s = b["start"] % xs[d]
            return slice_dim(H(x), xs, d, s, s + b["length"], 1, name)[0]
        if what == "select":
            xs = shape(x)
            d = b["dim"] % len(xs)
            i = b["index"] % xs[d]
            return reshape(slice_dim(H(x), xs, d, i, i + 1, 1, name)[0], shape(node),
                           name)
        if what == "index_select":
            idx = b["index"]
            if isinstance(idx, Node):
                unsupported(node, "index_select with indices computed from the inputs")
            xs = shape(x)
            return gather_dim(H(x), xs, b["dim"] % len(xs), [int(v) for v in idx], name)
        if what == "roll":
            shifts, dims = b["shifts"], b.get("dims")
            if dims is None or dims == ():
                unsupported(node, "roll without dims")
            shifts = [shifts] if isinstance(shifts, int) else list(shifts)
            dims = [dims] if isinstance(dims, int) else list(dims)
            h, xs = H(x), shape(x)
            for s, d in zip(shifts, dims):
                d %= len(xs)
                n = xs[d]
                s %= n
                if s:
                    a, _ = slice_dim(h, xs, d, n - s, n, 1, name)
                    c, _ = slice_dim(h, xs, d, 0, n - s, 1, name)
                    h = imp.concat([a, c], d, name)
            return h
        if what == "pad":
            return pad_fn(node, x, list(b["pad"]), b.get("value", 0.0), name)
        if what == "layer_norm":
            return layer_norm(x, b["normalized_shape"], b.get("weight"), b.get("bias"),
                              b.get("eps", 1e-5), name)
        if what == "avg_pool2d":
            return pool(node, False, x, b["kernel_size"], b.get("stride"),
                        b.get("padding", 0), 1, b.get("ceil_mode", False),
                        b.get("count_include_pad", True), b.get("divisor_override"),
                        name)
        if what == "max_pool2d":
            return pool(node, True, x, b["kernel_size"], b.get("stride"),
                        b.get("padding", 0), b.get("dilation", 1),
                        b.get("ceil_mode", False), True, None, name)
        if what == "adaptive_avg_pool2d":
            return adaptive_avg(node, x, b["output_size"], name)
        if what == "interpolate":
            return interpolate(node, x, b.get("size"), b.get("scale_factor"),
                               b.get("mode", "nearest"), b.get("align_corners"),
                               b.get("recompute_scale_factor"), name)
        if what in ("dropout", "stochastic_depth"):
            # Identities in evaluation, or when nothing is dropped.
            train = b.get("training", True)
            if train and b.get("p", 0.5) != 0:
                unsupported(node, "argument training=True (random dropping) "
                            "with p=%r" % (b.get("p", 0.5),))
            return H(x)
        if what == "embedding":
            w = b["weight"]
            if isinstance(w, Node):
                unsupported(node, "an embedding table computed from the inputs")
            return one_hot_embed(x, w.detach(), name)
        if what == "batch_norm":
            c = shape(x)[1]
            w = b.get("weight")
            bb = b.get("bias")
            args = [b["running_mean"], b["running_var"],
                    w if w is not None else torch.ones(c),
                    bb if bb is not None else torch.zeros(c)]
            if any(isinstance(a, Node) for a in args):
                unsupported(node, "batch norm with statistics computed from the inputs")
            return imp.batch_norm(H(x), *[const(a) for a in args],
                                  float(b.get("eps", 1e-5)), name)
        if what == "getattr":
            attr = b["name"]
            if attr == "T":
                r = len(shape(x))
                return imp.permute(H(x), list(range(r))[::-1], name)
            if attr == "mT":
                r = len(shape(x))
                perm = list(range(r))
                perm[-1], perm[-2] = perm[-2], perm[-1]
                return imp.permute(H(x), perm, name)
            if attr == "data":
                return H(x)
            unsupported(node, "attribute .%s" % attr)
        unsupported(node, "function %s" % what)

    FLOAT_ONLY = {"exp", "log", "sqrt", "rsqrt", "erf", "sigmoid", "tanh", "gelu",
                  "softmax", "F_softmax", "log_softmax", "F_log_softmax", "div"}

    def convert(node):
        name = node.target if node.op == "call_module" else node.name
        if node.op == "placeholder":
            return imp.input(shape(node))
        if node.op == "call_module":
            return call_module(node, gm.get_submodule(node.target), name)
        if node.op in ("call_function", "call_method"):
            table = fn_args if node.op == "call_function" else method_args
            if node.target not in table:
                if node.op == "call_method":
                    unsupported(node, "method .%s()" % node.target)
                unsupported(node, "function %s"
                            % getattr(node.target, "__name__", node.target))
            what, params = table[node.target]
            b = bind(node, params)
            v = vals.get(node)
            if isinstance(v, torch.Tensor) and v.dtype != torch.float32 and (
                    v.dtype.is_floating_point or v.dtype.is_complex or
                    what in FLOAT_ONLY):
                unsupported(node, "result of dtype %s (only float32, and integer "
                            "or bool tensors of exact values)" % v.dtype)
            return op(node, what, b, name)
        res = node.args[0]  # the output

        def out(r):
            if isinstance(r, Node):
                if dynamic[r]:
                    h = env.get(r)
                    if isinstance(h, int):
                        return [h]
                    if isinstance(h, (tuple, list)):
                        return [y for t in h for y in out_h(t)]
                    raise ImcError("imc.export: the model returns a non-tensor "
                                   "output ('%s')" % r.name)
                r = vals[r]
            if isinstance(r, (tuple, list)):
                return [y for t in r for y in out(t)]
            if isinstance(r, dict):
                return [y for t in r.values() for y in out(t)]
            if isinstance(r, torch.Tensor):
                return [const(r)]
            raise ImcError("imc.export: the model returns a non-tensor output "
                           "(%r); only tensors are supported" % (r,))

        def out_h(h):
            if isinstance(h, (tuple, list)):
                return [y for t in h for y in out_h(t)]
            return [h]

        return out(res)

    def impure(n):
        """Whether n may change a tensor in place (never skipped)."""
        if n.op == "call_method":
            return n.target.endswith("_") and n.target != "__getitem__"
        if n.op == "call_function":
            return n.target in (operator.setitem, operator.iadd, operator.isub,
                                operator.imul, operator.itruediv) or \
                n.kwargs.get("inplace") is True or \
                getattr(n.target, "__name__", "").endswith("_")
        if n.op == "call_module":
            return getattr(gm.get_submodule(n.target), "inplace", False)
        return False

    for node in nodes:
        if not dynamic[node] or (node not in live and not impure(node) and
                                 node.op != "placeholder"):
            continue
        try:
            env[node] = convert(node)
        except ImcError:
            raise
        except Exception as e:  # a case the checks above do not foresee
            raise ImcError("imc.export: cannot convert graph node '%s' (target "
                           "'%s'): %s: %s" % (node.name, target_name(node),
                                              type(e).__name__, e)) from e
    mod = Module(imp.finish(env[nodes[-1]]))
    mod.export_route = route
    return mod


class _Scaled:
    """A tensor argument already scaled (alpha=, beta=): its handle."""

    def __init__(self, h, node):
        self.h = h
        self.node = node


class _Handle:
    """A computed handle passed where a tensor argument is expected."""

    def __init__(self, h, shp):
        self.h = h
        self.shp = shp
