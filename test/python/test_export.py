"""imc.export (torch.fx -> the C++ importer -> linalg), compiled and simulated
in ideal mode, against PyTorch eager: max relative error <= 1e-4."""
import os

import numpy as np
import pytest
import torch
from torch import nn

import imc


def check(model, x, rtol=1e-4, **compile_args):
    torch.manual_seed(0)
    model = model.eval()
    mod = imc.export(model, x)
    prog = imc.compile(mod, **compile_args)
    res = imc.simulate(prog, [x.numpy()], mode="ideal")
    with torch.no_grad():
        ref = model(x).numpy()
    err = np.abs(res.outputs[0] - ref).max() / np.abs(ref).max()
    assert err <= rtol, err
    return mod, res


def randomize_bn(model):
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    return model


def test_mlp():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Dropout(0.5),
                          nn.Linear(32, 32), nn.GELU(), nn.Linear(32, 4))
    mod, res = check(model, torch.randn(3, 16))
    # Layer names are the module paths.
    names = [l["name"] for l in res.report["layers"]]
    assert names[0] == "0" and "5" in names
    assert 'loc("0")' in mod.to_string(debug_info=True)


class ResidualCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, groups=2, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.dw = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8)
        self.act = nn.Hardswish()
        self.pool = nn.MaxPool2d(2)
        self.avg = nn.AvgPool2d(3, stride=1, padding=1)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = torch.relu(y + self.bn2(self.conv2(y)))
        y = self.avg(self.pool(self.act(self.dw(y))))
        return self.fc(torch.flatten(self.gap(y), 1))


def test_cnn_with_batchnorm_and_residuals():
    torch.manual_seed(2)
    mod, res = check(randomize_bn(ResidualCNN()), torch.randn(2, 3, 16, 16))
    # Batch norm folded into the convolutions: no affine work left.
    assert "linalg" not in str(imc.run_pipeline(
        mod, "convert-linalg-to-imc,imc-fuse-batchnorm"))


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v2"])
def test_torchvision(name):
    torchvision = pytest.importorskip("torchvision")
    torch.manual_seed(0)
    model = randomize_bn(getattr(torchvision.models, name)())
    _, res = check(model, torch.randn(1, 3, 64, 64))
    assert res.report["totals"]["analog_mac_ratio"] == 1.0


def test_mixed_mapping_on_export():
    torch.manual_seed(3)
    _, res = check(randomize_bn(ResidualCNN()), torch.randn(1, 3, 16, 16),
                   min_utilization=0.05)
    engines = {l["name"]: l["engine"] for l in res.report["layers"]}
    assert engines["dw"] == "dpu" and engines["conv1"] == "xbar"


def test_unsupported_module_names_node():
    class WithShuffle(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 4, 1)
            self.up = nn.PixelShuffle(2)

        def forward(self, x):
            return self.up(self.conv(x))

    with pytest.raises(imc.ImcError, match=r"unsupported module nn.PixelShuffle at graph node 'up'"):
        imc.export(WithShuffle(), torch.randn(1, 1, 4, 4))


def test_bad_inputs_and_outputs():
    with pytest.raises(imc.ImcError, match="example input 0 has dtype torch.float64"):
        imc.export(nn.Linear(4, 4), torch.ones(2, 4, dtype=torch.float64))
    with pytest.raises(imc.ImcError, match="example input 1 must be a torch.Tensor, got int"):
        imc.export(nn.Linear(4, 4), torch.ones(2, 4), 3)

    class NonTensorOutput(nn.Module):
        def forward(self, x):
            return x.relu(), 3

    with pytest.raises(imc.ImcError, match="non-tensor output"):
        imc.export(NonTensorOutput(), torch.randn(2, 4))

    class Cumsum(nn.Module):
        def forward(self, x):
            return torch.cumsum(x, 1)

    with pytest.raises(imc.ImcError, match="unsupported function cumsum"):
        imc.export(Cumsum(), torch.randn(1, 1, 2, 2))


def test_broadcasting_arithmetic():
    class Broadcast(nn.Module):
        def forward(self, x):
            a = x + x.mean(dim=0)                      # [3, 4] + [4]
            b = x * x.mean(dim=1, keepdim=True)        # [3, 4] * [3, 1]
            return a - b / x.mean()                    # / [] (rank 0)

    torch.manual_seed(7)
    check(Broadcast(), torch.randn(3, 4))


@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_encoder_layer(norm_first):
    torch.manual_seed(4)
    layer = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, activation="gelu",
                                       batch_first=True, norm_first=norm_first)
    mod, res = check(layer, torch.randn(2, 8, 32))
    # Projections on crossbars, attention products etc. on the DPU.
    assert 0.9 < res.report["totals"]["analog_mac_ratio"] < 1.0
    names = {l["name"] for l in res.report["layers"]}
    assert "model.self_attn.q_proj" in names and "model.linear1" in names


class Misc(nn.Module):
    """Conv1d, hardsigmoid, permute, layer norm, scalar arithmetic,
    multi-head attention, cat, softmax and mean in one graph."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 6, 3, padding=1, stride=2)
        self.hs = nn.Hardsigmoid()
        self.ln = nn.LayerNorm(6)
        self.att = nn.MultiheadAttention(6, 2, batch_first=True)

    def forward(self, x):
        z = self.hs(self.conv(x)).permute(0, 2, 1)
        z = self.ln(z) * 0.5 + 1.0
        z = self.att(z, z, z)[0] + z
        w = torch.cat([z, 1.0 - z], dim=2)
        return torch.softmax(w, dim=-1).mean(dim=1)


def test_op_coverage():
    torch.manual_seed(5)
    check(Misc(), torch.randn(2, 4, 9))


@pytest.mark.parametrize("build", [
    lambda: (nn.Sequential(nn.Linear(8, 8), nn.ReLU()), torch.randn(2, 8)),
    lambda: (randomize_bn(ResidualCNN()), torch.randn(1, 3, 16, 16)),
    lambda: (nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True),
             torch.randn(1, 4, 16)),
])
def test_exported_ir_verifies_upstream(build, tmp_path):
    """The exported module is plain upstream MLIR: mlir-opt-19 accepts it."""
    import subprocess
    model, x = build()
    path = tmp_path / "exported.mlir"
    path.write_text(str(imc.export(model, x)))
    run = subprocess.run(["/usr/lib/llvm-19/bin/mlir-opt", "--verify-each",
                          str(path), "-o", "/dev/null"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("name", ["vgg11", "alexnet"])
def test_torchvision_exports(name):
    """VGG-11 and AlexNet export at 224x224 (their adaptive pools are then
    identities); their 100M-weight classifiers make a full compile and
    simulation too heavy for the test suite."""
    torchvision = pytest.importorskip("torchvision")
    mod = imc.export(getattr(torchvision.models, name)(), torch.randn(1, 3, 224, 224))
    text = mod.to_string()
    assert "linalg.conv_2d_nchw_fchw" in text and "linalg.matmul ins" in text


def test_module_save_for_the_command_line(tmp_path):
    """Module.save writes bytecode (or text for .mlir) that imc-opt reads."""
    import subprocess
    mod = imc.export(nn.Sequential(nn.Linear(8, 4), nn.ReLU()), torch.randn(2, 8))
    build = os.environ.get("IMC_BUILD_DIR")
    for name in ("m.mlirbc", "m.mlir"):
        path = tmp_path / name
        mod.save(path)
        data = path.read_bytes()
        assert data.startswith(b"ML\xefR") == (name == "m.mlirbc")
        assert str(imc.load(str(path))) == str(mod)
        if build:
            out = subprocess.run([os.path.join(build, "bin", "imc-opt"), str(path),
                                  "--convert-linalg-to-imc"], capture_output=True, text=True)
            assert out.returncode == 0, out.stderr
            assert "imc.mvm" in out.stdout
