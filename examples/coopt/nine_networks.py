"""Experiment 2 of docs/coopt.md: the KAUST set plus ResNet-50,
DenseNet-121, a BERT-style encoder layer (128 tokens, d 768), a ViT-style
model (16 x 16 patches, 4 blocks of d 768) and a GPT-style decoder block
(256 tokens, d 1024, causal), random weights, on experiment 1's space under
an accuracy bound. Networks the front end cannot export yet are reported with the
error and left out.

    PYTHONPATH=build/python /usr/bin/python3 examples/coopt/nine_networks.py \\
        [--cache DIR] [--max-error E] [--size small|medium|large|kaust]
        [--search exhaustive|bnb]

--size picks one of search_methods.py's spaces (default: small, experiment
1's); --search bnb (the default for kaust) finds the same optima by branch
and bound.
"""
import argparse
import math
import os
import time

import torch
import torchvision

import imc

from kaust_set import LARGEST, edaps  # this directory


class Block(torch.nn.Module):
    """A pre-norm transformer block on one sequence of n tokens ([n, d]):
    multi-head self-attention (written out: the importer takes 2-D linear
    layers and batched matmuls, not nn.MultiheadAttention) and an MLP; the
    body of BERT-, ViT- and GPT-style models, causal for GPT."""

    def __init__(self, d, heads, n, causal):
        super().__init__()
        self.d, self.h, self.n = d, heads, n
        self.n1 = torch.nn.LayerNorm(d)
        self.n2 = torch.nn.LayerNorm(d)
        self.q = torch.nn.Linear(d, d)
        self.k = torch.nn.Linear(d, d)
        self.v = torch.nn.Linear(d, d)
        self.o = torch.nn.Linear(d, d)
        self.f1 = torch.nn.Linear(d, 4 * d)
        self.f2 = torch.nn.Linear(4 * d, d)
        mask = (torch.triu(torch.full((n, n), -1e9), 1) if causal
                else torch.zeros(n, n))
        self.register_buffer("mask", mask)

    def heads(self, t):
        return t.reshape(self.n, self.h, self.d // self.h).transpose(0, 1)

    def forward(self, x):
        h = self.n1(x)
        q, k, v = self.heads(self.q(h)), self.heads(self.k(h)), \
            self.heads(self.v(h))
        s = torch.matmul(q, k.transpose(1, 2)) * \
            (1.0 / math.sqrt(self.d // self.h)) + self.mask
        a = torch.matmul(torch.softmax(s, dim=-1), v)
        x = x + self.o(a.transpose(0, 1).reshape(self.n, self.d))
        return x + self.f2(torch.nn.functional.gelu(self.f1(self.n2(x))))


class Vit(torch.nn.Module):
    """A ViT-style model: 16 x 16 patches of a 224 x 224 image embedded by
    a strided convolution, `depth` blocks, mean pooling, a linear head."""

    def __init__(self, d=768, depth=4, heads=12):
        super().__init__()
        self.d = d
        self.embed = torch.nn.Conv2d(3, d, 16, stride=16)
        self.blocks = torch.nn.Sequential(
            *[Block(d, heads, 196, False) for _ in range(depth)])
        self.head = torch.nn.Linear(d, 1000)

    def forward(self, x):
        t = self.embed(x).reshape(self.d, 196).transpose(0, 1)  # [196, d]
        return self.head(self.blocks(t).mean(0, keepdim=True))


def models():
    """name -> (model, example input)"""
    img = torch.randn(1, 3, 224, 224)
    out = {}
    for name in ["vgg16", "resnet18", "alexnet", "mobilenet_v3_small",
                 "resnet50", "densenet121"]:
        out[name] = (lambda n=name: getattr(torchvision.models, n)(), img)
    out["bert_layer"] = (lambda: Block(768, 12, 128, False),
                         torch.randn(128, 768))
    out["vit_style"] = (lambda: Vit(), img)
    out["gpt_block"] = (lambda: Block(1024, 16, 256, True),
                        torch.randn(256, 1024))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", default="/tmp/imc-kaust")
    ap.add_argument("--max-error", type=float, default=0.05)
    ap.add_argument("--size", default="small",
                    choices=["small", "medium", "large", "kaust"])
    ap.add_argument("--search", default=None, choices=["exhaustive", "bnb"])
    args = ap.parse_args()
    from search_methods import SPACES  # this directory
    search = args.search or ("bnb" if args.size == "kaust" else "exhaustive")
    os.makedirs(args.cache, exist_ok=True)
    profs = {}
    for name, (make, x) in models().items():
        path = os.path.join(args.cache, name + ".json")
        if not os.path.exists(path):
            torch.manual_seed(0)
            t0 = time.time()
            try:
                mod = imc.export(make().eval(), x)
                imc.profile(mod, name).save(path)
            except Exception as e:  # what the front end does not take yet
                print("%-20s not profiled: %s" % (name, str(e).splitlines()[0][:150]))
                continue
            print("%-20s profiled in %.1f s" % (name, time.time() - t0))
        profs[name] = imc.load_profile(path)
    names = list(profs)
    space = dict(SPACES[args.size],
                 constraints={"max_mvm_error": args.max_error})
    joint = profs[names[0]]
    for n in names[1:]:
        joint = joint + profs[n]
    t0 = time.time()
    r = imc.coopt(joint, space, search=search)
    print("%d networks, %d designs (%s, %d evaluated): joint search in %.1f s"
          % (len(names), r["space_designs"], search, r["designs"],
             time.time() - t0))
    best = {w["name"]: w["edap"] / w["regret"]
            for w in r["chosen"]["workloads"]}
    four = profs["vgg16"] + profs["resnet18"] + profs["alexnet"] + \
        profs["mobilenet_v3_small"]
    k4 = imc.coopt(four, space, search=search)["chosen_target"]
    largest = LARGEST  # VGG16: the most weights and MACs of the set
    big = imc.coopt(profs[largest], space, search=search)["chosen_target"]
    rows = [("joint (all %d)" % len(names), r["chosen_target"]),
            ("KAUST four only", k4), ("%s only" % largest, big)]
    print("%-18s %s %8s %8s" % ("design", " ".join("%8s" % n[:8] for n in names),
                                "geomean", "max"))
    for label, target in rows:
        e = edaps(joint, target)
        reg = [e[n] / best[n] for n in names]
        print("%-18s %s %8.3f %8.3f" % (
            label, " ".join("%8.3f" % x for x in reg),
            math.exp(sum(math.log(x) for x in reg) / len(reg)), max(reg)))


if __name__ == "__main__":
    main()
