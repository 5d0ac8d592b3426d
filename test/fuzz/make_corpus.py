#!/usr/bin/env python3
"""Writes the seed corpora of imc's fuzz targets to test/fuzz/corpus/<target>/
from the repository's own models, targets and tests (so they can be remade
after a format change):

    PYTHONPATH=build/python /usr/bin/python3 test/fuzz/make_corpus.py

program/  small compiled programs: linear, CNN (conv, batch norm, pools),
          transformer encoder layer (dpu.generic softmax / layer norm /
          GELU), activations, an all-digital MLP, a depthwise conv
generic/  the dpu.generic instructions of those programs in the layout of
          FuzzGeneric.cpp (dimensions capped at 8)
target/   the bundled and test targets
npy/      arrays of every supported dtype, a scalar, a version-2 header
mlir/     the lit tests' MLIR cases (split at "// -----"), up to 8 KB each
space/    co-optimization spaces (docs/coopt.md) on the base "small"
"""
import glob
import hashlib
import io
import os
import shutil
import struct
import sys

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fuzz", "corpus")
SMALL = os.path.join(ROOT, "test", "Inputs", "small.json")


def put(kind, data):
    """Stores `data` under a name derived from its content."""
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(OUT, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def programs():
    import torch
    from torch import nn

    import imc
    torch.manual_seed(0)
    progs = []
    progs.append(imc.compile(imc.load(os.path.join(ROOT, "test", "Inputs", "linear.mlir")),
                             target=SMALL))

    class Cnn(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(2, 4, 3, padding=1)
            self.bn = nn.BatchNorm2d(4)
            self.dw = nn.Conv2d(4, 4, 3, groups=4, stride=2, padding=1)
            self.pool = nn.MaxPool2d(2)
            self.fc = nn.Linear(4, 3)

        def forward(self, x):
            x = torch.relu(self.bn(self.conv(x)))
            x = self.pool(torch.relu(self.dw(x)))
            return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))
    x = torch.randn(1, 2, 8, 8)
    progs.append(imc.compile(imc.export(Cnn().eval(), x), target=SMALL))
    # Format 1.2: offset and two's-complement tiles, unsigned inputs.
    import json
    import tempfile
    for mapping in ("offset", "twos_complement"):
        t = json.load(open(SMALL))
        t["crossbar"]["weight_mapping"] = mapping
        t["crossbar"]["cols"] = 16
        t["precision"]["unsigned_activations"] = True
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(t, f)
        progs.append(imc.compile(imc.export(Cnn().eval(), x), target=f.name))
        os.unlink(f.name)
    enc = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, activation="gelu").eval()
    progs.append(imc.compile(imc.export(enc, torch.randn(1, 3, 8)), target=SMALL))
    act = nn.Sequential(nn.Linear(4, 6), nn.Sigmoid(), nn.Linear(6, 6), nn.Tanh(),
                        nn.Linear(6, 6), nn.SiLU(), nn.Linear(6, 4), nn.Hardswish()).eval()
    progs.append(imc.compile(imc.export(act, torch.randn(2, 4)), target=SMALL))
    mlp = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3)).eval()
    progs.append(imc.compile(imc.export(mlp, torch.randn(2, 6)), target=SMALL,
                             policy="digital"))
    # Format 1.3: dpu.generic with affine indices (a strided, shifted window),
    # and a front-end model with selects, slices and comparisons.
    sys.path.insert(0, os.path.join(ROOT, "test", "python"))
    from test_affine_generic import CONV, CORRELATE
    progs.append(imc.compile(imc.parse(CORRELATE), target=SMALL))
    progs.append(imc.compile(imc.parse(CONV), target=SMALL))

    class Masked(nn.Module):
        def forward(self, x):
            y = x[:, 1::2].masked_fill(x[:, :3] > 0, -1e4)
            return torch.softmax(y, -1) + nn.functional.leaky_relu(x[:, ::2])

    progs.append(imc.compile(imc.export(Masked().eval(), torch.randn(3, 6)), target=SMALL))
    return [p.to_bytes() for p in progs]


def sections(b):
    n = struct.unpack_from("<I", b, 8)[0]
    out = {}
    for i in range(n):
        kind, _, off, length = struct.unpack_from("<IIQQ", b, 32 + 24 * i)
        out[kind] = b[off:off + length]
    return out


def generics(b):
    """(operand shapes, attrs) of each dpu.generic (opcode 46) in a program."""
    s = sections(b)
    values, pos = [], 4
    for _ in range(struct.unpack_from("<I", s[3], 0)[0]):
        _, _, rank = struct.unpack_from("<BBH", s[3], pos)
        values.append(list(struct.unpack_from("<%dq" % rank, s[3], pos + 4)))
        pos += 4 + 8 * rank
    code, pos, found = s[5], 4, []
    for _ in range(struct.unpack_from("<I", code, 0)[0]):
        op, nops, nattrs, _, _, _ = struct.unpack_from("<HHHHII", code, pos)
        pos += 16
        ops = struct.unpack_from("<%dI" % nops, code, pos)
        pos += 4 * nops
        attrs = struct.unpack_from("<%dq" % nattrs, code, pos)
        pos += 8 * nattrs
        if op == 46:
            found.append(([values[o] for o in ops], attrs))
    return found


def generic_seed(shapes, attrs):
    if len(shapes) > 4 or any(len(s) > 3 for s in shapes):
        return None
    out = bytes([len(shapes)])
    for s in shapes:
        out += bytes([len(s)] + [min(d, 8) for d in s])
    return out + struct.pack("<%dq" % len(attrs), *attrs)


def profiles():
    """Workload profiles (docs/cost-model.md): the MLP example, and a tiny
    CNN with a grouped convolution (block-diagonal weights)."""
    import torch
    import imc
    yield imc.profile(imc.load(os.path.join(ROOT, "examples", "mlp",
                                            "mlp.mlir")), "mlp").json
    torch.manual_seed(0)
    m = torch.nn.Sequential(
        torch.nn.Conv2d(2, 8, 3, padding=1), torch.nn.ReLU(),
        torch.nn.Conv2d(8, 8, 3, padding=1, groups=4), torch.nn.Flatten(),
        torch.nn.Linear(8 * 6 * 6, 4)).eval()
    yield imc.profile(imc.export(m, torch.randn(1, 2, 6, 6)), "tiny").json


def spaces():
    """Spaces over the fuzz target's base "small" (FuzzSpace.cpp): lists,
    ranges, strings, constraints and mapping options."""
    import json
    yield {"base": "small", "crossbar.rows": [4, 8], "crossbar.adc_bits": [4, 6]}
    yield {"base": "small", "crossbar.adc_bits": {"min": 3, "max": 8, "step": 1},
           "crossbar.weight_mapping": ["differential", "offset"],
           "constraints": {"max_area_mm2": 10, "weights_fit": True}}
    yield {"base": "small", "dpu.clock_mhz": {"min": 100, "max": 400, "step": 50.5},
           "precision.unsigned_activations": [False, True],
           "mapping": {"policy": "energy", "replicate": "auto",
                       "min_utilization": 0.1, "max_analog_ratio": 0.5,
                       "overrides": "fc=dpu"}}
    yield {"base": "small", "crossbar.parallel_rows": [1, 4, 8, 16]}


def parts():
    """Parts of a search (coopt::partialToJson) on FuzzSpace.cpp's fixed
    space of 4 designs and 2 workloads."""
    yield {"format": "imc-coopt-part", "evaluated": 3,
           "designs": [{"index": 0, "area_mm2": 1.5, "mvm_error": 0.02,
                        "w": [[10.0, 2.0], [3.5, 1.25]]},
                       {"index": 3, "area_mm2": 2.0, "mvm_error": 0.5,
                        "w": [[9.0, 2.5], [4.0, 1.0]]}],
           "infeasible": [{"reason": "over the area budget", "designs": 1}]}


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    for b in programs():
        put("program", b)
        for shapes, attrs in generics(b):
            seed = generic_seed(shapes, attrs)
            if seed:
                put("generic", seed)
    for t in glob.glob(os.path.join(ROOT, "targets", "*.json")) + [SMALL] + \
            glob.glob(os.path.join(ROOT, "test", "*", "Inputs", "*.json")):
        put("target", open(t, "rb").read())
    for a in [np.arange(6, dtype=np.float32).reshape(2, 3), np.float32(3.5),
              np.ones((2, 2), np.float64), np.arange(4, dtype=np.int32),
              np.arange(3, dtype=np.int8), np.arange(3, dtype=np.uint8),
              np.arange(2, dtype=np.int64), np.zeros((0, 3), np.float32)]:
        buf = io.BytesIO()
        np.save(buf, a)
        put("npy", buf.getvalue())
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.ones(3, np.float32), version=(2, 0))
    put("npy", buf.getvalue())
    for p in profiles():
        put("profile", p)
    import json
    for sp in spaces():
        put("space", json.dumps(sp, indent=1))
    for pt in parts():
        put("space", json.dumps(pt))
    for f in glob.glob(os.path.join(ROOT, "test", "**", "*.mlir"), recursive=True):
        for case in open(f).read().split("// -----"):
            case = "\n".join(l for l in case.splitlines() if "RUN:" not in l)
            # A case marked "fuzz: too slow" does real work on millions of
            # weights: tens of seconds a run under ASan, past the replay's
            # timeout.
            if 0 < len(case) <= 8192 and "func.func" in case and \
                    "fuzz: too slow" not in case:
                put("mlir", case)
    for k in sorted(os.listdir(OUT)):
        print("%-8s %3d seeds" % (k, len(os.listdir(os.path.join(OUT, k)))))


if __name__ == "__main__":
    sys.exit(main())
