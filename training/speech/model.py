"""Digit CTC model with its feature front end inside the graph.

The ONNX graph takes raw 16 kHz PCM, so Node never computes features and there is no
train/serve feature mismatch. STFT is a strided Conv1d with fixed DFT kernels, then a fixed
mel matrix, log, and per-utterance mean/variance normalisation (robust to channel and gain).
"""
import math

import torch
import torch.nn as nn
import torchaudio.functional as AF

from tokens import NUM_CLASSES, SAMPLE_RATE

N_FFT = 400
HOP = 160
N_MELS = 64
SUBSAMPLE = 4


class FrontEnd(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        n = torch.arange(N_FFT, dtype=torch.float32)
        window = 0.5 - 0.5 * torch.cos(2 * math.pi * n / N_FFT)
        k = torch.arange(N_FFT // 2 + 1, dtype=torch.float32)[:, None]
        ang = 2 * math.pi * k * n[None, :] / N_FFT
        kernel = torch.cat([torch.cos(ang) * window, -torch.sin(ang) * window], 0)[:, None, :]
        self.register_buffer('dft', kernel)
        self.register_buffer('window', window)
        mel = AF.melscale_fbanks(N_FFT // 2 + 1, 20.0, SAMPLE_RATE / 2, N_MELS, SAMPLE_RATE, norm='slaney', mel_scale='slaney')
        self.register_buffer('mel', mel.T.contiguous())  # (mels, bins)
        # Training uses torch.stft (fast FFT); the exported graph uses the DFT convolution,
        # which ONNX runs everywhere. Both compute the same frames (no centring, periodic Hann).
        self.use_fft = False

    def forward(self, pcm: torch.Tensor) -> torch.Tensor:
        """pcm (B, N) -> log-mel (B, mels, T) without normalisation."""
        if self.use_fft:
            spec = torch.stft(pcm, N_FFT, HOP, N_FFT, self.window, center=False, return_complex=True)
            power = spec.real ** 2 + spec.imag ** 2
        else:
            spec = torch.nn.functional.conv1d(pcm[:, None, :], self.dft, stride=HOP)
            half = N_FFT // 2 + 1
            power = spec[:, :half] ** 2 + spec[:, half:] ** 2
        return torch.log(torch.matmul(self.mel, power) + 1e-6)


def frames_after_frontend(samples: torch.Tensor) -> torch.Tensor:
    return torch.div(samples - N_FFT, HOP, rounding_mode='floor') + 1


def frames_after_subsample(frames: torch.Tensor) -> torch.Tensor:
    for _ in range(2):
        frames = torch.div(frames - 1, 2, rounding_mode='floor') + 1
    return frames


class Block(nn.Module):
    """Depthwise-separable dilated temporal convolution with a residual connection."""

    def __init__(self, ch: int, k: int, dilation: int, dropout: float) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(ch, ch, k, padding=dilation * (k - 1) // 2, dilation=dilation, groups=ch),
            nn.Conv1d(ch, ch, 1), nn.BatchNorm1d(ch), nn.ReLU(), nn.Dropout(dropout),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class DigitNet(nn.Module):
    """Conv-only: on this CPU a GRU's backward pass was 3-6x slower per step than these blocks."""

    def __init__(self, channels: int = 160) -> None:
        super().__init__()
        self.front = FrontEnd()
        self.sub = nn.Sequential(
            nn.Conv1d(N_MELS, channels, 5, stride=2, padding=2), nn.BatchNorm1d(channels), nn.ReLU(),
            nn.Conv1d(channels, channels, 5, stride=2, padding=2), nn.BatchNorm1d(channels), nn.ReLU(),
        )
        self.blocks = nn.Sequential(*[Block(channels, 5, d, 0.1) for d in (1, 2, 4, 8, 1, 2, 4, 1)])
        self.out = nn.Conv1d(channels, NUM_CLASSES, 1)
        # SpecAugment in training mode only (never traced into the ONNX export, which runs in eval mode).
        self.specaug = True

    def spec_augment(self, feats: torch.Tensor) -> torch.Tensor:
        """Zeroes (the normalised mean) 2 random mel bands of up to 8 bins and about one time span
        of up to 6 frames (60 ms) per 60 frames, independently per row."""
        b, m, t = feats.shape
        mask = torch.zeros(b, m, t, dtype=torch.bool)
        bins = torch.arange(m)[None, :]
        for _ in range(2):
            w = torch.randint(0, 9, (b, 1))
            f0 = (torch.rand(b, 1) * (m - w)).long()
            mask |= ((bins >= f0) & (bins < f0 + w))[:, :, None]
        steps = torch.arange(t)[None, :]
        for _ in range(max(1, t // 60)):
            w = torch.randint(0, 7, (b, 1))
            t0 = (torch.rand(b, 1) * (t - w).clamp(min=1)).long()
            mask |= ((steps >= t0) & (steps < t0 + w))[:, None, :]
        return feats.masked_fill(mask, 0.0)

    def normalise(self, feats: torch.Tensor, frames: torch.Tensor | None) -> torch.Tensor:
        if frames is None:
            mean = feats.mean(dim=2, keepdim=True)
            std = torch.sqrt(((feats - mean) ** 2).mean(dim=2, keepdim=True) + 1e-5)
            return (feats - mean) / std
        t = torch.arange(feats.shape[2])[None, None, :]
        mask = (t < frames[:, None, None]).float()
        count = mask.sum(dim=2, keepdim=True).clamp(min=1)
        mean = (feats * mask).sum(dim=2, keepdim=True) / count
        var = (((feats - mean) * mask) ** 2).sum(dim=2, keepdim=True) / count
        return (feats - mean) / torch.sqrt(var + 1e-5) * mask

    def forward(self, pcm: torch.Tensor, samples: torch.Tensor | None = None):
        """Log-probabilities (B, T', classes); with sample counts also the valid T' per row."""
        feats = self.front(pcm)
        frames = None if samples is None else frames_after_frontend(samples)
        x = self.normalise(feats, frames)
        if self.training and self.specaug:
            x = self.spec_augment(x)
        y = self.out(self.blocks(self.sub(x)))
        logp = torch.log_softmax(y.transpose(1, 2), dim=-1)
        if samples is None:
            return logp
        return logp, frames_after_subsample(frames).clamp(min=1, max=logp.shape[1])
