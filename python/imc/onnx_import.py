"""ONNX -> linalg-on-tensors through imc's C++ importer (the same one the
torch.fx exporter uses). Shapes come from ONNX shape inference; initializers
and Constant nodes become constants (weights); every node keeps its ONNX name
as its layer name.

No attribute, input or output is dropped silently: each is implemented, has
no effect on the result, or is an ImcError naming it and the node.
"""
import math

import numpy as np

from . import _imc
from . import _layers
from ._imc import ImcError

_UNARY = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh",
          "HardSwish": "hardswish", "Erf": "erf", "Sqrt": "sqrt", "Exp": "exp",
          "Log": "log", "Abs": "abs", "Neg": "neg"}
_COMPARE = {"Equal": "eq", "Less": "lt", "Greater": "gt", "LessOrEqual": "le",
            "GreaterOrEqual": "ge"}

# Per op: the attributes the importer reads or that cannot change its result,
# and the number of inputs it reads (None: any). Only output 0 is produced.
_OPS = {
    "Constant": ("value value_float value_floats value_int value_ints", 0),
    "Pad": ("mode pads value", 3),
    "Identity": ("", 1),
    "Dropout": ("ratio seed is_test", 3),
    "Gemm": ("alpha beta transA transB", 3),
    "MatMul": ("", 2),
    "Conv": ("auto_pad dilations group kernel_shape pads strides", 3),
    "BatchNormalization": ("epsilon momentum spatial training_mode is_test", 5),
    "Pow": ("", 2),
    "HardSigmoid": ("alpha beta", 1),
    "LeakyRelu": ("alpha", 1),
    "Reciprocal": ("", 1),
    "Clip": ("min max", 3),
    "Gather": ("axis", 2),
    "Slice": ("starts ends axes steps", 5),
    "Split": ("axis split num_outputs", 2),
    "Where": ("", 3),
    "Not": ("", 1),
    "And": ("", 2),
    "Or": ("", 2),
    "Cast": ("to saturate", 1),
    "Expand": ("", 2),
    "Max": ("", None),
    "Min": ("", None),
    "Resize": ("antialias axes coordinate_transformation_mode cubic_coeff_a "
               "exclude_outside extrapolation_value keep_aspect_ratio_policy mode "
               "nearest_mode", 4),
    "LogSoftmax": ("axis", 1),
    "LSTM": ("activation_alpha activation_beta activations clip direction hidden_size "
             "input_forget layout", 7),
    "GRU": ("activation_alpha activation_beta activations clip direction hidden_size "
            "layout linear_before_reset", 6),
    "ReduceSum": ("axes keepdims noop_with_empty_axes", 2),
    "MaxPool": ("auto_pad ceil_mode dilations kernel_shape pads storage_order "
                "strides", 1),
    "AveragePool": ("auto_pad ceil_mode count_include_pad dilations "
                    "kernel_shape pads strides", 1),
    "GlobalAveragePool": ("", 1),
    "Flatten": ("axis", 1),  # the reshapes use the inferred output shape
    "Reshape": ("allowzero shape", 2),
    "Squeeze": ("axes", 2),
    "Unsqueeze": ("axes", 2),
    "Transpose": ("perm", 1),
    "Concat": ("axis", None),
    "Softmax": ("axis", 1),
    "ReduceMean": ("axes keepdims noop_with_empty_axes", 2),
}
_OPS.update({op: ("", 1) for op in _UNARY})
_OPS.update({op: ("", 2) for op in ("Add", "Sub", "Mul", "Div")})
_OPS.update({op: ("", 2) for op in _COMPARE})
# Ops whose outputs past the first imc produces too.
_MULTI = {"Split", "LSTM", "GRU"}

# The only values implemented of attributes that have others.
_FIXED = {
    "Gemm": {"transA": 0, "alpha": 1.0},
    "Conv": {"auto_pad": "NOTSET"},
    "MaxPool": {"auto_pad": "NOTSET"},
    "AveragePool": {"auto_pad": "NOTSET", "dilations": [1, 1]},
    "Resize": {"antialias": 0, "exclude_outside": 0, "keep_aspect_ratio_policy": "stretch"},
    "LSTM": {"input_forget": 0, "activations": ["Sigmoid", "Tanh", "Tanh"] * 2},
    "GRU": {"linear_before_reset": 1, "activations": ["Sigmoid", "Tanh"] * 2},
    "BatchNormalization": {"spatial": 1, "training_mode": 0},
    "Pad": {"mode": "constant", "value": 0.0},
}


def _attrs(node):
    import onnx

    a = {x.name: onnx.helper.get_attribute_value(x) for x in node.attribute}
    return {k: v.decode() if isinstance(v, bytes) else v for k, v in a.items()}


def _unsupported(node, why=""):
    raise ImcError("imc.import_onnx: unsupported ONNX op '%s' at node '%s'%s"
                   % (node.op_type, node.name or node.output[0],
                      (": " + why) if why else ""))


def _inputs(node):
    """The node's inputs without trailing omitted optional ones."""
    ins = list(node.input)
    while ins and not ins[-1]:
        ins.pop()
    return ins


def _validate(graph, opset):
    """Checks what does not need shapes, before ONNX shape inference runs:
    the op, its attributes and their values (onnx's C++ shape inference
    crashes on a stride of 0), its number of inputs, and that no node output
    imc does not produce (MaxPool indices, a Dropout mask, ...) is used."""
    used = {i for n in graph.node for i in n.input} | {o.name for o in graph.output}
    for node in graph.node:
        op, a = node.op_type, _attrs(node)
        if node.domain not in ("", "ai.onnx") or (op not in _OPS and op not in _EVAL
                                                  and op not in ("Shape", "Size")):
            _unsupported(node, "domain '%s'" % node.domain if node.domain else "")
        if op not in _OPS:
            continue  # evaluated before import, or an error then
        names, n_in = _OPS[op]
        for k in a:
            if k not in names.split():
                _unsupported(node, "attribute %s" % k)
        for k, v in _FIXED.get(op, {}).items():
            if k in a and a[k] != v:
                _unsupported(node, "attribute %s=%s (only %s)" % (k, a[k], v))
        if n_in is not None and len(_inputs(node)) > n_in:
            _unsupported(node, "input %d '%s'" % (n_in, node.input[n_in]))
        for i, o in enumerate(node.output[1:], 1):
            if o in used and op not in _MULTI:
                _unsupported(node, "output %d '%s' is used (imc produces only "
                             "output 0)" % (i, o))
        if op in ("Conv", "MaxPool", "AveragePool"):
            for k in ("strides", "dilations", "kernel_shape", "group"):
                if any(int(d) < 1 for d in np.ravel(a.get(k, 1))):
                    _unsupported(node, "attribute %s=%s (must be positive)" % (k, a[k]))
            if any(int(p) < 0 for p in a.get("pads", [])):
                _unsupported(node, "attribute pads=%s (must be >= 0)" % a["pads"])
        if op in ("Dropout", "BatchNormalization") and opset < 7 and \
                not a.get("is_test", 0):
            _unsupported(node, "training mode (attribute is_test=0 at opset %d)"
                         % opset)
        if op == "Transpose" and "perm" in a and \
                sorted(a["perm"]) != list(range(len(a["perm"]))):
            _unsupported(node, "attribute perm=%s (not a permutation)" % a["perm"])
        if op == "HardSigmoid" and (abs(a.get("alpha", 0.2) - 1 / 6) > 1e-6 or
                                    a.get("beta", 0.5) != 0.5):
            _unsupported(node, "attributes alpha/beta other than PyTorch's 1/6, 1/2")
        if op == "Gemm" and a.get("beta", 1.0) != 1.0 and len(_inputs(node)) > 2:
            _unsupported(node, "attribute beta=%s" % a["beta"])


# Ops evaluated on constants (shape arithmetic) before import: numpy, with
# ONNX's semantics.
def _np_type(to):
    from onnx import mapping
    return mapping.TENSOR_TYPE_TO_NP_TYPE[to]


def _axes(node, ins, a, i=1):
    if len(ins) > i and ins[i] is not None:
        return [int(v) for v in np.ravel(ins[i])]
    return [int(v) for v in a["axes"]] if "axes" in a else None


def _slice(x, starts, ends, axes, steps):
    idx = [slice(None)] * x.ndim
    axes = list(range(len(starts))) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    for st, en, ax, sp in zip(starts, ends, axes, steps):
        n = x.shape[ax]
        st, en = int(st), int(en)
        # ONNX clamps huge starts/ends (INT64_MAX means "to the end").
        st = max(-n - 1, min(st, n)) if abs(st) > n else st
        en = max(-n - 1, min(en, n)) if abs(en) > n else en
        idx[ax] = slice(st, en if not (sp < 0 and en < -n) else None, int(sp))
    return x[tuple(idx)]


def _reshape(x, shape, allowzero):
    shape = [int(d) for d in shape]
    if not allowzero:
        shape = [x.shape[i] if d == 0 else d for i, d in enumerate(shape)]
    return x.reshape(shape)


def _reduce(f):
    def r(node, ins, a):
        axes = _axes(node, ins, a)
        keep = bool(a.get("keepdims", 1))
        if not axes and a.get("noop_with_empty_axes", 0):
            return ins[0]
        return f(ins[0], axis=None if not axes else tuple(axes), keepdims=keep)
    return r


def _constant_of_shape(shape, value):
    from onnx import numpy_helper
    v = np.zeros(1, np.float32) if value is None else numpy_helper.to_array(value)
    return np.full([int(d) for d in shape], v.reshape(-1)[0], v.dtype)


def _scatter_nd(data, idx, upd, reduction):
    if reduction != "none":
        raise ValueError("reduction=%s" % reduction)
    out = np.array(data, copy=True)
    for pos in np.ndindex(*idx.shape[:-1]):
        out[tuple(int(v) for v in idx[pos])] = upd[pos]
    return out


def _div(x, y):
    if np.issubdtype(np.result_type(x, y), np.integer):
        return np.trunc(np.true_divide(x, y)).astype(np.result_type(x, y))
    return np.true_divide(x, y).astype(np.result_type(x, y))


_EVAL = {
    "Identity": lambda n, i, a: i[0],
    "Gather": lambda n, i, a: np.take(i[0], i[1], axis=a.get("axis", 0)),
    "Unsqueeze": lambda n, i, a: np.expand_dims(
        i[0], tuple(sorted(v % (i[0].ndim + len(_axes(n, i, a)))
                           for v in _axes(n, i, a)))),
    "Squeeze": lambda n, i, a: np.squeeze(
        i[0], None if _axes(n, i, a) is None else tuple(_axes(n, i, a))),
    "Concat": lambda n, i, a: np.concatenate(i, axis=a["axis"]),
    "Slice": lambda n, i, a: _slice(i[0], *(
        [i[k] if len(i) > k else None for k in (1, 2, 3, 4)] if len(i) > 1 else
        [a["starts"], a["ends"], a.get("axes"), None])),
    "Cast": lambda n, i, a: i[0].astype(_np_type(a["to"])),
    "Add": lambda n, i, a: np.add(i[0], i[1]),
    "Sub": lambda n, i, a: np.subtract(i[0], i[1]),
    "Mul": lambda n, i, a: np.multiply(i[0], i[1]),
    "Div": lambda n, i, a: _div(i[0], i[1]),
    "Mod": lambda n, i, a: (np.fmod if a.get("fmod", 0) else np.mod)(i[0], i[1]),
    "Equal": lambda n, i, a: np.equal(i[0], i[1]),
    "Less": lambda n, i, a: np.less(i[0], i[1]),
    "Greater": lambda n, i, a: np.greater(i[0], i[1]),
    "LessOrEqual": lambda n, i, a: np.less_equal(i[0], i[1]),
    "GreaterOrEqual": lambda n, i, a: np.greater_equal(i[0], i[1]),
    "Not": lambda n, i, a: np.logical_not(i[0]),
    "And": lambda n, i, a: np.logical_and(i[0], i[1]),
    "Or": lambda n, i, a: np.logical_or(i[0], i[1]),
    "Where": lambda n, i, a: np.where(i[0], i[1], i[2]),
    "ConstantOfShape": lambda n, i, a: _constant_of_shape(i[0], a.get("value")),
    "ScatterND": lambda n, i, a: _scatter_nd(i[0], i[1], i[2], a.get("reduction", "none")),
    "Range": lambda n, i, a: np.arange(i[0], i[1], i[2]).astype(np.asarray(i[0]).dtype),
    "Reshape": lambda n, i, a: _reshape(i[0], i[1], a.get("allowzero", 0)),
    "Expand": lambda n, i, a: i[0] * np.ones([int(d) for d in i[1]], i[0].dtype),
    "Transpose": lambda n, i, a: np.transpose(i[0], a.get("perm")),
    "Sqrt": lambda n, i, a: np.sqrt(i[0]),
    "Pow": lambda n, i, a: np.power(i[0], i[1]).astype(i[0].dtype),
    "Floor": lambda n, i, a: np.floor(i[0]),
    "Ceil": lambda n, i, a: np.ceil(i[0]),
    "Neg": lambda n, i, a: np.negative(i[0]),
    "Abs": lambda n, i, a: np.abs(i[0]),
    "Max": lambda n, i, a: np.maximum.reduce(i),
    "Min": lambda n, i, a: np.minimum.reduce(i),
    "Tile": lambda n, i, a: np.tile(i[0], [int(d) for d in i[1]]),
    "Trilu": lambda n, i, a: (np.triu if a.get("upper", 1) else np.tril)(
        i[0], int(i[1]) if len(i) > 1 else 0),
    "ReduceProd": _reduce(np.prod),
    "ReduceSum": _reduce(np.sum),
    "ReduceMax": _reduce(np.max),
    "ReduceMin": _reduce(np.min),
    "MatMul": lambda n, i, a: np.matmul(i[0], i[1]),
}
# Ops imc imports only when they can be evaluated before import.
_FOLD_ONLY = {"Shape", "Size", "Mod", "ConstantOfShape", "Range", "Floor", "Ceil",
              "Tile", "Trilu", "ReduceProd", "ReduceMax", "ReduceMin", "ScatterND"}


def _fold(model):
    """Evaluates every node whose inputs are constants, and Shape/Size of
    tensors whose shapes are static, until nothing changes: the shape
    arithmetic exporters write (Shape, Gather, Concat, ConstantOfShape, Mod,
    ...) becomes constants, as shapes are in imc's IR."""
    from onnx import helper, numpy_helper, shape_inference

    # Weights (initializers of more than 4096 elements) leave the graph while
    # it is folded, as inputs of their type: shape inference, which copies the
    # model each round, then copies a skeleton; they are read when folding
    # needs their values, once.
    g = model.graph
    big = {i.name: i for i in g.initializer if int(np.prod(i.dims)) > 4096}
    big_values = {}
    if big:
        small = [i for i in g.initializer if i.name not in big]
        del g.initializer[:]
        g.initializer.extend(small)
        listed = {x.name for x in g.input}
        added = [n for n in big if n not in listed]
        g.input.extend(helper.make_tensor_value_info(n, big[n].data_type, list(big[n].dims))
                       for n in added)

    def restore(model):
        if big:
            g = model.graph
            used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
            ins = [x for x in g.input if x.name not in added]
            del g.input[:]
            g.input.extend(ins)
            g.initializer.extend(big[n] for n in big if n in used)
        return model

    class Consts(dict):
        """Constants by name; weights converted when first read."""

        def __contains__(self, name):
            return dict.__contains__(self, name) or name in big

        def __getitem__(self, name):
            if not dict.__contains__(self, name) and name in big:
                if name not in big_values:
                    big_values[name] = numpy_helper.to_array(big[name])
                return big_values[name]
            return dict.__getitem__(self, name)

    for _ in range(64):
        try:
            model = shape_inference.infer_shapes(model, strict_mode=True)
        except Exception as e:  # onnx.shape_inference.InferenceError
            raise ImcError("imc.import_onnx: ONNX shape inference rejects the "
                           "model: %s" % str(e).strip().splitlines()[-1]) from None
        g = model.graph
        consts = Consts((i.name, numpy_helper.to_array(i)) for i in g.initializer)
        shapes = {}
        for vi in list(g.input) + list(g.value_info) + list(g.output):
            dims = vi.type.tensor_type.shape.dim
            if vi.type.tensor_type.HasField("shape") and all(
                    d.HasField("dim_value") for d in dims):
                shapes[vi.name] = [d.dim_value for d in dims]
        keep, folded = [], {}
        for node in g.node:
            a = _attrs(node)
            ins = list(node.input)
            if node.op_type == "Constant":
                if "value" in a:
                    consts[node.output[0]] = numpy_helper.to_array(a["value"])
                else:
                    consts[node.output[0]] = np.asarray(next(iter(a.values())))
                folded[node.output[0]] = consts[node.output[0]]
                continue
            out = None
            if node.op_type in ("Shape", "Size") and (ins[0] in shapes or
                                                       ins[0] in consts):
                shp = (list(np.shape(consts[ins[0]])) if ins[0] in consts
                       else shapes[ins[0]])
                if node.op_type == "Size":
                    out = [np.array(int(np.prod(shp)), np.int64)]
                else:
                    out = [np.array(shp[a.get("start", 0):a.get("end", len(shp))],
                                    np.int64)]
            elif node.op_type in _EVAL and all(not i or i in consts for i in ins) \
                    and node.domain in ("", "ai.onnx"):
                vals = [consts[i] if i else None for i in ins]
                while vals and vals[-1] is None:
                    vals.pop()
                try:
                    out = [np.asarray(_EVAL[node.op_type](node, vals, a))]
                except Exception as e:
                    _unsupported(node, "evaluating it on constants failed: %s" % e)
            if out is None:
                keep.append(node)
                continue
            for name, v in zip(node.output, out):
                consts[name] = v
                folded[name] = v
        if len(keep) == len([n for n in g.node]):
            return restore(model)
        used = {i for n in keep for i in n.input} | {o.name for o in g.output}
        inits = [i for i in g.initializer if i.name in used]
        have = {i.name for i in inits}
        for name, v in folded.items():
            if name in used and name not in have:
                inits.append(numpy_helper.from_array(np.asarray(v), name))
        del g.node[:]
        g.node.extend(keep)
        del g.initializer[:]
        g.initializer.extend(inits)
        keep_vi = [vi for vi in g.value_info if vi.name not in folded]
        del g.value_info[:]
        g.value_info.extend(keep_vi)
    return restore(model)


def import_onnx(model_or_path):
    """Imports an ONNX model (an ``onnx.ModelProto``, a path, or serialized
    bytes) as an :class:`imc.Module`. Unsupported operators, attributes and
    outputs, dynamic input shapes and non-float tensors raise ImcError naming
    the node or input."""
    import onnx
    from onnx import numpy_helper

    from . import Module

    if isinstance(model_or_path, (bytes, bytearray)):
        model = onnx.load_from_string(bytes(model_or_path))
    elif isinstance(model_or_path, str):
        model = onnx.load(model_or_path)
    else:
        model = model_or_path
    opset = max([o.version for o in model.opset_import
                 if o.domain in ("", "ai.onnx")] or [1])
    _validate(model.graph, opset)
    model = _fold(model)
    g = model.graph
    for node in g.node:
        if node.op_type in _FOLD_ONLY or node.op_type not in _OPS:
            _unsupported(node, "only on constants and static shapes, which its "
                         "inputs are not")

    consts = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    shapes = {}
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        dims = vi.type.tensor_type.shape.dim
        shapes[vi.name] = [d.dim_value if d.HasField("dim_value") else -1
                           for d in dims]

    imp = _imc.Importer(_imc.Context())
    L = _layers.Layers(imp)
    env = {}
    types = {}  # element types of values that are not float32
    for inp in g.input:
        if inp.name in consts:
            continue
        shape = shapes.get(inp.name, [])
        if not shape or any(d <= 0 for d in shape):
            raise ImcError("imc.import_onnx: input '%s' has a dynamic or "
                           "unknown shape %s; export with static shapes"
                           % (inp.name, shape))
        et = inp.type.tensor_type.elem_type
        T = onnx.TensorProto
        if et not in (T.FLOAT, T.BOOL, T.INT64, T.INT32, T.INT16, T.INT8, T.UINT8):
            raise ImcError("imc.import_onnx: input '%s' has element type %s; imc "
                           "takes float32, integer or bool inputs (as float32 values)"
                           % (inp.name, T.DataType.Name(et)))
        env[inp.name] = imp.input(shape)
        types[inp.name] = et

    def value(name):
        if name in env:
            return env[name]
        if name in consts:
            env[name] = imp.constant(np.asarray(consts[name], np.float32))
            return env[name]
        if name in pending_pads:  # a Pad no convolution or pooling took
            src, pads, fill = pending_pads.pop(name)
            x = value(src)
            xs = imp.shape(x)
            r = len(xs)
            env[name] = L.pad_dims(x, xs, [(pads[i], pads[i + r]) for i in range(r)],
                                   fill, name)[0]
            return env[name]
        raise ImcError("imc.import_onnx: no value '%s'" % name)

    def const(name):
        return consts.get(name)

    def const_input(node, i, what):
        """Optional input i, which must be a constant: None if omitted."""
        ins = _inputs(node)
        if i >= len(ins) or not ins[i]:
            return None
        if ins[i] not in consts:
            unsupported(node, "input %d (%s) '%s' is not a constant" % (i, what, ins[i]))
        return consts[ins[i]]

    def rank(name):
        return len(imp.shape(value(name)))

    unsupported = _unsupported

    def sym_pads(node, pads, rank=2):
        pads = list(pads or [0] * (2 * rank))
        if pads[:rank] != pads[rank:]:
            unsupported(node, "asymmetric padding %s" % pads)
        return pads[:rank]

    def window(node, src, k, pads, dil=(1, 1)):
        """value(src), once the (dilated) window k fits into it padded."""
        x = value(src)
        hw = imp.shape(x)[2:]
        if len(hw) == 2 and any(n + 2 * p < d * (kk - 1) + 1
                                for n, p, d, kk in zip(hw, pads, dil, k)):
            unsupported(node, "window %s larger than the padded input %s"
                        % (list(k), hw))
        return x

    # Zero pads of the spatial dims, folded into the pooling or convolution
    # that reads them (torch exports a padded AvgPool2d as Pad + AveragePool).
    pending_pads = {}

    def take_pad(name, pads):
        """Folds the zero padding of the spatial dims of NCHW (both sides
        equal) into a convolution or average pooling."""
        if name in pending_pads:
            src, p, fill = pending_pads[name]
            if fill == 0.0 and len(p) == 8 and not any(p[i] for i in (0, 1, 4, 5)) \
                    and p[2:4] == p[6:8]:
                return src, [q + e for q, e in zip(pads, p[2:4])]
        return name, pads

    def truth(name):
        """A value's truth as 1.0 / 0.0 (bool values already are)."""
        if types.get(name) == onnx.TensorProto.BOOL:
            return value(name)
        return imp.scalar("ne", value(name), 0.0, False, name)

    def resize(node, a, ins, out, name):
        """Resize, nearest or linear, with ONNX's coordinate transformations
        (PyTorch exports 'asymmetric' + 'floor' for nearest and
        'pytorch_half_pixel' or 'align_corners' for bilinear)."""
        mode = a.get("mode", "nearest")
        ctm = a.get("coordinate_transformation_mode", "half_pixel")
        rnd = a.get("nearest_mode", "round_prefer_floor")
        if mode not in ("nearest", "linear"):
            unsupported(node, "attribute mode=%s (only nearest and linear)" % mode)
        if ctm == "tf_crop_and_resize":
            unsupported(node, "attribute coordinate_transformation_mode=%s" % ctm)
        if "axes" in a:
            unsupported(node, "attribute axes (scales and sizes for every axis only)")
        x = value(ins[0])
        xs = imp.shape(x)
        oshape = shapes.get(out)
        if not oshape or any(d <= 0 for d in oshape):
            unsupported(node, "output shape unknown")
        scales = const_input(node, 2, "scales") if len(ins) > 2 else None
        scales = None if scales is None or np.size(scales) == 0 else np.ravel(scales)
        h, shp = x, list(xs)
        for d in range(len(xs)):
            n, m = xs[d], oshape[d]
            if n == m and (scales is None or scales[d] == 1):
                continue
            sc = float(scales[d]) if scales is not None else m / n
            src = []
            for i in range(m):
                if ctm == "align_corners":
                    c = i * (n - 1) / (m - 1) if m > 1 else 0.0
                elif ctm == "asymmetric":
                    c = i / sc
                elif ctm == "pytorch_half_pixel":
                    c = (i + 0.5) / sc - 0.5 if m > 1 else 0.0
                else:  # half_pixel
                    c = (i + 0.5) / sc - 0.5
                if mode == "nearest":
                    if rnd == "floor":
                        c = math.floor(c)
                    elif rnd == "ceil":
                        c = math.ceil(c)
                    elif rnd == "round_prefer_ceil":
                        c = math.floor(c + 0.5)
                    else:  # round_prefer_floor
                        c = math.ceil(c - 0.5)
                src.append(c)
            h, shp = L.resample(h, shp, d, src, mode, name)
        env[out] = h

    def recurrent(node, op, a, ins, name):
        """ONNX LSTM (gates i, o, f, c) and GRU (z, r, h, linear_before_reset
        as PyTorch), unrolled by the same code as imc.export's nn.LSTM/GRU."""
        if "clip" in a:
            unsupported(node, "attribute clip")
        acts = a.get("activations")
        if acts is not None and list(acts) != _FIXED[op]["activations"][:len(acts)]:
            unsupported(node, "attribute activations=%s" % acts)
        if "activation_alpha" in a or "activation_beta" in a:
            unsupported(node, "attributes activation_alpha/beta")
        w, r = const_input(node, 1, "W"), const_input(node, 2, "R")
        if w is None or r is None:
            unsupported(node, "computed weights")
        b = const_input(node, 3, "B")
        if len(ins) > 4 and ins[4]:
            unsupported(node, "input 4 sequence_lens (every sequence has the "
                        "example's length)")
        if op == "LSTM" and len(ins) > 7 and ins[7]:
            unsupported(node, "input 7 P (peepholes)")
        x = value(ins[0])
        xs = imp.shape(x)
        layout = a.get("layout", 0)
        if layout:
            x, xs = imp.permute(x, [1, 0, 2], name), [xs[1], xs[0], xs[2]]
        steps, bsz, _ = xs
        hid = int(a.get("hidden_size", r.shape[-1]))
        direction = a.get("direction", "forward")
        ndir = 2 if direction == "bidirectional" else 1
        # PyTorch's gate order from ONNX's: LSTM iofc -> ifco, GRU zrh -> rzh.
        order = [0, 2, 3, 1] if op == "LSTM" else [1, 0, 2]
        g = len(order)

        def torch_order(m):
            return np.concatenate([m[k * hid:(k + 1) * hid] for k in order])

        def state(i, d):
            if len(ins) <= i or not ins[i]:
                return None
            hs = value(ins[i])
            if layout:
                hs = imp.permute(hs, [1, 0, 2], name)
            return imp.reshape(imp.slice(hs, [d, 0, 0], [1, bsz, hid], name),
                               [bsz, hid], name)

        ys, hn, cn = [], [], []
        for d in range(ndir):
            bias = b[d] if b is not None else None
            y, ht, ct = L.recurrence(
                op, x, steps, bsz, torch_order(np.asarray(w[d], np.float32)),
                torch_order(np.asarray(r[d], np.float32)),
                None if bias is None else torch_order(np.asarray(bias[:g * hid], np.float32)),
                None if bias is None else torch_order(np.asarray(bias[g * hid:], np.float32)),
                state(5, d), state(6, d) if op == "LSTM" else None,
                d == 1 or direction == "reverse", name)
            ys.append(imp.reshape(y, [steps, 1, bsz, hid], name))
            hn.append(imp.reshape(ht, [1, bsz, hid], name))
            if ct is not None:
                cn.append(imp.reshape(ct, [1, bsz, hid], name))
        outs = [imp.concat(ys, 1, name) if ndir > 1 else ys[0],
                imp.concat(hn, 0, name) if ndir > 1 else hn[0]]
        if op == "LSTM":
            outs.append(imp.concat(cn, 0, name) if ndir > 1 else cn[0])
        if layout:
            outs[0] = imp.permute(outs[0], [2, 0, 1, 3], name)
            outs[1:] = [imp.permute(o, [1, 0, 2], name) for o in outs[1:]]
        for o, hnd in zip(node.output, outs):
            if o:
                env[o] = hnd

    def convert(node):
        op, a = node.op_type, _attrs(node)
        name = node.name or node.output[0]
        ins = _inputs(node)
        out = node.output[0]
        if op == "Constant":
            consts[out] = (numpy_helper.to_array(a["value"]) if "value" in a
                           else np.asarray(next(iter(a.values()))))
            return
        if op == "Pad":
            pads = const_input(node, 1, "pads") if len(ins) > 1 else a.get("pads")
            fill = const_input(node, 2, "constant_value")
            pads = [int(p) for p in np.ravel(pads if pads is not None else [])]
            fill = 0.0 if fill is None else float(np.asarray(fill).reshape(-1)[0])
            if len(pads) != 2 * len(shapes.get(ins[0], [])):
                unsupported(node, "pads=%s for a rank-%d input" % (pads,
                                                                  len(shapes.get(ins[0], []))))
            pending_pads[out] = (ins[0], pads, fill)
            return
        if op == "Identity":
            env[out] = value(ins[0])
        elif op == "Dropout":
            training = const_input(node, 2, "training_mode")
            ratio = const_input(node, 1, "ratio")
            ratio = 0.5 if ratio is None else float(np.asarray(ratio))
            if training is not None and bool(np.asarray(training)) and ratio != 0:
                unsupported(node, "input 2 training_mode=True (random dropping, "
                            "ratio %s)" % ratio)
            env[out] = value(ins[0])
        elif op == "Gemm":
            w = const(ins[1])
            if w is None:
                unsupported(node, "a computed B")
            kn = not a.get("transB", 0)  # B is [K, N]: the crossbar's layout
            b = value(ins[2]) if len(ins) > 2 else None
            n = w.shape[1] if kn else w.shape[0]
            if b is not None and imp.shape(b) != [n]:
                unsupported(node, "input C of shape %s (only [N], the bias)"
                            % imp.shape(b))
            env[out] = imp.linear(value(ins[0]), imp.constant(np.ascontiguousarray(
                w, np.float32)), b, name, kn)
        elif op == "MatMul":  # numpy semantics in the importer
            env[out] = imp.matmul(value(ins[0]), value(ins[1]), name)
        elif op == "Conv":
            w = const(ins[1])
            if w is None or w.ndim != 4:
                unsupported(node, "only 2-D convolutions with constant weights")
            if list(a.get("kernel_shape", w.shape[2:])) != list(w.shape[2:]):
                unsupported(node, "attribute kernel_shape=%s, but the weight is %s"
                            % (a["kernel_shape"], list(w.shape)))
            b = value(ins[2]) if len(ins) > 2 else None
            if b is not None and imp.shape(b) != [w.shape[0]]:
                unsupported(node, "input B of shape %s" % imp.shape(b))
            src, pads = take_pad(ins[0], sym_pads(node, a.get("pads")))
            dil = list(a.get("dilations", [1, 1]))
            env[out] = imp.conv2d(window(node, src, w.shape[2:], pads, dil),
                                  value(ins[1]), b, list(a.get("strides", [1, 1])),
                                  pads, dil, a.get("group", 1), name)
        elif op == "BatchNormalization":
            x = value(ins[0])
            for i in range(1, 5):
                if imp.shape(value(ins[i])) != imp.shape(x)[1:2]:
                    unsupported(node, "input %d of shape %s (only [C])"
                                % (i, imp.shape(value(ins[i]))))
            env[out] = imp.batch_norm(x, value(ins[3]), value(ins[4]),
                                      value(ins[1]), value(ins[2]),
                                      float(a.get("epsilon", 1e-5)), name)
        elif op in _UNARY:
            env[out] = imp.unary(_UNARY[op], value(ins[0]), name)
        elif op == "Pow":
            e = const(ins[1])
            if e is None or e.size != 1:
                unsupported(node, "an exponent that is not one constant number")
            env[out] = L.power(value(ins[0]), float(np.asarray(e).reshape(-1)[0]), name)
        elif op == "HardSigmoid":
            env[out] = imp.unary("hardsigmoid", value(ins[0]), name)
        elif op == "Clip":
            lo = const_input(node, 1, "min") if len(ins) > 1 else a.get("min")
            hi = const_input(node, 2, "max") if len(ins) > 2 else a.get("max")
            lo = None if lo is None else float(np.asarray(lo))
            hi = None if hi is None else float(np.asarray(hi))
            if lo == 0.0 and hi == 6.0:
                env[out] = imp.unary("relu6", value(ins[0]), name)
            elif lo == 0.0 and hi is None:
                env[out] = imp.unary("relu", value(ins[0]), name)
            else:
                env[out] = L.clamp(value(ins[0]), lo, hi, name)
        elif op in ("Add", "Sub", "Mul", "Div"):
            kind = op.lower()
            sa = shapes.get(ins[0])
            ca, cb = const(ins[0]), const(ins[1])
            # A one-element constant that does not raise the rank: a scalar.
            sca = ca is not None and ca.size == 1 and ca.ndim <= rank(ins[1])
            scb = cb is not None and cb.size == 1 and cb.ndim <= rank(ins[0])
            if ca is None and cb is None:  # NumPy broadcasting in the importer
                env[out] = imp.binary(kind, value(ins[0]), value(ins[1]), name)
            elif sca or scb:
                c = ca if sca else cb
                env[out] = imp.scalar(kind, value(ins[1] if sca else ins[0]),
                                      float(np.asarray(c).reshape(-1)[0]), sca, name)
            elif kind == "add" and cb is not None and cb.ndim == 1 and sa and sa[-1] == cb.size:
                env[out] = imp.bias_add(value(ins[0]), value(ins[1]), name)
            else:  # a constant tensor that broadcasts
                env[out] = imp.binary(kind, value(ins[0]), value(ins[1]), name)
        elif op in ("MaxPool", "AveragePool"):
            if "kernel_shape" not in a:
                unsupported(node, "no attribute kernel_shape")
            k = list(a["kernel_shape"])
            if len(k) != 2:
                unsupported(node, "a %d-D window (only 2-D)" % len(k))
            pads = list(a.get("pads", [0] * 4))
            src = ins[0]
            count_pad = bool(a.get("count_include_pad", 0))
            if op == "AveragePool" and pads[:2] == pads[2:]:
                # Zeros padded before count as the window's (torch's export of
                # a padded AvgPool2d).
                src, p2 = take_pad(ins[0], pads[:2])
                if p2 != pads[:2]:
                    pads, count_pad = p2 + p2, True
            x = value(src)
            env[out] = L.pool(x, imp.shape(x), op == "MaxPool", k,
                              list(a.get("strides", [1, 1])), pads,
                              list(a.get("dilations", [1, 1])),
                              bool(a.get("ceil_mode", 0)), count_pad, None, name)
        elif op == "GlobalAveragePool":
            env[out] = imp.global_avg_pool(value(ins[0]), name)
        elif op in ("Flatten", "Reshape", "Squeeze", "Unsqueeze"):
            shape = shapes.get(out)
            if not shape or any(d <= 0 for d in shape):
                unsupported(node, "output shape unknown")
            env[out] = imp.reshape(value(ins[0]), shape, name)
        elif op == "Transpose":
            r = rank(ins[0])
            perm = list(a.get("perm", range(r)[::-1]))
            if len(perm) != r:
                unsupported(node, "attribute perm=%s for rank %d" % (perm, r))
            env[out] = imp.permute(value(ins[0]), perm, name)
        elif op == "Concat":
            env[out] = imp.concat([value(i) for i in ins], a["axis"] % rank(ins[0]),
                                  name)
        elif op in ("Softmax", "LogSoftmax"):
            # Before opset 13, Softmax flattens to 2-D at axis (default 1):
            # the same as over one axis only when it is the last.
            r = rank(ins[0])
            axis = a.get("axis", -1 if opset >= 13 else 1)
            if opset < 13 and axis % r != r - 1:
                unsupported(node, "softmax over axis %s of a rank-%d tensor at opset "
                            "%d (only the last)" % (axis, r, opset))
            env[out] = L.softmax(value(ins[0]), r, axis % r, name, op == "LogSoftmax")
        elif op in ("ReduceMean", "ReduceSum"):
            r = rank(ins[0])
            axes = const_input(node, 1, "axes") if len(ins) > 1 else a.get("axes")
            axes = [] if axes is None else [int(d) for d in np.ravel(axes)]
            if not axes and a.get("noop_with_empty_axes", 0):
                unsupported(node, "attribute noop_with_empty_axes=1 without axes")
            dims = [d % r for d in axes or range(r)]
            env[out] = imp.mean(value(ins[0]), dims, bool(a.get("keepdims", 1)), name)
            if op == "ReduceSum":
                n = int(np.prod([imp.shape(value(ins[0]))[d] for d in dims]))
                env[out] = imp.scalar("mul", env[out], float(n), False, name)
        elif op in ("Reciprocal", "LeakyRelu"):
            x = value(ins[0])
            env[out] = (imp.scalar("div", x, 1.0, True, name) if op == "Reciprocal"
                        else L.leaky(x, a.get("alpha", 0.01), name))
        elif op in _COMPARE:
            env[out] = imp.binary(_COMPARE[op], value(ins[0]), value(ins[1]), name)
            types[out] = onnx.TensorProto.BOOL
        elif op in ("Max", "Min"):
            y = value(ins[0])
            for other in ins[1:]:
                y = imp.binary(op.lower(), y, value(other), name)
            env[out] = y
        elif op in ("Not", "And", "Or"):
            ts = [truth(i) for i in ins]
            env[out] = (imp.scalar("eq", ts[0], 0.0, False, name) if op == "Not" else
                        imp.binary("mul" if op == "And" else "max", ts[0], ts[1], name))
            types[out] = onnx.TensorProto.BOOL
        elif op == "Where":
            env[out] = imp.select(truth(ins[0]), value(ins[1]), value(ins[2]), name)
        elif op == "Cast":
            T = onnx.TensorProto
            src, to = types.get(ins[0], T.FLOAT), a["to"]
            if to == T.BOOL:
                env[out] = truth(ins[0])
            elif to == src or to in (T.FLOAT, T.DOUBLE, T.FLOAT16) or src == T.BOOL:
                env[out] = value(ins[0])
            elif src != T.FLOAT and to != T.FLOAT:  # integer to integer
                env[out] = value(ins[0])
            else:
                unsupported(node, "a cast of float values to %s (the fraction would "
                            "be dropped)" % T.DataType.Name(to))
            if to not in (T.FLOAT, T.DOUBLE, T.FLOAT16):
                types[out] = to
        elif op == "Expand":
            shape = shapes.get(out)
            if not shape or any(d <= 0 for d in shape):
                unsupported(node, "output shape unknown")
            env[out] = imp.expand(value(ins[0]), shape, name)
        elif op == "Gather":
            axis = a.get("axis", 0)
            idx, data = const(ins[1]), const(ins[0])
            if idx is None and data is not None and data.ndim == 2 and axis == 0:
                # A table lookup by computed ids: a one-hot product.
                env[out] = L.one_hot(value(ins[1]), imp.shape(value(ins[1])),
                                     np.asarray(data, np.float32), name)
            elif idx is not None:
                x = value(ins[0])
                xs = imp.shape(x)
                axis %= len(xs)
                flat = [int(v) for v in np.ravel(idx)]
                y = L.gather_dim(x, xs, axis, flat, name)
                env[out] = imp.reshape(y, xs[:axis] + list(np.shape(idx)) + xs[axis + 1:],
                                       name)
            else:
                unsupported(node, "indices computed from the inputs into a table that "
                            "is not a constant matrix")
        elif op == "Slice":
            x = value(ins[0])
            xs = imp.shape(x)
            if len(ins) > 1:
                st, en, ax, sp = (const_input(node, i, w) for i, w in
                                  ((1, "starts"), (2, "ends"), (3, "axes"), (4, "steps")))
                if st is None or en is None:
                    unsupported(node, "starts and ends that are not constants")
            else:
                st, en, ax, sp = a["starts"], a["ends"], a.get("axes"), None
            ax = list(range(len(st))) if ax is None else [int(v) for v in np.ravel(ax)]
            sp = [1] * len(ax) if sp is None else [int(v) for v in np.ravel(sp)]
            shp = list(xs)
            for s0, e0, d, stp in zip(np.ravel(st), np.ravel(en), ax, sp):
                d %= len(xs)
                n = shp[d]
                s0, e0 = int(max(-n - 1, min(int(s0), n))), int(max(-n - 1, min(int(e0), n)))
                if stp < 0 and e0 < -n:
                    e0 = None
                x, shp = L.slice_dim(x, shp, d, s0, e0, stp, name)
            env[out] = x
        elif op == "Split":
            x = value(ins[0])
            xs = imp.shape(x)
            axis = a.get("axis", 0) % len(xs)
            sizes = const_input(node, 1, "split") if len(ins) > 1 else a.get("split")
            if sizes is None:
                k = len(node.output)
                sizes = [-(-xs[axis] // k)] * k
                sizes[-1] = xs[axis] - sum(sizes[:-1])
            off = 0
            for o, sz in zip(node.output, [int(v) for v in np.ravel(sizes)]):
                env[o], _ = L.slice_dim(x, xs, axis, off, off + sz, 1, name)
                off += sz
        elif op == "Resize":
            resize(node, a, ins, out, name)
        elif op in ("LSTM", "GRU"):
            recurrent(node, op, a, ins, name)
        else:
            unsupported(node)

    for node in g.node:
        try:
            convert(node)
        except ImcError:
            raise
        except Exception as e:  # a case the checks above do not foresee
            unsupported(node, "%s: %s" % (type(e).__name__, e))
    return Module(imp.finish([value(o.name) for o in g.output]))
