"""The two digits classifiers of the examples, their data split and their
shipped weights.

- DigitsCNN: the small CNN of examples/pytorch_demo.py and examples/drift
  (8x8 images, two 3x3 convs with batch norm, max pool, global average pool,
  a linear classifier); weights in digits_cnn.npz.
- the 64-128-64-10 MLP of examples/digits/run_digits.py (flattened images);
  weights in digits_mlp.npz.

Data: scikit-learn's bundled handwritten digits (load_digits, 1797 images, no
download), pixels scaled to [0, 1], split by train_test_split(test_size=0.2,
random_state=0, stratify=labels): 1437 training and 360 test images, the same
on every machine.

The .npz files hold the models' state_dict arrays (float32; batch norm's
running statistics included). They were written by examples/digits/train.py,
which retrains both models with a robust recipe and refuses to write weights
whose test accuracy is below 0.95. Loading them instead of training makes the
examples and tests independent of how a training run goes on a given CPU.
"""
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = {"cnn": os.path.join(HERE, "digits_cnn.npz"),
           "mlp": os.path.join(HERE, "digits_mlp.npz")}


class DigitsCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(16)
        self.pool = nn.MaxPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.pool(torch.relu(self.bn2(self.conv2(x))))
        return self.fc(torch.flatten(self.gap(x), 1))


def digits_mlp():
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64),
                         nn.ReLU(), nn.Linear(64, 10))


def build(kind):
    """An untrained model: kind is "cnn" or "mlp"."""
    return {"cnn": DigitsCNN, "mlp": digits_mlp}[kind]()


def load_split(kind):
    """(xtrain, xtest, ytrain, ytest) as numpy arrays: float32 images of shape
    [N, 1, 8, 8] for the CNN, [N, 64] for the MLP; int64 labels."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    if kind == "cnn":
        x = x.reshape(-1, 1, 8, 8)
    y = digits.target.astype(np.int64)
    return train_test_split(x, y, test_size=0.2, random_state=0, stratify=y)


def save(model, path):
    np.savez_compressed(path, **{k: v.detach().cpu().numpy()
                                 for k, v in model.state_dict().items()})


def load(kind, path=None):
    """The model with its shipped (or the given) weights, in eval mode."""
    model = build(kind)
    with np.load(path or WEIGHTS[kind]) as f:
        state = {k: torch.from_numpy(f[k].copy()) for k in f.files}
    model.load_state_dict(state)
    return model.eval()


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(torch.tensor(x)).argmax(1).numpy() == y).mean())
