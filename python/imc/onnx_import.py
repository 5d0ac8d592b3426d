"""ONNX -> linalg-on-tensors through imc's C++ importer (the same one the
torch.fx exporter uses). Shapes come from ONNX shape inference; initializers
and Constant nodes become constants (weights); every node keeps its ONNX name
as its layer name.

No attribute, input or output is dropped silently: each is implemented, has
no effect on the result, or is an ImcError naming it and the node.
"""
import numpy as np

from . import _imc
from ._imc import ImcError

_UNARY = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh",
          "HardSwish": "hardswish", "Erf": "erf", "Sqrt": "sqrt", "Exp": "exp"}

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
    "Clip": ("min max", 3),
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

# The only values implemented of attributes that have others.
_FIXED = {
    "Gemm": {"transA": 0, "alpha": 1.0},
    "Conv": {"auto_pad": "NOTSET"},
    "MaxPool": {"auto_pad": "NOTSET", "ceil_mode": 0, "dilations": [1, 1]},
    "AveragePool": {"auto_pad": "NOTSET", "ceil_mode": 0, "dilations": [1, 1]},
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
        if node.domain not in ("", "ai.onnx") or op not in _OPS:
            _unsupported(node, "domain '%s'" % node.domain if node.domain else "")
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
            if o in used:
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


def import_onnx(model_or_path):
    """Imports an ONNX model (an ``onnx.ModelProto``, a path, or serialized
    bytes) as an :class:`imc.Module`. Unsupported operators, attributes and
    outputs, dynamic input shapes and non-float tensors raise ImcError naming
    the node or input."""
    import onnx
    from onnx import numpy_helper, shape_inference

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
    model = shape_inference.infer_shapes(model)
    g = model.graph

    consts = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    shapes = {}
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        dims = vi.type.tensor_type.shape.dim
        shapes[vi.name] = [d.dim_value if d.HasField("dim_value") else -1
                           for d in dims]

    imp = _imc.Importer(_imc.Context())
    env = {}
    for inp in g.input:
        if inp.name in consts:
            continue
        shape = shapes.get(inp.name, [])
        if not shape or any(d <= 0 for d in shape):
            raise ImcError("imc.import_onnx: input '%s' has a dynamic or "
                           "unknown shape %s; export with static shapes"
                           % (inp.name, shape))
        if inp.type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
            raise ImcError("imc.import_onnx: input '%s' is not float32"
                           % inp.name)
        env[inp.name] = imp.input(shape)

    def value(name):
        if name in env:
            return env[name]
        if name in consts:
            env[name] = imp.constant(np.asarray(consts[name], np.float32))
            return env[name]
        if name in pending_pads:
            raise ImcError("imc.import_onnx: the Pad producing '%s' is only "
                           "supported as the padding of a convolution or "
                           "average pooling" % name)
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
        if name in pending_pads:
            src, extra = pending_pads[name]
            return src, [p + e for p, e in zip(pads, extra)]
        return name, pads

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
            if fill is not None and float(np.asarray(fill)) != 0.0:
                unsupported(node, "input 2 constant_value=%s (only 0)" % fill)
            if (len(pads) != 8 or any(pads[i] for i in (0, 1, 4, 5)) or
                    pads[2:4] != pads[6:8]):
                unsupported(node, "pads=%s (only equal zero padding of the "
                            "spatial dims of NCHW)" % pads)
            pending_pads[out] = (ins[0], pads[2:4])
            return
        if op == "Identity":
            env[out] = value(ins[0])
        elif op == "Dropout":
            training = const_input(node, 2, "training_mode")
            if training is not None and bool(np.asarray(training)):
                unsupported(node, "input 2 training_mode=True")
            env[out] = value(ins[0])
        elif op == "Gemm":
            w = const(ins[1])
            if w is None:
                unsupported(node, "a computed B")
            w = w if a.get("transB", 0) else w.T
            b = value(ins[2]) if len(ins) > 2 else None
            if b is not None and imp.shape(b) != [w.shape[0]]:
                unsupported(node, "input C of shape %s (only [N], the bias)"
                            % imp.shape(b))
            env[out] = imp.linear(value(ins[0]), imp.constant(np.ascontiguousarray(w, np.float32)), b, name)
        elif op == "MatMul":
            w = const(ins[1])
            if w is not None and w.ndim == 2 and len(shapes.get(ins[0], [])) == 2:
                env[out] = imp.linear(value(ins[0]), imp.constant(np.ascontiguousarray(w.T, np.float32)), None, name)
            else:
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
            if e is None or e.size != 1 or float(np.asarray(e).reshape(-1)[0]) != 2.0:
                unsupported(node, "only x ** 2")
            x = value(ins[0])
            env[out] = imp.binary("mul", x, x, name)
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
                unsupported(node, "Clip to [%s, %s]" % (lo, hi))
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
            pads = sym_pads(node, a.get("pads"))
            if op == "AveragePool" and any(pads) and not a.get("count_include_pad", 0):
                unsupported(node, "padding without count_include_pad")
            src = ins[0]
            if op == "AveragePool":  # zeros padded before count as the window's
                src, pads = take_pad(ins[0], pads)
            k = list(a["kernel_shape"])
            env[out] = imp.pool2d(op == "MaxPool", window(node, src, k, pads), k,
                                  list(a.get("strides", [1, 1])), pads, name)
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
        elif op == "Softmax":
            # Before opset 13, Softmax flattens to 2-D at axis (default 1):
            # the same as over the last axis only when axis is the last.
            r = rank(ins[0])
            axis = a.get("axis", -1 if opset >= 13 else 1)
            if axis % r != r - 1:
                unsupported(node, "softmax over axis %s of a rank-%d tensor (only "
                            "the last)" % (axis, r))
            env[out] = imp.softmax(value(ins[0]), name)
        elif op == "ReduceMean":
            r = rank(ins[0])
            axes = const_input(node, 1, "axes") if len(ins) > 1 else a.get("axes")
            axes = [] if axes is None else [int(d) for d in np.ravel(axes)]
            if not axes and a.get("noop_with_empty_axes", 0):
                unsupported(node, "attribute noop_with_empty_axes=1 without axes")
            env[out] = imp.mean(value(ins[0]), [d % r for d in axes or range(r)],
                                bool(a.get("keepdims", 1)), name)
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
