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
        mel = AF.melscale_fbanks(N_FFT // 2 + 1, 20.0, SAMPLE_RATE / 2, N_MELS, SAMPLE_RATE, norm='slaney', mel_scale='slaney')
        self.register_buffer('mel', mel.T.contiguous())  # (mels, bins)

    def forward(self, pcm: torch.Tensor) -> torch.Tensor:
        """pcm (B, N) -> log-mel (B, mels, T) without normalisation."""
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


class DigitNet(nn.Module):
    def __init__(self, hidden: int = 128, channels: int = 160) -> None:
        super().__init__()
        self.front = FrontEnd()
        self.conv = nn.Sequential(
            nn.Conv1d(N_MELS, channels, 5, stride=2, padding=2), nn.BatchNorm1d(channels), nn.ReLU(),
            nn.Conv1d(channels, channels, 5, stride=2, padding=2), nn.BatchNorm1d(channels), nn.ReLU(),
            nn.Conv1d(channels, channels, 3, padding=1), nn.BatchNorm1d(channels), nn.ReLU(),
        )
        self.rnn = nn.GRU(channels, hidden, num_layers=2, batch_first=True, bidirectional=True, dropout=0.15)
        self.out = nn.Linear(2 * hidden, NUM_CLASSES)

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
        feats = self.front(pcm)
        frames = None if samples is None else frames_after_frontend(samples)
        x = self.conv(self.normalise(feats, frames)).transpose(1, 2)  # (B, T', C)
        if samples is None:
            y, _ = self.rnn(x)
            return torch.log_softmax(self.out(y), dim=-1)
        out_frames = frames_after_subsample(frames).clamp(min=1, max=x.shape[1])
        packed = nn.utils.rnn.pack_padded_sequence(x, out_frames.cpu(), batch_first=True, enforce_sorted=False)
        y, _ = self.rnn(packed)
        y, _ = nn.utils.rnn.pad_packed_sequence(y, batch_first=True, total_length=x.shape[1])
        return torch.log_softmax(self.out(y), dim=-1), out_frames
