"""imc: compile neural networks for in-memory-computing accelerators and
simulate them.

A thin layer over imc's C++ compiler and simulator (the `_imc` extension)::

    import imc
    mod = imc.export(model, torch.randn(1, 3, 32, 32))  # PyTorch -> linalg
    mod = imc.parse(open("model.mlir").read())        # ... or MLIR text
    prog = imc.compile(mod, target="default")           # the imc-opt pipeline
    res = imc.simulate(prog, [x], mode="quantized")     # numpy in, numpy out
    res.outputs[0], res.report["totals"]["energy_pj"]

Every compiler or simulator failure raises :class:`ImcError` carrying the
MLIR diagnostics (with locations).
"""
import json
import os
import sys

import numpy as np

from . import _imc
from ._imc import ImcError

__all__ = ["ImcError", "Module", "Program", "SimResult", "parse", "load",
           "run_pipeline", "compile", "simulate", "estimate", "load_target",
           "target_path", "export", "import_onnx"]

_TARGETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "targets")
# Target names in pipeline strings (target=rram-22nm) resolve here too.
_imc.set_bundled_target_dir(_TARGETS)
__version__ = _imc.__version__


_TARGET_FILES = {}  # target dicts written to files, by their JSON text


def target_path(target):
    """Resolves a target: a path to a JSON file, the name of a bundled
    target (``"default"`` for ``targets/default.json``), or a target dict
    (such as :func:`coopt`'s ``chosen_target``; written to a temporary file
    that lives as long as the process)."""
    if isinstance(target, dict):
        import atexit
        import tempfile
        text = json.dumps(target, sort_keys=True)
        if text not in _TARGET_FILES:
            fd, path = tempfile.mkstemp(prefix="imc-target-", suffix=".json")
            with os.fdopen(fd, "w") as f:
                f.write(text)
            atexit.register(lambda p=path: os.path.exists(p) and os.remove(p))
            _TARGET_FILES[text] = path
        return _TARGET_FILES[text]
    if os.path.exists(target):
        return os.path.abspath(target)
    bundled = os.path.join(_TARGETS, target + ".json")
    if os.path.exists(bundled):
        return bundled
    raise ImcError("no target file '%s' (and no bundled target of that name; "
                   "bundled: %s)" % (target, ", ".join(sorted(
                       f[:-5] for f in os.listdir(_TARGETS)))))


def load_target(target):
    """Loads and validates a target (path or bundled name); returns a dict of
    its fields. A bad field raises ImcError naming it and its range."""
    return _imc.load_target(target_path(target))


class Module:
    """An MLIR module (linalg-on-tensors before compilation, xbar/dpu after).

    ``str(module)`` is its MLIR text; :meth:`to_bytecode` its MLIR bytecode.
    """

    def __init__(self, impl):
        self._impl = impl

    def __str__(self):
        return str(self._impl)

    def to_string(self, debug_info=False):
        """MLIR text; with ``debug_info``, op locations (layer names) too."""
        return self._impl.to_string(debug_info)

    def to_bytecode(self):
        """The module as MLIR bytecode (bytes)."""
        return self._impl.to_bytecode()

    def save(self, path, bytecode=None):
        """Writes the module for the command-line tools (``imc-opt PATH``):
        MLIR bytecode, unless ``path`` ends in ``.mlir`` or ``bytecode`` is
        False (text; a model's weights are then hex strings, several times
        larger and slower to read)."""
        if bytecode is None:
            bytecode = not str(path).endswith(".mlir")
        data = self.to_bytecode() if bytecode else self.to_string().encode()
        with open(path, "wb") as f:
            f.write(data)

    def messages(self):
        """Remarks and warnings emitted since the last call (e.g. imc-map's
        mapping decisions)."""
        return self._impl.context.take_messages()


def parse(source, name="<string>"):
    """Parses MLIR text (str) or MLIR bytecode (bytes) into a Module."""
    if isinstance(source, str):
        source = source.encode()
    return Module(_imc.parse(_imc.Context(), source, name))


def load(path):
    """Reads a .mlir (text or bytecode) file into a Module."""
    with open(path, "rb") as f:
        return parse(f.read(), name=path)


def _as_module(mod):
    if isinstance(mod, Module):
        return mod
    if isinstance(mod, (str, bytes)):
        return parse(mod)
    raise TypeError("expected an imc.Module or MLIR text, got %s"
                    % type(mod).__name__)


def run_pipeline(mod, pipeline):
    """Runs a textual pass pipeline (imc-opt syntax, e.g.
    ``"convert-linalg-to-imc,imc-map{policy=digital}"``) on a copy of the
    module and returns the result."""
    mod = _as_module(mod)
    return Module(_imc.run_pipeline(mod._impl, pipeline))


class Program:
    """A compiled program: the lowered module and the imc-sim binary."""

    def __init__(self, module, data):
        self.module = module
        self._data = data

    def to_bytes(self):
        """The imc-sim program (docs/binary-format.md)."""
        return self._data

    def save(self, path):
        """Writes the program to ``path`` (an .imcb file for imc-sim)."""
        with open(path, "wb") as f:
            f.write(self._data)

    @property
    def input_shapes(self):
        """Shapes of the entry function's arguments, in order."""
        return [tuple(s) for s in _imc.program_input_shapes(self._data)]

    def __repr__(self):
        return "<imc.Program: %d bytes, inputs %s>" % (len(self._data),
                                                       self.input_shapes)


def compile(mod, target="default", policy="analog", max_analog_ratio=None,
            min_utilization=None, overrides=None, replicate=1):
    """Compiles a linalg-on-tensors module for a target (the
    ``--imc-pipeline`` of imc-opt) and translates it to a simulator program.

    ``policy`` is ``"analog"``, ``"digital"``, ``"budget"`` or ``"energy"``
    (each product where the cost model finds it cheaper, crossbars or DPU);
    ``max_analog_ratio`` (budget) and ``min_utilization`` (analog) tune it;
    ``overrides`` maps layer names to ``"xbar"`` or ``"dpu"``;
    ``replicate`` (a count, or ``"auto"``) copies crossbar weights onto more
    tiles so that their MVMs run in parallel (imc-tile).
    """
    mod = _as_module(mod)
    opts = ["target=%s" % target_path(target), "policy=%s" % policy]
    if max_analog_ratio is not None:
        opts.append("max-analog-ratio=%r" % float(max_analog_ratio))
    if min_utilization is not None:
        opts.append("min-utilization=%r" % float(min_utilization))
    if replicate != 1:
        opts.append("replicate=%s" % replicate)
    if overrides:
        opts.append("overrides=%s" % ",".join(
            "%s=%s" % (k, v) for k, v in overrides.items()))
    lowered = run_pipeline(mod, "imc-pipeline{%s}" % " ".join(opts))
    return Program(lowered, _imc.translate(lowered._impl))


class SimResult:
    """What :func:`simulate` and :func:`estimate` return: ``outputs`` (numpy
    arrays, in result order; empty for an estimate) and ``report`` (the
    imc-sim report as a dict; docs/report.md)."""

    def __init__(self, outputs, report, summary, csv):
        self.outputs = outputs
        self.report = report
        self._summary = summary
        self._csv = csv

    def summary(self):
        """The report summary imc-sim prints (totals and per-layer rows)."""
        return self._summary

    def csv(self):
        """The per-layer CSV (imc-sim --csv)."""
        return self._csv

    def plot(self, path):
        """Draws the energy breakdown and per-layer latency chart as a PNG
        (:func:`imc.plot.plot_report`)."""
        from .plot import plot_report
        plot_report(self.report, path)

    def __repr__(self):
        t = self.report["totals"]
        return ("<imc.SimResult: %d outputs, %s mode, %.1f ns, %.1f pJ>"
                % (len(self.outputs), self.report["mode"], t["latency_ns"],
                   t["energy_pj"]))


def _integer(name, v, lo, hi):
    """`v` as an int in [lo, hi]; a bool, a float (1.5, or 2.0) or anything
    else is an error, not a silent conversion."""
    import numbers
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        raise ImcError("%s must be an integer, got %r (%s)"
                       % (name, v, type(v).__name__))
    if not lo <= int(v) <= hi:
        raise ImcError("%s must be in [%d, %d], got %d" % (name, lo, hi, v))
    return int(v)


def _real(name, v):
    import numbers
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise ImcError("%s must be a real number, got %r (%s)"
                       % (name, v, type(v).__name__))
    return float(v)


def _program_bytes(prog):
    if isinstance(prog, Program):
        return prog.to_bytes()
    if isinstance(prog, (bytes, bytearray, memoryview)):
        return bytes(prog)
    raise ImcError("expected an imc.Program or program bytes, got %s"
                   % type(prog).__name__)


def _input_array(i, a):
    """Argument ``i`` as a C-contiguous float32 array (booleans are 0 and 1,
    as imc.export's modules take them); complex, object or string data is an
    error (a cast would drop or invent values)."""
    arr = np.asarray(a)
    if arr.dtype.kind not in "fiub":
        raise ImcError("input %d has dtype %s; imc.simulate takes real "
                       "numbers (float, integer or bool arrays)" % (i, arr.dtype))
    return np.ascontiguousarray(arr, dtype=np.float32)


def simulate(prog, inputs, mode="ideal", seed=0, drift_time=0.0, gdc=True,
             progress=None, max_work=None, max_memory=None):
    """Runs a compiled program.

    ``inputs`` is a list of arrays in argument order, or a dict by argument
    name (``"arg0"``, ``"arg1"``, ...); arrays are converted to float32.
    ``mode`` is ``"ideal"`` (float), ``"quantized"`` (the target's bits) or
    ``"noisy"`` (quantized, on the target's noisy devices: programming noise,
    drift after ``drift_time`` seconds, read noise; ``seed`` makes it
    reproducible; ``gdc`` is global drift compensation; docs/noise.md).
    The GIL is released while the simulator runs. ``progress`` draws a
    progress line on stderr; by default, only when stderr is a terminal.
    ``max_work`` (steps: MACs, window taps, loop iterations) and
    ``max_memory`` (bytes) bound what the program may ask for (defaults
    2^38 steps and 16 GiB; docs/binary-format.md, "Limits").
    """
    data = _program_bytes(prog)
    if isinstance(inputs, dict):
        n = len(_imc.program_input_shapes(data))
        names = ["arg%d" % i for i in range(n)]
        unknown = sorted(set(inputs) - set(names))
        if unknown:
            raise ImcError("unknown argument name(s) %s (the program takes %s)"
                           % (", ".join(unknown), ", ".join(names)))
        missing = [k for k in names if k not in inputs]
        if missing:
            raise ImcError("missing argument(s) %s" % ", ".join(missing))
        inputs = [inputs[k] for k in names]
    arrays = [_input_array(i, a) for i, a in enumerate(inputs)]
    seed = _integer("seed", seed, 0, 2**64 - 1)
    drift_time = _real("drift_time", drift_time)
    if not isinstance(gdc, (bool, np.bool_)):
        raise ImcError("gdc must be True or False, got %r" % (gdc,))
    if not isinstance(mode, str):
        raise ImcError("mode must be 'ideal', 'quantized' or 'noisy', got %r"
                       % (mode,))
    if progress is None:
        progress = sys.stderr.isatty()
    limits = {}
    if max_work is not None:
        limits["max_work"] = _integer("max_work", max_work, 1, 2**64 - 1)
    if max_memory is not None:
        limits["max_memory"] = _integer("max_memory", max_memory, 1,
                                        2**64 - 1)
    outputs, report, summary, csv = _imc.simulate(
        data, arrays, mode, seed, drift_time, bool(gdc), bool(progress),
        **limits)
    return SimResult(outputs, json.loads(report), summary, csv)


def estimate(prog):
    """Costs a compiled program without running it (latency, energy, area,
    throughput; docs/cost-model.md): the report of :func:`simulate` without
    outputs, in milliseconds even for large networks."""
    report, csv, summary = _imc.estimate(_program_bytes(prog))
    return SimResult([], json.loads(report), summary, csv)


class Profile:
    """A workload profile (docs/cost-model.md, "Profiles"): what costing one
    or several networks on any target needs, without compiling them again.
    ``json`` is its text; ``names`` the workloads it holds. Profiles combine
    with ``+`` (a multi-workload profile) and are saved and loaded as JSON
    files."""

    def __init__(self, text):
        if not isinstance(text, str):
            raise ImcError("a profile is JSON text, got %s"
                           % type(text).__name__)
        try:
            data = json.loads(text)
        except ValueError as e:
            raise ImcError("invalid profile: %s" % e) from None
        self._items = data if isinstance(data, list) else [data]
        self.json = text

    @property
    def names(self):
        return [p.get("name") for p in self._items]

    def __add__(self, other):
        if not isinstance(other, Profile):
            return NotImplemented
        return Profile(json.dumps(self._items + other._items))

    def save(self, path):
        with open(path, "w") as f:
            f.write(self.json)

    def __repr__(self):
        return "<imc.Profile: %s>" % ", ".join(map(str, self.names))


def profile(mod, name=None):
    """The workload profile of a module (linalg, or imc before imc-map): it
    is compiled once all-digital; :func:`evaluate` then costs it on any
    target without compiling (``imc-opt --imc-profile``)."""
    mod = _as_module(mod)
    if name is None:
        name = "model"
    if not isinstance(name, str):
        raise ImcError("name must be a string, got %r" % (name,))
    return Profile(_imc.profile(mod._impl, name))


def load_profile(path):
    """Reads a profile saved by :meth:`Profile.save` or imc-opt."""
    with open(path) as f:
        return Profile(f.read())


def evaluate(prof, target="default", policy="analog", max_analog_ratio=None,
             min_utilization=None, overrides=None, replicate=1):
    """Costs a profile on a target without compiling: for one workload the
    :class:`SimResult` :func:`estimate` gives on the program compiled with
    the same options (those of :func:`compile`, ``replicate`` included;
    equal to 1e-9), for several a dict name -> result."""
    if not isinstance(prof, Profile):
        raise ImcError("evaluate takes an imc.Profile, got %s"
                       % type(prof).__name__)
    results = _imc.evaluate(
        prof.json, target_path(target), policy,
        0.0 if min_utilization is None else _real("min_utilization",
                                                  min_utilization),
        1.0 if max_analog_ratio is None else _real("max_analog_ratio",
                                                   max_analog_ratio),
        ",".join("%s=%s" % (k, v) for k, v in (overrides or {}).items()),
        str(replicate))
    out = {name: SimResult([], json.loads(report), summary, csv)
           for name, report, csv, summary in results}
    return next(iter(out.values())) if len(results) == 1 else out


def coopt(prof, space, threads=0, weights=None, search="exhaustive",
          population=None, generations=None, seed=None, dask=None,
          parts=None):
    """One chip design for the workloads of a profile (docs/coopt.md):
    every design of ``space`` (a dict or a JSON file's path: a base target,
    knobs ``"section.field": [values]`` or ``{"min", "max", "step"}``,
    optional ``constraints`` and ``mapping``) evaluated on every workload.
    Returns the result as a dict: ``chosen_target`` (a target dict that
    :func:`compile` takes as ``target``), ``chosen`` and ``pareto`` (each
    design's knob values, area, per-workload energy, latency, EDAP and
    regret, its geometric-mean and largest regret), and the statistics.
    ``weights``: per workload, how often it runs. ``search``:
    ``"exhaustive"`` (every design: the exact optimum), ``"bnb"`` (branch
    and bound: the same optimum with a certificate, ``result["certificate"]``,
    evaluating only the designs its bounds cannot rule out) or ``"nsga2"``
    (the genetic algorithm with ``population``, ``generations`` and
    ``seed``; defaults 70, 40 and 1, an error with the other searches).
    ``dask``: run on a dask.distributed cluster (a ``distributed.Client``,
    a scheduler address, or ``"local"`` / ``"local:N"`` for a LocalCluster
    of N workers started and stopped here; ``parts``: how many parts the
    exhaustive search is cut into); the result is the same."""
    if not isinstance(prof, Profile):
        raise ImcError("coopt takes an imc.Profile, got %s"
                       % type(prof).__name__)
    if isinstance(space, dict):
        text = json.dumps(space)
    else:
        with open(space) as f:
            text = f.read()
    ws = [float(w) for w in (weights or [])]
    if search not in ("exhaustive", "bnb", "nsga2"):
        raise ImcError("search must be 'exhaustive', 'bnb' or 'nsga2', "
                       "got %r" % (search,))
    ga = {"population": population, "generations": generations,
          "seed": seed}
    given = [k for k, v in ga.items() if v is not None]
    if search != "nsga2" and given:
        raise ImcError("%s: settings of search='nsga2', not of search=%r"
                       % (", ".join(given), search))
    population = 70 if population is None else population
    generations = 40 if generations is None else generations
    seed = 1 if seed is None else seed
    if dask is not None and search == "bnb":
        raise ImcError("dask: the cluster runs search='exhaustive' or "
                       "'nsga2'; branch and bound runs here (threads=...)")
    if dask is not None and threads:
        raise ImcError("threads: with dask each worker evaluates on one "
                       "thread (start more workers instead)")
    if parts is not None and (dask is None or search != "exhaustive"):
        raise ImcError("parts: cuts the exhaustive search on a dask cluster; "
                       "give dask=... (and the exhaustive search)")
    if dask is not None:
        from . import dask_coopt
        return json.loads(dask_coopt.coopt(
            prof.json, text, ws, search, int(population), int(generations),
            int(seed), dask, parts and int(parts)))
    return json.loads(_imc.coopt(prof.json, text, int(threads), ws, search,
                                 int(population), int(generations),
                                 int(seed)))


from .export import export  # noqa: E402  (needs Module defined above)
from .onnx_import import import_onnx  # noqa: E402
