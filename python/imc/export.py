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
                  "Tanh": "tanh", "SiLU": "silu", "Hardswish": "hardswish"}
_IDENTITY_MODULES = {"Dropout", "Dropout2d", "Identity"}


def _pair(v):
    return [v, v] if isinstance(v, int) else list(v)


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
    try:
        gm = torch.fx.symbolic_trace(model)
    except Exception as e:  # control flow on values, etc.
        raise ImcError("imc.export: torch.fx cannot trace %s: %s"
                       % (type(model).__name__, e)) from e
    with torch.no_grad():
        ShapeProp(gm).propagate(*example_inputs)

    imp = _imc.Importer(_imc.Context())
    env = {}
    consts = {}

    def const(t):
        key = id(t)
        if key not in consts:
            consts[key] = imp.constant(t.detach().float().contiguous().numpy())
        return consts[key]

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

    def call_module(node, mod, x, name):
        kind = type(mod).__name__
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
            if _pair(mod.output_size) != [1, 1]:
                unsupported(node, "AdaptiveAvgPool2d to %s" % (mod.output_size,))
            return imp.global_avg_pool(x, name)
        if kind == "Flatten":
            return imp.reshape(x, shape(node), name)
        unsupported(node, "module nn.%s" % kind)

    F = torch.nn.functional
    functions = {torch.relu: "relu", F.relu: "relu", F.relu6: "relu6",
                 torch.sigmoid: "sigmoid", torch.tanh: "tanh", F.silu: "silu",
                 F.hardswish: "hardswish", F.gelu: "gelu"}
    binaries = {operator.add: "add", torch.add: "add", operator.sub: "sub",
                torch.sub: "sub", operator.mul: "mul", torch.mul: "mul"}
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
                if not (isinstance(a, torch.fx.Node) and isinstance(b, torch.fx.Node)):
                    unsupported(node, "%s with a scalar operand" % getattr(fn, "__name__", fn))
                env[node] = imp.binary(binaries[fn], arg(a), arg(b), name)
            elif fn in reshapes:
                env[node] = imp.reshape(arg(node.args[0]), shape(node), name)
            elif fn is F.adaptive_avg_pool2d and _pair(node.args[1]) == [1, 1]:
                env[node] = imp.global_avg_pool(arg(node.args[0]), name)
            elif fn is getattr:  # x.shape and the like: not a tensor
                env[node] = None
            else:
                unsupported(node, "function %s" % getattr(fn, "__name__", fn))
        elif node.op == "call_method":
            if node.target in methods:
                env[node] = imp.unary(methods[node.target], arg(node.args[0]), name)
            elif node.target in reshape_methods:
                env[node] = imp.reshape(arg(node.args[0]), shape(node), name)
            elif node.target == "size":
                env[node] = None
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
