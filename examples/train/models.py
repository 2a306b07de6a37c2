"""The backbones of the Synbols paper's Tables 1-2 (§3.1 and App. B.1),
written for this harness. Each takes (B, C, H, W) float images and returns
(B, n_classes) logits; the input size only matters to the MLP and Conv-4 Flat.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    """Three fully connected layers of 256 units with leaky ReLU, on the
    flattened image."""

    def __init__(self, in_shape, n_classes, hidden=256):
        super().__init__()
        c, h, w = in_shape
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(c * h * w, hidden), nn.LeakyReLU(),
            nn.Linear(hidden, hidden), nn.LeakyReLU(), nn.Linear(hidden, n_classes))

    def forward(self, x):
        return self.net(x)


def _conv_block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True), nn.MaxPool2d(2))


class Conv4(nn.Module):
    """Four 3×3 conv blocks of 64 channels (BN, ReLU, 2×2 max pooling), then
    either the flattened feature map (``gap=False``, Conv-4 Flat) or its
    global average (``gap=True``, Conv-4 GAP), then a linear layer."""

    def __init__(self, in_shape, n_classes, gap, width=64):
        super().__init__()
        c, h, w = in_shape
        self.features = nn.Sequential(_conv_block(c, width), _conv_block(width, width),
                                      _conv_block(width, width), _conv_block(width, width))
        self.gap = gap
        fh, fw = max(h // 16, 1), max(w // 16, 1)
        self.fc = nn.Linear(width if gap else width * fh * fw, n_classes)

    def forward(self, x):
        z = self.features(x)
        z = z.mean(dim=(2, 3)) if self.gap else z.flatten(1)
        return self.fc(z)


class _ResBlock12(nn.Module):
    def __init__(self, cin, cout, drop=0.1):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.c3 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.b3 = nn.BatchNorm2d(cout)
        self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.drop = nn.Dropout(drop)

    def forward(self, x):
        z = self.drop(F.relu(self.b1(self.c1(x))))
        z = self.drop(F.relu(self.b2(self.c2(z))))
        z = self.b3(self.c3(z))
        return F.max_pool2d(F.relu(z + self.short(x)), 2)


class ResNet12(nn.Module):
    """Four residual blocks (64, 128, 256, 512 channels) of three 3×3 convs
    with BN and ReLU, dropout 0.1 after the first two, max pooling after
    each block; global average pooling and a linear layer."""

    def __init__(self, in_shape, n_classes, widths=(64, 128, 256, 512)):
        super().__init__()
        blocks, cin = [], in_shape[0]
        for w in widths:
            blocks.append(_ResBlock12(cin, w))
            cin = w
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, n_classes)

    def forward(self, x):
        return self.fc(self.blocks(x).mean(dim=(2, 3)))


class _WideBlock(nn.Module):
    def __init__(self, cin, cout, stride, drop=0.1):
        super().__init__()
        self.b1 = nn.BatchNorm2d(cin)
        self.c1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.drop = nn.Dropout(drop)
        self.short = None if cin == cout and stride == 1 else nn.Conv2d(cin, cout, 1, stride=stride, bias=False)

    def forward(self, x):
        a = F.relu(self.b1(x))
        z = self.c1(a)
        z = self.c2(F.relu(self.b2(self.drop(z))))
        return z + (x if self.short is None else self.short(a))


class WideResNet(nn.Module):
    """WRN-depth-k (pre-activation): a 16-channel 3×3 conv, three groups of
    (depth-4)/6 blocks of two 3×3 convs with 16k, 32k, 64k channels (the
    last two groups start with stride 2), dropout 0.1 after each block's
    first conv; BN, ReLU, global average pooling and a linear layer.
    WRN-28-4: 4 blocks a group, 64/128/256 channels, about 5.8M parameters."""

    def __init__(self, in_shape, n_classes, depth=28, k=4):
        super().__init__()
        n = (depth - 4) // 6
        widths = [16 * k, 32 * k, 64 * k]
        self.stem = nn.Conv2d(in_shape[0], 16, 3, padding=1, bias=False)
        layers, cin = [], 16
        for g, w in enumerate(widths):
            for i in range(n):
                layers.append(_WideBlock(cin, w, 2 if (g > 0 and i == 0) else 1))
                cin = w
        self.layers = nn.Sequential(*layers)
        self.bn = nn.BatchNorm2d(cin)
        self.fc = nn.Linear(cin, n_classes)

    def forward(self, x):
        z = F.relu(self.bn(self.layers(self.stem(x))))
        return self.fc(z.mean(dim=(2, 3)))


# name on the command line → (row label in the table, constructor)
BACKBONES = {
    "mlp": ("MLP", lambda s, n: MLP(s, n)),
    "conv4-flat": ("Conv-4 Flat", lambda s, n: Conv4(s, n, gap=False)),
    "conv4-gap": ("Conv-4 GAP", lambda s, n: Conv4(s, n, gap=True)),
    "resnet12": ("ResNet-12", lambda s, n: ResNet12(s, n)),
    "wrn28-4": ("WRN-28-4", lambda s, n: WideResNet(s, n, 28, 4)),
}


def build(name, in_shape, n_classes):
    return BACKBONES[name][1](tuple(in_shape), n_classes)


def n_params(model):
    return sum(p.numel() for p in model.parameters())
