"""Builds augmented training utterances on the fly from the clip bank.

Each utterance is digit clips of one language read slowly, normally or fast (run together with
crossfades and compressed to 0.22-0.4 s per digit), sometimes with non-digit speech around or between them (one FILLER token per run), or
a negative (filler only, silence), or a whole synthesized sentence; then augmented hard: speed,
gain, reverberation, band limiting (telephone band, mu-law, low-pass), white/pink/brown/babble
noise or one or two other talkers at 3-35 dB SNR.

Digits are drawn voice first (a fold's held-out voices are never drawn), so a voice with a few
takes counts as much as one with hundreds. Speaker diversity beyond the real voices: the per-clip
speed change, the rubberband variants of the bank and a slow random pitch/tempo contour vary
pitch; a random EQ (spectral tilt plus peaks and notches) stands in for other microphones; the
vocal-tract length is varied by the model's training front end (model.py, warp_table), which
costs nothing there and was half of the mixer's time here.

Batches are made of utterances of similar length (MixerDataset): a random batch padded to its
longest utterance wasted about half of the model's work on padding.
"""
import random

import numpy as np
import torch

from prepare import run_sox
from tokens import FILLER, SAMPLE_RATE, en, zh

SR = SAMPLE_RATE


class Mixer:
    def __init__(self, bank: dict, seed: int, exclude: frozenset = frozenset(), real_share: float = 0.6) -> None:
        self.real_share = real_share
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        keep = lambda c: c['voice'] not in exclude
        # Digits by language and source, then by voice: drawing the voice first gives a voice with
        # five takes as much say as one with five hundred.
        self.pool: dict[tuple[str, bool], dict[str, list]] = {}
        for c in filter(keep, bank['digits']):
            real = not c['voice'].startswith('tts-')
            self.pool.setdefault((c['lang'], real), {}).setdefault(c['voice'], []).append((c['x'].numpy(), c['digit']))
        self.fill = {'en': [], 'zh': []}
        for c in filter(keep, bank['fill']):
            self.fill[c['lang']].append(c['x'].numpy())
        self.utts = [(c['x'].numpy(), list(c['tokens'])) for c in filter(keep, bank['utts'])]
        self.any_digit = [x for by in self.pool.values() for clips in by.values() for x, _ in clips]

    # --- pieces -------------------------------------------------------------
    def silence(self, lo: float, hi: float) -> np.ndarray:
        return np.zeros(int(self.rng.uniform(lo, hi) * SR), dtype=np.float32)

    def speed(self, x: np.ndarray, lo: float = 0.85, hi: float = 1.2) -> np.ndarray:
        f = self.rng.uniform(lo, hi)
        n = max(16, int(len(x) / f))
        return np.interp(np.linspace(0, len(x) - 1, n), np.arange(len(x)), x).astype(np.float32)

    def seg(self, x: np.ndarray) -> np.ndarray:
        x = self.speed(x) if self.rng.random() < 0.7 else x
        peak = np.abs(x).max() + 1e-6
        return x / peak * 10 ** (self.rng.uniform(-8, 0) / 20)

    def digit(self, lang: str) -> tuple[np.ndarray, int]:
        real = self.rng.random() < self.real_share and (lang, True) in self.pool
        by_voice = self.pool[(lang, real)] if (lang, real) in self.pool else self.pool[(lang, not real)]
        names = list(by_voice)
        # Half the draws pick a voice uniformly, half in proportion to its clips.
        weights = None if self.rng.random() < 0.5 else [len(by_voice[n]) for n in names]
        clips = by_voice[self.rng.choices(names, weights=weights)[0]]
        x, d = self.rng.choice(clips)
        return x, (en(d) if lang == 'en' else zh(d))

    def filler(self, lang: str) -> np.ndarray:
        if lang == 'zh' and self.rng.random() < 0.6:
            # gcin syllables run together into a pseudo-sentence.
            parts = [self.seg(self.rng.choice(self.fill['zh'])) for _ in range(self.rng.randint(1, 7))]
            return np.concatenate(parts)
        return self.seg(self.rng.choice(self.fill[lang]))

    # --- utterances ---------------------------------------------------------
    def compose(self) -> tuple[np.ndarray, list[int]]:
        r = self.rng.random()
        if r < 0.04:
            return self.silence(0.5, 4.0), []
        if r < 0.14:
            lang = self.rng.choice(['en', 'zh'])
            parts, toks = [self.silence(0.05, 0.8)], []
            for _ in range(self.rng.randint(1, 3)):
                parts += [self.filler(lang), self.silence(0.15, 0.8)]
                toks.append(FILLER)
            return np.concatenate(parts), toks
        if r < 0.38:
            x, toks = self.rng.choice(self.utts)
            return np.concatenate([self.silence(0.05, 0.8), self.seg(x), self.silence(0.05, 0.8)]), list(toks)
        lang = self.rng.choice(['en', 'zh'])
        n = self.rng.choice([1, 2, 3, 4, 4, 4, 4, 4, 4, 5, 6])
        # Pace: careful reading with pauses, normal, or fast run-together reading (down to about
        # 0.25 s per digit with the tempo-up variants) where syllables overlap with a crossfade.
        pace = self.rng.choices(['slow', 'normal', 'fast'], weights=[0.25, 0.35, 0.4])[0]
        parts, toks = [self.silence(0.05, 1.0)], []
        if self.rng.random() < 0.2:
            parts += [self.filler(lang), self.silence(0.1, 0.6)]
            toks.append(FILLER)
        run: list[np.ndarray] = []
        only_digits = True
        for i in range(n):
            x, tok = self.digit(lang)
            run.append(self.seg(x))
            toks.append(tok)
            if pace == 'slow':
                run.append(self.silence(0.25, 0.8))
            elif pace == 'normal':
                run.append(self.silence(0.03, 0.3))
            if i < n - 1 and self.rng.random() < 0.04:
                run += [self.filler(lang), self.silence(0.1, 0.4)]
                toks.append(FILLER)
                only_digits = False
        if pace == 'fast':
            parts.append(self.fast_run(run, n) if only_digits else self.crossfade(run, 0.06))
        else:
            parts.append(np.concatenate(run))
        if self.rng.random() < 0.2:
            parts += [self.silence(0.1, 0.6), self.filler(lang)]
            toks.append(FILLER)
        parts.append(self.silence(0.05, 1.0))
        return np.concatenate(parts), toks

    def fast_run(self, run: list[np.ndarray], digits: int) -> np.ndarray:
        """Run-together reading, then brought to 0.22-0.4 s per digit (sox tempo, pitch kept) as
        people read four digits in about 1.2 s: spliced takes alone keep a careful syllable's
        length (0.3-0.7 s in Mandarin)."""
        x = self.crossfade(run, 0.06)
        factor = len(x) / (self.rng.uniform(0.22, 0.4) * digits * SR)
        if factor < 1.05:
            return x
        # A run is digits only (fillers are never compressed); 4x is beyond any spliced take.
        return run_sox(x, ['tempo', '-s', f'{min(factor, 4.0):.3f}'])

    def crossfade(self, pieces: list[np.ndarray], most: float) -> np.ndarray:
        """Joins pieces end to start, each overlapping the previous by 0..most s (at most a third of
        either) with a raised-cosine crossfade, as syllables run into each other in fast reading."""
        out = pieces[0]
        for p in pieces[1:]:
            k = int(min(self.rng.uniform(0, most) * SR, len(out) / 3, len(p) / 3))
            if k < 2:
                out = np.concatenate([out, p])
                continue
            fade = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, k, dtype=np.float32))
            mid = out[-k:] * (1 - fade) + p[:k] * fade
            out = np.concatenate([out[:-k], mid, p[k:]])
        return out.astype(np.float32)

    # --- augmentation -------------------------------------------------------
    def band(self, x: np.ndarray, lo: float, hi: float) -> np.ndarray:
        # torch's FFT on power-of-two sizes: numpy FFT and IIR filters were the mixer's bottleneck.
        size = fft_size(len(x))
        spec = torch.fft.rfft(torch.from_numpy(x), size)
        f = torch.fft.rfftfreq(size, 1 / SR)
        spec[(f < lo) | (f > hi)] = 0
        return torch.fft.irfft(spec, size)[: len(x)].numpy().astype(np.float32)

    def reverb(self, x: np.ndarray) -> np.ndarray:
        rt60 = self.rng.uniform(0.15, 0.7)
        n = int(rt60 * SR)
        t = np.arange(n) / SR
        rir = self.np.standard_normal(n).astype(np.float32) * np.exp(-6.9 * t / rt60).astype(np.float32)
        rir[0] = 1.0 / self.rng.uniform(0.3, 1.0)
        rir /= np.sqrt((rir ** 2).sum())
        size = fft_size(len(x) + n - 1)
        spec = torch.fft.rfft(torch.from_numpy(x), size) * torch.fft.rfft(torch.from_numpy(rir), size)
        return torch.fft.irfft(spec, size)[: len(x)].numpy().astype(np.float32)

    def talkers(self, n: int) -> np.ndarray:
        """One or two other people talking (non-digit speech run on with short gaps): unlike
        babble, each is intelligible, and at 12-20 dB they took honest readings from 85% to
        7-18% accepted (training/speech/snr-floor.ts)."""
        out = np.zeros(n, dtype=np.float32)
        for _ in range(self.rng.randint(1, 2)):
            lang = self.rng.choice(['en', 'zh'])
            parts, total = [], 0
            while total < n:
                x = self.rng.choice(self.fill[lang])
                x = x / (np.abs(x).max() + 1e-6)
                parts += [x, np.zeros(self.rng.randint(0, 5000), dtype=np.float32)]
                total += len(x) + len(parts[-1])
            out += np.concatenate(parts)[:n] * self.rng.uniform(0.5, 1.0)
        return out

    def noise(self, n: int) -> np.ndarray:
        kind = self.rng.choice(['white', 'pink', 'brown', 'babble', 'babble', 'talkers'])
        if kind == 'talkers':
            return self.talkers(n)
        if kind == 'babble':
            out = np.zeros(n, dtype=np.float32)
            for _ in range(self.rng.randint(3, 7)):
                src = self.rng.choice([self.rng.choice(self.fill['en']), self.rng.choice(self.fill['zh']), self.rng.choice(self.any_digit)])
                src = src / (np.abs(src).max() + 1e-6)
                reps = int(np.ceil(n / max(1, len(src)))) + 1
                tiled = np.tile(np.concatenate([src, np.zeros(self.rng.randint(0, 4000), dtype=np.float32)]), reps)
                off = self.rng.randint(0, max(0, len(tiled) - n))
                out += tiled[off: off + n]
            return out
        w = self.np.standard_normal(n).astype(np.float32)
        if kind == 'white':
            return w
        size = fft_size(n)
        spec = torch.fft.rfft(torch.from_numpy(self.np.standard_normal(size).astype(np.float32)))
        f = torch.fft.rfftfreq(size, 1 / SR).clamp(min=20.0)
        spec /= torch.sqrt(f) if kind == 'pink' else f
        return torch.fft.irfft(spec, size)[:n].numpy().astype(np.float32)

    def contour(self, x: np.ndarray) -> np.ndarray:
        """Slowly varying resampling rate: a random pitch (and tempo) contour, +-depth."""
        n = len(x)
        if n < 1000:
            return x
        depth = self.rng.uniform(0.03, 0.12)
        period = self.rng.uniform(0.3, 1.5) * SR
        phase = self.rng.uniform(0, 2 * np.pi)
        rate = np.exp(depth * np.sin(2 * np.pi * np.arange(n) / period + phase))
        pos = np.cumsum(rate)
        pos = pos - pos[0]
        pos = pos[pos <= n - 1]
        return np.interp(pos, np.arange(n), x).astype(np.float32)

    def eq(self, x: np.ndarray) -> np.ndarray:
        """Random spectral tilt (-4..+4 dB per octave around 1 kHz) with 0-3 peaks or notches."""
        size = fft_size(len(x))
        spec = torch.fft.rfft(torch.from_numpy(x), size)
        f = torch.fft.rfftfreq(size, 1 / SR).clamp(min=50.0)
        oct_ = torch.log2(f / 1000.0)
        db = self.rng.uniform(-4, 4) * oct_
        for _ in range(self.rng.randint(0, 3)):
            centre = self.rng.uniform(np.log2(150 / 1000), np.log2(6000 / 1000))
            width = self.rng.uniform(0.2, 1.0)
            db = db + self.rng.uniform(-10, 10) * torch.exp(-0.5 * ((oct_ - centre) / width) ** 2)
        spec = spec * (10 ** (db / 20))
        return torch.fft.irfft(spec, size)[: len(x)].numpy().astype(np.float32)

    def augment(self, x: np.ndarray) -> np.ndarray:
        if self.rng.random() < 0.3:
            x = self.contour(x)
        if self.rng.random() < 0.5:
            x = self.eq(x)
        if self.rng.random() < 0.3:
            x = self.reverb(x)
        r = self.rng.random()
        if r < 0.3:
            # 8 kHz telephone band, sometimes through 8-bit mu-law as on a phone line.
            x = self.band(x, self.rng.uniform(200, 400), self.rng.uniform(3000, 3700))
            if self.rng.random() < 0.3:
                x = mu_law(x)
        elif r < 0.45:
            x = self.band(x, 0, self.rng.uniform(3500, 7000))
        if self.rng.random() < 0.75:
            nz = self.noise(len(x))
            snr = self.rng.uniform(3, 35)
            px = (x ** 2).mean() + 1e-9
            pn = (nz ** 2).mean() + 1e-9
            x = x + nz * np.sqrt(px / pn / 10 ** (snr / 10))
        peak = np.abs(x).max() + 1e-6
        return (x / peak * self.rng.uniform(0.03, 0.95)).astype(np.float32)

    def example(self) -> tuple[np.ndarray, list[int]]:
        x, toks = self.compose()
        return self.augment(x), toks


def mu_law(x: np.ndarray) -> np.ndarray:
    peak = np.abs(x).max() + 1e-9
    y = x / peak
    q = np.round((np.sign(y) * np.log1p(255 * np.abs(y)) / np.log(256)) * 127) / 127
    return (np.sign(q) * np.expm1(np.abs(q) * np.log(256)) / 255 * peak).astype(np.float32)


def fft_size(n: int) -> int:
    # Arbitrary lengths can be prime, and numpy's FFT is then orders of magnitude slower.
    return 1 << (n - 1).bit_length()


class MixerDataset(torch.utils.data.IterableDataset):
    def __init__(self, bank_path: str, batch: int, seed: int, exclude: frozenset, real_share: float) -> None:
        self.bank_path, self.batch, self.seed, self.exclude, self.real_share = bank_path, batch, seed, exclude, real_share

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        mixer = Mixer(torch.load(self.bank_path), self.seed + (info.id if info else 0), self.exclude, self.real_share)
        order = random.Random(self.seed + 1)
        while True:
            # BUCKET batches' worth of utterances, sorted by length and cut into batches that are
            # then served in random order.
            items = sorted((mixer.example() for _ in range(self.batch * BUCKET)), key=lambda item: len(item[0]))
            batches = [items[i: i + self.batch] for i in range(0, len(items), self.batch)]
            order.shuffle(batches)
            yield from (collate(b) for b in batches)


BUCKET = 8


def collate(items):
    lens = torch.tensor([len(x) for x, _ in items])
    pcm = torch.zeros(len(items), int(lens.max()))
    for i, (x, _) in enumerate(items):
        pcm[i, : len(x)] = torch.from_numpy(x)
    targets = torch.tensor([t for _, toks in items for t in toks], dtype=torch.long)
    target_lens = torch.tensor([len(toks) for _, toks in items])
    return pcm, lens, targets, target_lens
