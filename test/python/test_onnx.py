"""imc.import_onnx on models exported with torch.onnx.export: the same
numerics as PyTorch eager (<= 1e-4), and clear errors for what is not
supported."""
import io

import numpy as np
import pytest
import torch
from torch import nn

import imc
from test_export import ResidualCNN, randomize_bn

onnx = pytest.importorskip("onnx")


def to_onnx(model, x, **kw):
    f = io.BytesIO()
    torch.onnx.export(model.eval(), x, f, opset_version=13, **kw)
    return f.getvalue()


def check(model, x):
    data = to_onnx(model, x)
    res = imc.simulate(imc.compile(imc.import_onnx(data)), [x.numpy()])
    with torch.no_grad():
        ref = model(x).numpy()
    err = np.abs(res.outputs[0] - ref).max() / np.abs(ref).max()
    assert err <= 1e-4, err
    return res


def test_mlp_and_cnn(tmp_path):
    torch.manual_seed(6)
    check(nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4)),
          torch.randn(3, 16))
    check(randomize_bn(ResidualCNN()), torch.randn(2, 3, 16, 16))
    # From a file path and from a ModelProto too.
    path = tmp_path / "mlp.onnx"
    model = nn.Sequential(nn.Linear(4, 2))
    path.write_bytes(to_onnx(model, torch.randn(1, 4)))
    assert "linalg" in str(imc.import_onnx(str(path)))
    assert "linalg" in str(imc.import_onnx(onnx.load(str(path))))


def test_gelu_and_layernorm():
    """torch.onnx decomposes LayerNorm (ReduceMean, Sub, Pow, Sqrt, Div) and
    GELU (Div, Erf, Add, Mul): broadcasting arithmetic and special functions."""
    torch.manual_seed(8)
    check(nn.Sequential(nn.Linear(16, 32), nn.LayerNorm(32), nn.GELU(),
                        nn.Linear(32, 8)), torch.randn(4, 16))


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v2"])
def test_torchvision_via_onnx(name):
    torchvision = pytest.importorskip("torchvision")
    torch.manual_seed(0)
    res = check(randomize_bn(getattr(torchvision.models, name)()),
                torch.randn(1, 3, 64, 64))
    assert res.report["totals"]["analog_mac_ratio"] == 1.0


def test_errors():
    class Sin(nn.Module):
        def forward(self, x):
            return torch.sin(x)

    with pytest.raises(imc.ImcError, match="unsupported ONNX op 'Sin' at node"):
        imc.import_onnx(to_onnx(Sin(), torch.randn(2, 2)))
    dyn = to_onnx(nn.Linear(4, 2), torch.randn(1, 4), input_names=["x"],
                  dynamic_axes={"x": {0: "batch"}})
    with pytest.raises(imc.ImcError, match="input 'x' has a dynamic or unknown shape"):
        imc.import_onnx(dyn)
