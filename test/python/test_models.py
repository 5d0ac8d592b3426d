"""Real models through imc.export -> imc.compile -> imc.simulate (ideal)
against PyTorch eager: the torchvision networks of issue 12 at the smallest
input they take, transformers with masks, recurrent networks, token ids.
Random weights (every zero-initialized parameter re-drawn, so that no output
is trivially zero). The large ones are marked slow: they run in
`make check-models` (IMC_MODELS=all)."""
import os

import numpy as np
import pytest
import torch
from torch import nn

import imc

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
ALL = os.environ.get("IMC_MODELS") == "all"
slow = pytest.mark.skipif(not ALL, reason="large model: make check-models")


def randomize(model):
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() >= 1 and not p.any():
                p.copy_(torch.randn(p.shape, generator=g) * 0.1)
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.uniform_(-0.2, 0.2, generator=g)
                m.running_var.uniform_(0.5, 1.5, generator=g)
    return model.eval()


def run(model, *xs, rtol=1e-4, route=None):
    model = randomize(model)
    mod = imc.export(model, *xs)
    if route:
        assert mod.export_route == route
    res = imc.simulate(imc.compile(mod), [x.numpy() for x in xs], mode="ideal")
    with torch.no_grad():
        ref = model(*xs)
    refs = [ref] if isinstance(ref, torch.Tensor) else list(torch.utils._pytree.tree_flatten(ref)[0])
    assert len(res.outputs) == len(refs)
    for out, r in zip(res.outputs, refs):
        r = r.numpy()
        assert out.shape == r.shape
        scale = np.abs(r).max()
        assert scale > 0
        assert np.abs(out - r).max() / scale <= rtol
    return mod


def tv():
    return pytest.importorskip("torchvision").models


TORCHVISION = {
    "alexnet": (lambda m: m.alexnet(), 63, True),
    "vgg11": (lambda m: m.vgg11(), 32, True),
    "efficientnet_b0": (lambda m: m.efficientnet_b0(), 32, False),
    "inception_v3": (lambda m: m.inception_v3(aux_logits=False, init_weights=False), 75, True),
    "googlenet": (lambda m: m.googlenet(aux_logits=False, init_weights=False), 32, False),
    "squeezenet1_0": (lambda m: m.squeezenet1_0(), 64, False),
    "shufflenet_v2": (lambda m: m.shufflenet_v2_x0_5(), 32, False),
    "convnext_tiny": (lambda m: m.convnext_tiny(), 32, True),
    "swin_t": (lambda m: m.swin_t(), 32, True),
    "vit_small": (lambda m: m.VisionTransformer(32, 8, 2, 2, 32, 64, num_classes=10), 32,
                  False),
}


# Through torch.onnx.export too, where torch 1.13 exports them (alexnet and
# vgg: it cannot export adaptive pooling to a size that does not divide the
# input).
ONNX_TV = ("efficientnet_b0", "inception_v3", "googlenet", "squeezenet1_0",
           "shufflenet_v2", "convnext_tiny", "swin_t", "vit_small")


@pytest.mark.parametrize("name,route", [
    pytest.param(n, r, marks=slow) if TORCHVISION[n][2] else (n, r)
    for n in TORCHVISION for r in ("fx", "onnx") if r == "fx" or n in ONNX_TV])
def test_torchvision(name, route):
    make, size, _ = TORCHVISION[name]
    torch.manual_seed(0)
    (run if route == "fx" else run_onnx)(make(tv()), torch.randn(1, 3, size, size))


def test_concrete_route_is_reported():
    torch.manual_seed(0)
    mod = run(tv().shufflenet_v2_x0_5(), torch.randn(1, 3, 32, 32),
              route="torch.fx (concrete shapes)")
    assert mod.export_route.startswith("torch.fx")
    assert run(nn.Linear(3, 2), torch.randn(2, 3)).export_route == "torch.fx"


class GPTBlock(nn.Module):
    """A GPT-2-style decoder block on token ids: embeddings, a causal mask
    buffer, pre-norm attention, tanh-GELU MLP, tied output head."""

    def __init__(self, vocab=50, d=16, heads=2, ctx=8):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(ctx, d)
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.out = nn.Linear(4 * d, d)
        self.heads = heads
        self.register_buffer("bias", torch.tril(torch.ones(ctx, ctx)).view(1, 1, ctx, ctx))

    def forward(self, ids):
        b, t = ids.size()
        pos = torch.arange(0, t, dtype=torch.long).unsqueeze(0)
        x = self.wte(ids) + self.wpe(pos)
        q, k, v = self.qkv(self.ln1(x)).split(x.size(-1), dim=2)
        hs = x.size(-1) // self.heads
        q, k, v = (z.view(b, t, self.heads, hs).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / hs ** 0.5)
        att = att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf"))
        y = torch.softmax(att, dim=-1) @ v
        x = x + self.proj(y.transpose(1, 2).contiguous().view(b, t, -1))
        h = nn.functional.gelu(self.fc(self.ln2(x)), approximate="tanh")
        x = x + self.out(h)
        return x @ self.wte.weight.t()


def test_gpt_block_with_token_ids():
    ids = torch.randint(0, 50, (2, 6))
    run(GPTBlock(), ids)


def test_bert_style_encoder_with_padding_mask():
    class Bert(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(30, 16)
            self.pos = nn.Parameter(torch.randn(1, 5, 16))
            layer = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.1, batch_first=True,
                                               activation="gelu")
            self.enc = nn.TransformerEncoder(layer, 2)
            self.cls = nn.Linear(16, 3)

        def forward(self, ids, pad):
            h = self.enc(self.emb(ids) + self.pos, src_key_padding_mask=pad)
            return self.cls(h[:, 0])

    ids = torch.randint(0, 30, (2, 5))
    pad = torch.tensor([[False] * 5, [False, False, False, True, True]])
    run(Bert(), ids, pad)


@pytest.mark.parametrize("batch_first", [True, False])
def test_transformer_decoder(batch_first):
    layer = nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, batch_first=batch_first)
    dec = nn.TransformerDecoder(layer, 2, norm=nn.LayerNorm(8))
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(4)

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.dec = dec

        def forward(self, tgt, mem):
            return self.dec(tgt, mem, tgt_mask=tgt_mask)

    shp = (lambda s: (2, s, 8)) if batch_first else (lambda s: (s, 2, 8))
    run(M(), torch.randn(*shp(4)), torch.randn(*shp(6)))
    run(nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, batch_first=True,
                                   norm_first=True), torch.randn(2, 4, 8),
        torch.randn(2, 3, 8))


@pytest.mark.parametrize("route", ["fx", "onnx"])
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
@pytest.mark.parametrize("cfg", [dict(), dict(num_layers=2, bidirectional=True),
                                 dict(batch_first=True, bias=False)])
def test_recurrent(kind, cfg, route):
    """The outputs and last hidden state (through ONNX: the outputs)."""
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = getattr(nn, kind)(6, 5, **cfg)

        def forward(self, x):
            out, state = self.rnn(x)
            h = state[0] if kind == "LSTM" else state
            return out, h

    torch.manual_seed(0)
    (run if route == "fx" else run_onnx)(M(), torch.randn(4, 3, 6))


def test_lstm_with_initial_state_and_unbatched():
    lstm = nn.LSTM(3, 4, num_layers=2)

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = lstm

        def forward(self, x, h, c):
            return self.lstm(x, (h, c))[0]

    run(M(), torch.randn(5, 2, 3), torch.randn(2, 2, 4), torch.randn(2, 2, 4))
    run(nn.GRU(3, 4), torch.randn(5, 3))


@pytest.mark.parametrize("mode,kw", [("nearest", dict(scale_factor=2)),
                                     ("nearest", dict(size=(5, 7))),
                                     ("bilinear", dict(scale_factor=2)),
                                     ("bilinear", dict(size=(5, 3), align_corners=True)),
                                     ("bilinear", dict(size=(7, 9), align_corners=False))])
def test_interpolate(mode, kw):
    class M(nn.Module):
        def forward(self, x):
            return nn.functional.interpolate(x, mode=mode, **kw)

    run(M(), torch.randn(1, 2, 4, 6))


def test_graph_layer_with_matmul_operators():
    adj = (torch.rand(5, 5) > 0.5).float()

    class GCN(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.randn(4, 3))
            self.register_buffer("a", adj)

        def forward(self, x):
            return torch.relu(self.a @ x @ self.w) + torch.mm(x, self.w) + x.t().t() @ self.w

    run(GCN(), torch.randn(5, 4))


def test_nd_matmul_broadcasting_and_linear():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(4, 3)

        def forward(self, a, b):
            return torch.matmul(a, b).sum(-1, keepdim=True) + self.lin((a @ b)[..., :4])

    run(M(), torch.randn(2, 3, 5, 4), torch.randn(3, 4, 6))
    run(M(), torch.randn(5, 4), torch.randn(2, 4, 6))


def test_conv_transpose_and_adaptive_pools():
    m = nn.Sequential(nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1,
                                         groups=2),
                      nn.ReLU(), nn.AdaptiveAvgPool2d((5, 3)),
                      nn.ConvTranspose2d(6, 2, 2, stride=1), nn.AdaptiveAvgPool2d(9))
    run(m, torch.randn(1, 4, 3, 4))


# The same models through torch.onnx.export + imc.import_onnx.
def run_onnx(model, *xs, rtol=1e-4):
    import io
    pytest.importorskip("onnx")
    model = randomize(model)
    f = io.BytesIO()
    # (Not under no_grad: there torch takes attention fast paths it cannot
    # export.)
    torch.onnx.export(model, xs, f, opset_version=14)
    mod = imc.import_onnx(f.getvalue())
    res = imc.simulate(imc.compile(mod), [x.numpy() for x in xs], mode="ideal")
    with torch.no_grad():
        ref = model(*xs)
    ref = ref if isinstance(ref, torch.Tensor) else ref[0]
    r = ref.numpy()
    assert res.outputs[0].shape == r.shape
    assert np.abs(res.outputs[0] - r).max() / np.abs(r).max() <= rtol


def test_transformers_onnx():
    torch.manual_seed(0)
    run_onnx(nn.TransformerEncoder(nn.TransformerEncoderLayer(
        16, 4, 32, dropout=0.0, batch_first=True), 2), torch.randn(2, 5, 16))
    run_onnx(GPTBlock(), torch.randint(0, 50, (2, 6)))


@pytest.mark.parametrize("mode,kw", [("nearest", dict(scale_factor=2)),
                                     ("bilinear", dict(size=(5, 3), align_corners=True)),
                                     ("bilinear", dict(size=(7, 9), align_corners=False))])
def test_interpolate_onnx(mode, kw):
    class M(nn.Module):
        def forward(self, x):
            return nn.functional.interpolate(x, mode=mode, **kw)

    run_onnx(M(), torch.randn(1, 2, 4, 6))

