"""Issue 12's table: real models through imc's front ends.

For each model (torchvision networks at the smallest input they take,
transformers, recurrent networks; random weights as in
test/python/test_models.py) and each route (imc.export = torch.fx, or
torch.onnx.export + imc.import_onnx), runs export -> compile -> simulate
(ideal) in a fresh process and prints the route taken, the max error relative
to PyTorch eager's largest output, the seconds of each step and the process's
peak memory; a model that fails prints the error.

    PYTHONPATH=build/python /usr/bin/python3 bench/front_end_models.py [NAME ...] [--routes fx,onnx]
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(HERE, "..", "test", "python")

CHILD = r"""
import io, json, resource, sys, time
import numpy as np, torch
from torch import nn
sys.path.insert(0, %(tests)r)
import imc
import test_models as T
name, route = %(name)r, %(route)r
torch.manual_seed(0)
tv = __import__("torchvision").models
if name in T.TORCHVISION:
    make, size, _ = T.TORCHVISION[name]
    model, xs = make(tv), (torch.randn(1, 3, size, size),)
elif name == "TransformerEncoder+masks":
    layer = nn.TransformerEncoderLayer(16, 4, 32, batch_first=True)
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.e = nn.TransformerEncoder(layer, 2)
            self.mask = nn.Transformer.generate_square_subsequent_mask(5)
        def forward(self, x, pad):
            return self.e(x, mask=self.mask, src_key_padding_mask=pad)
    model = M()
    xs = (torch.randn(2, 5, 16), torch.tensor([[False] * 5, [False] * 3 + [True] * 2]))
elif name == "TransformerDecoder":
    model = nn.TransformerDecoder(nn.TransformerDecoderLayer(16, 4, 32, batch_first=True), 2)
    xs = (torch.randn(2, 4, 16), torch.randn(2, 6, 16))
elif name == "GPT-2 block (token ids)":
    model, xs = T.GPTBlock(), (torch.randint(0, 50, (2, 6)),)
elif name in ("LSTM", "GRU"):
    model = getattr(nn, name)(32, 64, num_layers=2)
    xs = (torch.randn(10, 2, 32),)
model = T.randomize(model)
out = {}
try:
    t = time.perf_counter()
    if route == "fx":
        mod = imc.export(model, *xs)
        out["route"] = mod.export_route
    else:
        f = io.BytesIO()
        torch.onnx.export(model, xs, f, opset_version=14)
        mod = imc.import_onnx(f.getvalue())
        out["route"] = "onnx"
    out["export"] = time.perf_counter() - t
    t = time.perf_counter()
    prog = imc.compile(mod)
    out["compile"] = time.perf_counter() - t
    t = time.perf_counter()
    res = imc.simulate(prog, [x.numpy() for x in xs], mode="ideal")
    out["simulate"] = time.perf_counter() - t
    with torch.no_grad():
        ref = model(*xs)
    ref = (ref if isinstance(ref, torch.Tensor) else ref[0]).numpy()
    out["error"] = float(np.abs(res.outputs[0] - ref).max() / np.abs(ref).max())
except Exception as e:
    out["failed"] = "%%s: %%s" %% (type(e).__name__, str(e).splitlines()[0][:160])
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT " + json.dumps(out))
"""

MODELS = ["alexnet", "vgg11", "efficientnet_b0", "inception_v3", "googlenet",
          "squeezenet1_0", "shufflenet_v2", "convnext_tiny", "swin_t", "vit_small",
          "TransformerEncoder+masks", "TransformerDecoder", "GPT-2 block (token ids)",
          "LSTM", "GRU"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*", default=MODELS)
    ap.add_argument("--routes", default="fx,onnx")
    args = ap.parse_args()
    print("| model | route | error vs PyTorch | export s | compile s | simulate s | peak MB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name in args.names:
        for route in args.routes.split(","):
            code = CHILD % {"tests": TESTS, "name": name, "route": route}
            p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env=dict(os.environ, PYTHONWARNINGS="ignore"))
            line = [l for l in p.stdout.splitlines() if l.startswith("RESULT ")]
            if not line:
                print("| %s | %s | crashed (exit %d) | | | | |" % (name, route, p.returncode))
                continue
            r = json.loads(line[0][7:])
            if "failed" in r:
                print("| %s | %s | fails: %s | | | | %.0f |"
                      % (name, r.get("route", route), r["failed"].replace("|", "/"),
                         r["peak_mb"]))
            else:
                print("| %s | %s | %.1e | %.1f | %.1f | %.1f | %.0f |"
                      % (name, r["route"], r["error"], r["export"], r["compile"],
                         r["simulate"], r["peak_mb"]))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
