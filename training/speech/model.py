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
        # Vocal-tract-length perturbation in training (see warp_table): a share of the rows is read
        # through a filterbank warped as for a longer or shorter vocal tract. Never exported.
        self.vtlp_share = 0.0
        self.register_buffer('warped', warp_table(self.mel), persistent=False)
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
        if self.training and self.vtlp_share > 0:
            # One random vocal tract per row: a warped filterbank from the table, or the plain one.
            pick = torch.randint(0, self.warped.shape[0], (pcm.shape[0],))
            plain = torch.rand(pcm.shape[0]) >= self.vtlp_share
            banks = torch.where(plain[:, None, None], self.mel[None], self.warped[pick])
            return torch.log(torch.bmm(banks, power) + 1e-6)
        return torch.log(torch.matmul(self.mel, power) + 1e-6)


VTLP_ALPHAS = [round(0.82 + 0.01 * i, 2) for i in range(39)]  # 0.82 .. 1.20
VTLP_EDGE = 0.85


def warp_table(mel: torch.Tensor) -> torch.Tensor:
    """The mel filterbank (mels, bins) warped for each of VTLP_ALPHAS: (alphas, mels, bins).

    Vocal-tract-length perturbation (Jaitly and Hinton, 2013) moves a voice's formants from f to
    alpha * f, piecewise linearly so that Nyquist stays put (the mixer used to do it on the STFT,
    half of its time per utterance). Reading the spectrum S through filters evaluated at the
    warped frequency, W(warp(f)), is what reading the warped spectrum through W would give, up to a
    constant gain that the per-utterance normalisation removes.
    """
    bins = mel.shape[1] - 1
    h = torch.arange(bins + 1, dtype=torch.float32)
    out = []
    for alpha in VTLP_ALPHAS:
        b = VTLP_EDGE * bins * min(alpha, 1.0) / alpha
        at = torch.where(h <= b, alpha * h, bins - (bins - h) * (bins - alpha * b) / (bins - b)).clamp(0, bins)
        lo = at.floor().long().clamp(max=bins - 1)
        w = at - lo.float()
        out.append(mel[:, lo] * (1 - w) + mel[:, lo + 1] * w)
    return torch.stack(out)


def frames_after_frontend(samples: torch.Tensor) -> torch.Tensor:
    return torch.div(samples - N_FFT, HOP, rounding_mode='floor') + 1


def halved(frames: torch.Tensor) -> torch.Tensor:
    """Frames after one stride-2 convolution (kernel 5, padding 2)."""
    return torch.div(frames - 1, 2, rounding_mode='floor') + 1


def frames_after_subsample(frames: torch.Tensor) -> torch.Tensor:
    return halved(halved(frames))


class MaskedBatchNorm(nn.BatchNorm1d):
    """BatchNorm whose training statistics count only the frames inside each utterance.

    Plain BatchNorm over a padded batch mixes the padding into the mean and variance (and so
    into the running statistics the exported model uses): a model trained that way read back only
    half of a memorised training set in eval mode (docs/decisions.md). The output is zero on
    padded frames, as the exported model's zero padding is. In eval mode this is plain BatchNorm,
    so the ONNX graph is unchanged.
    """

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if not self.training or mask is None:
            return super().forward(x)
        n = mask.sum().clamp(min=2)
        mean = (x * mask).sum(dim=(0, 2)) / n
        var = (((x - mean[None, :, None]) * mask) ** 2).sum(dim=(0, 2)) / n
        with torch.no_grad():
            self.num_batches_tracked += 1
            self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
            self.running_var.mul_(1 - self.momentum).add_(self.momentum * var * n / (n - 1))
        y = (x - mean[None, :, None]) / torch.sqrt(var[None, :, None] + self.eps)
        return (y * self.weight[None, :, None] + self.bias[None, :, None]) * mask


class Block(nn.Module):
    """Depthwise-separable dilated temporal convolution with a residual connection."""

    def __init__(self, ch: int, k: int, dilation: int, dropout: float) -> None:
        super().__init__()
        self.depthwise = nn.Conv1d(ch, ch, k, padding=dilation * (k - 1) // 2, dilation=dilation, groups=ch)
        self.pointwise = nn.Conv1d(ch, ch, 1)
        self.norm = MaskedBatchNorm(ch)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        # Padded frames stay zero: x arrives masked and the masked norm zeroes them in y.
        return x + self.drop(torch.relu(self.norm(self.pointwise(self.depthwise(x)), mask)))


class Subsample(nn.Module):
    """Two stride-2 convolutions: 10 ms feature frames to 40 ms output frames."""

    def __init__(self, ch: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv1d(N_MELS, ch, 5, stride=2, padding=2)
        self.norm1 = MaskedBatchNorm(ch)
        self.conv2 = nn.Conv1d(ch, ch, 5, stride=2, padding=2)
        self.norm2 = MaskedBatchNorm(ch)

    def forward(self, x: torch.Tensor, frames: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor | None]:
        mask = None
        x = self.conv1(x)
        if frames is not None:
            frames = halved(frames)
            mask = frame_mask(frames, x.shape[2])
        x = torch.relu(self.norm1(x, mask))
        x = self.conv2(x)
        if frames is not None:
            mask = frame_mask(halved(frames), x.shape[2])
        return torch.relu(self.norm2(x, mask)), mask


def frame_mask(frames: torch.Tensor, length: int) -> torch.Tensor:
    """(B, 1, T) float mask of the frames inside each utterance."""
    return (torch.arange(length)[None, None, :] < frames[:, None, None]).float()


class DigitNet(nn.Module):
    """Conv-only: on this CPU a GRU's backward pass was 3-6x slower per step than these blocks."""

    def __init__(self, channels: int = 160) -> None:
        super().__init__()
        self.front = FrontEnd()
        self.sub = Subsample(channels)
        self.blocks = nn.ModuleList([Block(channels, 5, d, 0.1) for d in (1, 2, 4, 8, 1, 2, 4, 1)])
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
        x, mask = self.sub(x, frames)
        for block in self.blocks:
            x = block(x, mask)
        y = self.out(x)
        logp = torch.log_softmax(y.transpose(1, 2), dim=-1)
        if samples is None:
            return logp
        return logp, frames_after_subsample(frames).clamp(min=1, max=logp.shape[1])
