"""ONNX -> linalg-on-tensors through imc's C++ importer (the same one the
torch.fx exporter uses). Shapes come from ONNX shape inference; initializers
and Constant nodes become constants (weights); every node keeps its ONNX name
as its layer name.
"""
import numpy as np

from . import _imc
from ._imc import ImcError


def import_onnx(model_or_path):
    """Imports an ONNX model (an ``onnx.ModelProto``, a path, or serialized
    bytes) as an :class:`imc.Module`. Unsupported operators, dynamic input
    shapes and non-float tensors raise ImcError naming the node or input."""
    import onnx
    from onnx import numpy_helper, shape_inference

    from . import Module

    if isinstance(model_or_path, (bytes, bytearray)):
        model = onnx.load_from_string(bytes(model_or_path))
    elif isinstance(model_or_path, str):
        model = onnx.load(model_or_path)
    else:
        model = model_or_path
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

    def attrs(node):
        return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}

    def unsupported(node, why=""):
        raise ImcError("imc.import_onnx: unsupported ONNX op '%s' at node '%s'%s"
                       % (node.op_type, node.name, (": " + why) if why else ""))

    def sym_pads(node, pads, rank=2):
        pads = list(pads or [0] * (2 * rank))
        if pads[:rank] != pads[rank:]:
            unsupported(node, "asymmetric padding %s" % pads)
        return pads[:rank]

    # Zero pads of the spatial dims, folded into the pooling or convolution
    # that reads them (torch exports a padded AvgPool2d as Pad + AveragePool).
    pending_pads = {}

    def take_pad(name, pads):
        if name in pending_pads:
            src, extra = pending_pads[name]
            return src, [p + e for p, e in zip(pads, extra)]
        return name, pads

    for node in g.node:
        op, a = node.op_type, attrs(node)
        name = node.name or node.output[0]
        ins = list(node.input)
        out = node.output[0]
        if op == "Constant":
            consts[out] = numpy_helper.to_array(a["value"])
            continue
        if op == "Pad":
            pads = const(ins[1]) if len(ins) > 1 and ins[1] else a.get("pads")
            fill = const(ins[2]) if len(ins) > 2 and ins[2] else 0.0
            mode = a.get("mode", b"constant")
            pads = [int(p) for p in np.asarray(pads).reshape(-1)]
            if (mode not in (b"constant", "constant") or float(np.asarray(fill)) != 0.0
                    or len(pads) != 8 or any(pads[i] for i in (0, 1, 4, 5))
                    or pads[2:4] != pads[6:8]):
                unsupported(node, "only zero padding of the spatial dims of NCHW")
            pending_pads[out] = (ins[0], pads[2:4])
            continue
        if op in ("Identity", "Dropout"):
            env[out] = value(ins[0])
        elif op == "Gemm":
            if a.get("transA", 0) or a.get("alpha", 1.0) != 1.0 or a.get("beta", 1.0) != 1.0:
                unsupported(node, "transA, alpha or beta")
            w = const(ins[1])
            if w is None:
                unsupported(node, "a computed B")
            w = w if a.get("transB", 0) else w.T
            b = value(ins[2]) if len(ins) > 2 and ins[2] else None
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
            b = value(ins[2]) if len(ins) > 2 and ins[2] else None
            if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
                unsupported(node, "auto_pad")
            src, pads = take_pad(ins[0], sym_pads(node, a.get("pads")))
            env[out] = imp.conv2d(value(src), value(ins[1]), b,
                                  list(a.get("strides", [1, 1])), pads,
                                  list(a.get("dilations", [1, 1])), a.get("group", 1), name)
        elif op == "BatchNormalization":
            env[out] = imp.batch_norm(value(ins[0]), value(ins[3]), value(ins[4]),
                                      value(ins[1]), value(ins[2]),
                                      float(a.get("epsilon", 1e-5)), name)
        elif op in ("Relu", "Sigmoid", "Tanh", "HardSwish", "Erf", "Sqrt", "Exp"):
            env[out] = imp.unary({"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh",
                                  "HardSwish": "hardswish", "Erf": "erf", "Sqrt": "sqrt",
                                  "Exp": "exp"}[op], value(ins[0]), name)
        elif op == "Pow":
            e = const(ins[1])
            if e is None or e.size != 1 or float(np.asarray(e).reshape(-1)[0]) != 2.0:
                unsupported(node, "only x ** 2")
            x = value(ins[0])
            env[out] = imp.binary("mul", x, x, name)
        elif op == "HardSigmoid":
            if abs(a.get("alpha", 0.2) - 1 / 6) > 1e-6 or a.get("beta", 0.5) != 0.5:
                unsupported(node, "alpha/beta other than PyTorch's 1/6, 1/2")
            env[out] = imp.unary("hardsigmoid", value(ins[0]), name)
        elif op == "Clip":
            lo = const(ins[1]) if len(ins) > 1 and ins[1] else a.get("min")
            hi = const(ins[2]) if len(ins) > 2 and ins[2] else a.get("max")
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
            sa, sb = shapes.get(ins[0]), shapes.get(ins[1])
            ca, cb = const(ins[0]), const(ins[1])
            if ca is None and cb is None:  # NumPy broadcasting in the importer
                env[out] = imp.binary(kind, value(ins[0]), value(ins[1]), name)
            elif (ca is not None and ca.size == 1) or (cb is not None and cb.size == 1):
                scalar_first = ca is not None and ca.size == 1
                c = ca if scalar_first else cb
                env[out] = imp.scalar(kind, value(ins[1] if scalar_first else ins[0]),
                                      float(np.asarray(c).reshape(-1)[0]), scalar_first, name)
            elif kind == "add" and cb is not None and cb.ndim == 1 and sa and sa[-1] == cb.size:
                env[out] = imp.bias_add(value(ins[0]), value(ins[1]), name)
            else:  # a constant tensor that broadcasts
                env[out] = imp.binary(kind, value(ins[0]), value(ins[1]), name)
        elif op in ("MaxPool", "AveragePool"):
            if a.get("ceil_mode", 0) or list(a.get("dilations", [1, 1])) != [1, 1]:
                unsupported(node, "ceil_mode or dilations")
            pads = sym_pads(node, a.get("pads"))
            if op == "AveragePool" and any(pads) and not a.get("count_include_pad", 0):
                unsupported(node, "padding without count_include_pad")
            src = ins[0]
            if op == "AveragePool":  # zeros padded before count as the window's
                src, pads = take_pad(ins[0], pads)
            k = list(a["kernel_shape"])
            env[out] = imp.pool2d(op == "MaxPool", value(src), k,
                                  list(a.get("strides", [1, 1])), pads, name)
        elif op == "GlobalAveragePool":
            env[out] = imp.global_avg_pool(value(ins[0]), name)
        elif op in ("Flatten", "Reshape", "Squeeze", "Unsqueeze"):
            shape = shapes.get(out)
            if not shape or any(d <= 0 for d in shape):
                unsupported(node, "output shape unknown")
            env[out] = imp.reshape(value(ins[0]), shape, name)
        elif op == "Transpose":
            rank = len(shapes[ins[0]])
            env[out] = imp.permute(value(ins[0]), list(a.get("perm", range(rank)[::-1])), name)
        elif op == "Concat":
            rank = len(shapes[ins[0]])
            env[out] = imp.concat([value(i) for i in ins], a["axis"] % rank, name)
        elif op == "Softmax":
            rank = len(shapes[ins[0]])
            if a.get("axis", -1) % rank != rank - 1:
                unsupported(node, "softmax over axis %s (only the last)" % a.get("axis"))
            env[out] = imp.softmax(value(ins[0]), name)
        elif op == "ReduceMean":
            rank = len(shapes[ins[0]])
            axes = a.get("axes", list(range(rank)))
            env[out] = imp.mean(value(ins[0]), [d % rank for d in axes],
                                bool(a.get("keepdims", 1)), name)
        else:
            unsupported(node)
    return Module(imp.finish([value(o.name) for o in g.output]))
