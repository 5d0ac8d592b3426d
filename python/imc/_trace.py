"""Tracing for imc.export: torch.fx symbolic tracing, and a concrete route
for code that symbolic tracing cannot follow.

The concrete tracer records the same torch.fx graph, but every proxy also
carries the value the example inputs give it, so that Python code reading
shapes (``n, c, h, w = x.shape``, ``x.size(1)``, ``x.shape[-2:]``,
``len(x)``, iterating over a tuple or a chunk) gets plain integers and the
shapes become constants of the graph, as they are of imc's static-shape IR.
Control flow on tensor *values* (``if x.sum() > 0``, ``x.item()``) would
bake the example's decision into the graph: it is an error, never a silent
specialization.
"""
import torch
import torch.fx
from torch.fx import Proxy

from ._imc import ImcError

# Modules kept whole (export decomposes them itself): their forward branches
# on runtime checks that tracing cannot follow, or returns tuples.
LEAF_MODULES = ("MultiheadAttention", "TransformerEncoderLayer",
                "TransformerEncoder", "TransformerDecoderLayer",
                "TransformerDecoder", "LSTM", "GRU")


class _Tracer(torch.fx.Tracer):
    def is_leaf_module(self, m, qualname):
        return (type(m).__name__ in LEAF_MODULES and
                type(m).__module__.startswith("torch.nn")) or \
            super().is_leaf_module(m, qualname)


RANDOM_METHODS = ("bernoulli", "bernoulli_", "normal_", "uniform_", "random_",
                  "exponential_", "geometric_", "cauchy_", "log_normal_",
                  "multinomial")


def random_functions():
    return [getattr(torch, f) for f in (
        "rand", "randn", "randint", "rand_like", "randn_like", "randint_like",
        "bernoulli", "normal", "multinomial", "randperm", "poisson")]


class _NoRandom:
    """Random draws raise while tracing: one taken at trace time would be
    baked into the graph as a constant (a silent wrong answer)."""

    def __enter__(self):
        self.saved = []

        def refuse(name):
            def f(*args, **kwargs):
                raise _ValueError("random operation %s while tracing (imc "
                                  "compiles deterministic inference; is the "
                                  "model in training mode somewhere?)" % name)
            return f

        for f in random_functions():
            self.saved.append((torch, f.__name__, f))
            setattr(torch, f.__name__, refuse(f.__name__))
        for m in RANDOM_METHODS:
            self.saved.append((torch.Tensor, m, getattr(torch.Tensor, m)))
            setattr(torch.Tensor, m, refuse(m))

    def __exit__(self, *exc):
        for obj, name, f in reversed(self.saved):
            setattr(obj, name, f)


class _Unwrapped:
    """Functions marked with torch.fx.wrap are traced into (imc converts
    what they do, not their names)."""

    def __enter__(self):
        from torch.fx import _symbolic_trace as st
        self.saved = list(st._wrapped_fns_to_patch)
        st._wrapped_fns_to_patch.clear()

    def __exit__(self, *exc):
        from torch.fx import _symbolic_trace as st
        st._wrapped_fns_to_patch[:] = self.saved


def symbolic(model):
    """torch.fx symbolic tracing with imc's leaf modules."""
    try:
        with _Unwrapped(), _NoRandom():
            graph = _Tracer().trace(model)
    except _ValueError as e:
        raise ImcError("imc.export: %s" % e) from None
    return torch.fx.GraphModule(model, graph)


class _ValueError(Exception):
    pass


def _value(v):
    if isinstance(v, torch.fx.proxy.Attribute):  # x.T and the like
        return getattr(_value(v.root), v.attr)
    if isinstance(v, Proxy):
        return v._imc_value
    return v


def _concrete(a):
    return torch.fx.node.map_aggregate(a, _value)


def _known(attr):
    """A property read from the example's value (a shape, a dtype)."""
    return property(lambda self: getattr(self._imc_value, attr))


def _refused(what):
    """A method that would read a tensor's value into Python: an error."""
    def f(self, *args):
        raise _ValueError("%s at graph node '%s' (imc compiles one graph for "
                          "every input)" % (what, self.node.name))
    return f


class ConcreteProxy(Proxy):
    """A proxy that knows its value for the example inputs."""

    shape = _known("shape")
    ndim = _known("ndim")
    dtype = _known("dtype")
    device = _known("device")
    is_cuda = property(lambda self: False)

    def size(self, dim=None):
        v = self._imc_value
        return v.size() if dim is None else v.size(dim)

    def dim(self):
        return self._imc_value.dim()

    def numel(self):
        return self._imc_value.numel()

    def __len__(self):
        return len(self._imc_value)

    def __iter__(self):
        return iter([self[i] for i in range(len(self._imc_value))])

    def __setitem__(self, key, value):
        import operator
        self.tracer.create_proxy("call_function", operator.setitem,
                                 (self, key, value), {})

    __bool__ = _refused("control flow on a tensor's value")
    item = _refused("a tensor's value read into Python (.item())")
    tolist = _refused("a tensor's value read into Python (.tolist())")
    __int__ = _refused("a tensor's value read into Python (int())")
    __float__ = _refused("a tensor's value read into Python (float())")


class _Unpatched:
    """Module.__call__ and __getattr__ as they are outside tracing (which
    patches them), to compute values."""

    def __enter__(self):
        from torch.fx import _symbolic_trace as st
        m = torch.nn.Module
        self.saved = m.__call__, m.__getattr__
        m.__call__, m.__getattr__ = st._orig_module_call, st._orig_module_getattr

    def __exit__(self, *exc):
        torch.nn.Module.__call__, torch.nn.Module.__getattr__ = self.saved


class _ConcreteTracer(_Tracer):
    def __init__(self, inputs):
        super().__init__()
        self.inputs = list(inputs)
        self.next_input = 0

    def proxy(self, node):
        return ConcreteProxy(node, self)

    def create_proxy(self, kind, target, args, kwargs, name=None,
                     type_expr=None, proxy_factory_fn=None):
        p = super().create_proxy(kind, target, args, kwargs, name, type_expr,
                                 proxy_factory_fn)
        a, k = _concrete(args), _concrete(kwargs)
        if kind == "placeholder":
            if self.next_input >= len(self.inputs):
                raise _ValueError("more graph inputs than example inputs")
            v = self.inputs[self.next_input]
            self.next_input += 1
        elif kind == "get_attr":
            with _Unpatched():
                v = self.root
                for part in target.split("."):
                    v = getattr(v, part)
        elif kind == "call_function":
            v = target(*a, **k)
        elif kind == "call_method":
            v = getattr(a[0], target)(*a[1:], **k)
        elif kind == "call_module":
            with _Unpatched():
                v = self.root.get_submodule(target)(*a, **k)
        else:
            v = None
        p._imc_value = v
        return p


def concrete(model, inputs):
    """torch.fx tracing with shapes specialized to the example inputs.
    Functions marked with torch.fx.wrap are traced into (their shapes are
    known here)."""
    try:
        with torch.no_grad(), _Unwrapped(), _NoRandom():
            graph = _ConcreteTracer(inputs).trace(model)
    except _ValueError as e:
        raise ImcError("imc.export: %s" % e) from None
    return torch.fx.GraphModule(model, graph)


def run(gm, inputs):
    """Every node's value on the example inputs."""
    values = {}

    class Recorder(torch.fx.Interpreter):
        def run_node(self, n):
            v = super().run_node(n)
            values[n] = v
            return v

    with torch.no_grad():
        Recorder(gm).run(*inputs)
    return values
