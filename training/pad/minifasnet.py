"""MiniFASNet (Silent-Face-Anti-Spoofing, minivision-ai, Apache-2.0) rebuilt from its weights.

The network is a MobileFaceNet-style stack of depthwise-separable blocks. Instead of copying the
upstream channel tables, every layer's width is read from the state dict, so the same code builds
MiniFASNetV2 and MiniFASNetV1SE (and refuses weights it does not understand: load is strict).

Layout (parameter-name prefixes of the state dict):
  conv1        3x3 stride 2, BN, PReLU
  conv2_dw     3x3 depthwise, BN, PReLU
  conv_23      block, stride 2 (no shortcut)
  conv_3       residual blocks (the last one with squeeze-excitation in the SE variant)
  conv_34      block, stride 2
  conv_4       residual blocks
  conv_45      block, stride 2
  conv_5       residual blocks
  conv_6_sep   1x1, BN, PReLU
  conv_6_dw    depthwise over the whole 5x5 map, BN (no activation)
  linear, bn, prob   512 -> 128 (BN1d) -> 3 logits; upstream reads class 1 as live.

Input: N x 3 x 80 x 80, BGR, float pixel values 0-255 (upstream's ToTensor does not divide by
255 and there is no mean/std normalisation).
"""
from __future__ import annotations

import re
from collections import OrderedDict

import torch
from torch import nn

BLOCK_STAGES = ("conv_23", "conv_3", "conv_34", "conv_4", "conv_45", "conv_5")


class ConvBnAct(nn.Module):
    """Conv (no bias) + BatchNorm, then PReLU unless linear."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int = 1, padding: int = 0, groups: int = 1, linear: bool = False):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride=stride, padding=padding, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.prelu = None if linear else nn.PReLU(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bn(self.conv(x))
        return x if self.prelu is None else self.prelu(x)


class SqueezeExcite(nn.Module):
    def __init__(self, channels: int, squeezed: int):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, squeezed, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(squeezed)
        self.fc2 = nn.Conv2d(squeezed, channels, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = torch.mean(x, dim=(2, 3), keepdim=True)
        w = torch.relu(self.bn1(self.fc1(w)))
        return x * torch.sigmoid(self.bn2(self.fc2(w)))


class Bottleneck(nn.Module):
    """1x1 expand, 3x3 depthwise, 1x1 project; a shortcut (and optional SE) when residual."""

    def __init__(self, cin: int, mid: int, cout: int, stride: int, residual: bool, se: int | None):
        super().__init__()
        self.conv = ConvBnAct(cin, mid, 1)
        self.conv_dw = ConvBnAct(mid, mid, 3, stride=stride, padding=1, groups=mid)
        self.project = ConvBnAct(mid, cout, 1, linear=True)
        self.residual = residual
        if se is not None:
            self.se_module = SqueezeExcite(cout, se)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.project(self.conv_dw(self.conv(x)))
        if not self.residual:
            return y
        if hasattr(self, "se_module"):
            y = self.se_module(y)
        return x + y


class Blocks(nn.Module):
    """A residual stage: the state dict names its blocks `<stage>.model.<i>`."""

    def __init__(self, blocks: list[nn.Module]):
        super().__init__()
        self.model = nn.Sequential(*blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


def strip_prefix(state: "OrderedDict[str, torch.Tensor]") -> "OrderedDict[str, torch.Tensor]":
    """Weights saved from nn.DataParallel carry a `module.` prefix."""
    return OrderedDict((k[len("module."):] if k.startswith("module.") else k, v) for k, v in state.items())


def _block(state, prefix: str, stride: int, residual: bool) -> Bottleneck:
    expand = state[f"{prefix}.conv.conv.weight"]
    project = state[f"{prefix}.project.conv.weight"]
    se_key = f"{prefix}.se_module.fc1.weight"
    se = state[se_key].shape[0] if se_key in state else None
    return Bottleneck(expand.shape[1], expand.shape[0], project.shape[0], stride, residual, se)


class MiniFASNet(nn.Module):
    def __init__(self, state: "OrderedDict[str, torch.Tensor]"):
        super().__init__()
        c1 = state["conv1.conv.weight"]
        self.conv1 = ConvBnAct(c1.shape[1], c1.shape[0], 3, stride=2, padding=1)
        c2 = state["conv2_dw.conv.weight"]
        self.conv2_dw = ConvBnAct(c1.shape[0], c2.shape[0], 3, padding=1, groups=c2.shape[0])
        for stage in BLOCK_STAGES:
            if f"{stage}.conv.conv.weight" in state:
                setattr(self, stage, _block(state, stage, stride=2, residual=False))
            else:
                count = 1 + max(int(m.group(1)) for k in state if (m := re.match(rf"{stage}\.model\.(\d+)\.", k)))
                setattr(self, stage, Blocks([_block(state, f"{stage}.model.{i}", 1, True) for i in range(count)]))
        sep = state["conv_6_sep.conv.weight"]
        self.conv_6_sep = ConvBnAct(sep.shape[1], sep.shape[0], 1)
        dw = state["conv_6_dw.conv.weight"]
        self.conv_6_dw = ConvBnAct(dw.shape[0], dw.shape[0], dw.shape[2], groups=dw.shape[0], linear=True)
        lin = state["linear.weight"]
        self.linear = nn.Linear(lin.shape[1], lin.shape[0], bias=False)
        self.bn = nn.BatchNorm1d(lin.shape[0])
        prob = state["prob.weight"]
        self.prob = nn.Linear(prob.shape[1], prob.shape[0], bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv2_dw(self.conv1(x))
        for stage in BLOCK_STAGES:
            x = getattr(self, stage)(x)
        x = self.conv_6_dw(self.conv_6_sep(x))
        x = torch.flatten(x, 1)
        return self.prob(self.bn(self.linear(x)))


def load(path: str) -> MiniFASNet:
    state = strip_prefix(torch.load(path, map_location="cpu"))
    model = MiniFASNet(state)
    model.load_state_dict(state, strict=True)
    return model.eval()
