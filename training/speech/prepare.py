"""Builds the clip bank the training mixer draws from (training/work/bank.pt).

Sources (all installable here, licences in models/MODEL_CARD.md):
  FSDD English digits (real, 3 of 4 speakers; the held-out speaker is never read),
  gcin-voice Mandarin syllables (real, voice 5 only, digits with tone variants; voice 3 is held
  out unless --include-held-out, used only for the final shipped fine-tune), asterisk English
  digits and prompts (real, one voice), espeak-ng (en + cmn, many variants) and flite voices.
Codec round trips (Opus, AAC) are applied here because spawning ffmpeg per training example
would dominate training time.
"""
import argparse
import io
import os
import random
import subprocess
import wave
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
import torchaudio.functional as AF

from tokens import EN_WORDS, FILLER, SAMPLE_RATE, ZH_CHARS, ZH_ZHUYIN, en, zh

GCIN = '/usr/share/gcin-voice/ogg'
ASTERISK = '/usr/share/asterisk/sounds/en'
HELD_OUT_FSDD = 'theo'
TRAIN_GCIN_VOICE = '5.ogg'  # CC-BY-3.0; 3.ogg (GPL/LGPL) is the held-out voice
HELD_OUT_GCIN_VOICE = '3.ogg'  # only read with --include-held-out (final fine-tune, not for evaluation)
# Tone variants of the digits in real reading (tone sandhi: yi2/yi4 before other tones, qi2 and
# ba2 before a fourth tone), trained as the digit; tone 1 folders carry no number.
TONE_VARIANTS = {'ㄧ2': 1, 'ㄧ4': 1, 'ㄑㄧ2': 7, 'ㄅㄚ2': 8}

EN_FILLER_WORDS = (
    'the and of a in is it you that he was with on are as his they be at have this from or had by '
    'but not what all were we when your can said there use an each which she do how their if will '
    'up other about out many then them these so some her would make like him into time has look '
    'more write go see number no way could people my than first water been call who its now find '
    'long down day did get come made may part over new sound take only little work know place year '
    'live me back give most very after thing our just name good sentence man think say great where '
    'help through much before line right mean old any same tell boy follow came want show also '
    'around form three-quarters small set put end does another well large must big even such '
    'because turn here why ask went men read need land different home us move try kind hand '
    'picture again change off play spell air away animal house point page letter mother answer '
    'found study still learn should america world high every near add food between own below '
    'country plant last school father keep tree never start city earth eye light thought head '
    'under story saw left few while along might close something seem next hard open example begin '
    'life always those both paper together got group often run important until children side feet '
    'car mile night walk white sea began grow took river carry state once book hear stop without '
    'second later miss idea enough eat face watch far indian real almost let above girl sometimes '
    'mountain cut young talk soon list song being leave family please verify yes hello account'
).split()
EN_FILLER_WORDS = [w for w in EN_FILLER_WORDS if '-' not in w]

ZH_FILLER_CHARS = list(
    '的了我不人在他有这个上们来到时大地为子中你说生国年着那和她出也得里后自会家可下过天去能对小多然于心学'
    '么之都好看发当没成只如事还用样道想作种开美总从情面最女但现前些所同日手又行动方它头经长回位分爱老因很给'
    '名法间知世什次使身者被高亲进此话常与活正感见明问力理点文定本公特做外孩相西果走将月实向声车全信重机工电门'
    '白语听叫路真东北南风山水火书字马鸟花草树云雨雪星春夏秋冬红黄蓝绿黑吃喝睡跑飞坐站买卖钱房桌窗朋友妈哥姐'
    '弟妹猫狗牛羊鱼米饭茶菜汤肉蛋'
)

DIGIT_BASES = {z.rstrip('12345') for z in ZH_ZHUYIN}


def pcm_from_wav_bytes(data: bytes) -> np.ndarray:
    with wave.open(io.BytesIO(data)) as w:
        rate, n, width = w.getframerate(), w.getnframes(), w.getsampwidth()
        raw = w.readframes(n)
        channels = w.getnchannels()
    assert width == 2, 'expected 16-bit PCM'
    x = np.frombuffer(raw, dtype='<i2').astype(np.float32) / 32768.0
    if channels > 1:
        x = x.reshape(-1, channels).mean(axis=1)
    return resample(x, rate)


def resample(x: np.ndarray, rate: int) -> np.ndarray:
    if rate == SAMPLE_RATE:
        return x.astype(np.float32)
    return AF.resample(torch.from_numpy(x), rate, SAMPLE_RATE).numpy().astype(np.float32)


def sox_decode(path: str) -> np.ndarray:
    # sox starts several times faster than ffmpeg, which matters for 1200 syllable files.
    out = subprocess.run(
        ['sox', path, '-t', 'f32', '-r', str(SAMPLE_RATE), '-c', '1', '-'],
        check=True, capture_output=True, timeout=60,
    ).stdout
    return np.frombuffer(out, dtype=np.float32).copy()


def trim(x: np.ndarray, thresh_db: float = -40.0) -> np.ndarray:
    """Cuts leading and trailing silence so the mixer controls the pauses."""
    if len(x) == 0:
        return x
    frame = 160
    n = len(x) // frame
    if n == 0:
        return x
    e = np.sqrt((x[: n * frame].reshape(n, frame) ** 2).mean(axis=1) + 1e-12)
    ref = e.max()
    keep = np.where(20 * np.log10(e / ref + 1e-12) > thresh_db)[0]
    if len(keep) == 0:
        return x
    a = max(0, (keep[0] - 2) * frame)
    b = min(len(x), (keep[-1] + 3) * frame)
    return x[a:b]


def espeak(text: str, voice: str, rate: int, pitch: int, gap: int) -> np.ndarray:
    out = subprocess.run(
        ['espeak-ng', '-v', voice, '-s', str(rate), '-p', str(pitch), '-g', str(gap), '--stdout', text],
        check=True, capture_output=True, timeout=60,
    ).stdout
    return pcm_from_wav_bytes(out)


def flite(text: str, voice: str, stretch: float, tmp: str) -> np.ndarray:
    try:
        subprocess.run(
            ['flite', '-voice', voice, '--setf', f'duration_stretch={stretch:.2f}', '-t', text, '-o', tmp],
            check=True, capture_output=True, timeout=60,
        )
        with open(tmp, 'rb') as f:
            return pcm_from_wav_bytes(f.read())
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def espeak_variants() -> list[str]:
    out = subprocess.run(['espeak-ng', '--voices=variant'], check=True, capture_output=True, text=True).stdout
    names = [line.split()[4] for line in out.splitlines()[1:] if len(line.split()) >= 5]
    return [n.split('/')[-1] for n in names]


def codec_round_trip(clips: list[np.ndarray], codec: list[str], fmt: str, demux: str) -> list[np.ndarray]:
    """Encodes many clips in one ffmpeg pass (gaps between them) and cuts them back out."""
    gap = np.zeros(SAMPLE_RATE // 4, dtype=np.float32)
    offsets, parts, pos = [], [], 0
    for c in clips:
        parts += [gap, c]
        pos += len(gap)
        offsets.append((pos, pos + len(c)))
        pos += len(c)
    parts.append(gap)
    signal = np.concatenate(parts).astype(np.float32)
    enc = subprocess.run(
        ['ffmpeg', '-v', 'error', '-f', 'f32le', '-ar', str(SAMPLE_RATE), '-ac', '1', '-i', 'pipe:0', *codec, '-f', fmt, 'pipe:1'],
        input=signal.tobytes(), check=True, capture_output=True, timeout=600,
    ).stdout
    dec = subprocess.run(
        ['ffmpeg', '-v', 'error', '-f', demux, '-i', 'pipe:0', '-f', 'f32le', '-ac', '1', '-ar', str(SAMPLE_RATE), 'pipe:1'],
        input=enc, check=True, capture_output=True, timeout=600,
    ).stdout
    y = np.frombuffer(dec, dtype=np.float32)
    # Encoder priming shifts the stream; find the shift on the first seconds.
    n = min(len(signal), len(y), SAMPLE_RATE * 20)
    corr = np.fft.irfft(np.fft.rfft(y[:n], 2 * n) * np.conj(np.fft.rfft(signal[:n], 2 * n)))
    lag = int(np.argmax(np.concatenate([corr[:4000], corr[-4000:]])))
    shift = lag if lag < 4000 else lag - 8000
    y = np.concatenate([y, np.zeros(len(signal), dtype=np.float32)])
    return [y[max(0, a + shift): max(0, b + shift)].copy() for a, b in offsets]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--fsdd', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--scale', type=float, default=1.0, help='fraction of synthetic items to make')
    ap.add_argument('--include-held-out', action='store_true',
                    help='also train on gcin voice 3 (the evaluation voice): final fine-tune only')
    ap.add_argument('--from-bank', default='', help='reuse this bank and rebuild only its gcin digit clips')
    args = ap.parse_args()
    torch.set_num_threads(1)
    rng = random.Random(1234)
    sc = lambda n: max(1, int(n * args.scale))
    if args.from_bank:
        rebuild_gcin(args, rng, sc)
        return
    variants = espeak_variants()

    en_digits: list[tuple[np.ndarray, int, str]] = []
    zh_digits: list[tuple[np.ndarray, int, str]] = []
    fill_en: list[np.ndarray] = []
    fill_zh: list[np.ndarray] = []
    utts: list[tuple[np.ndarray, list[int], str]] = []

    for name in sorted(os.listdir(args.fsdd)):
        if not name.endswith('.wav'):
            continue
        digit, speaker, _ = name[:-4].split('_')
        if speaker == HELD_OUT_FSDD:
            continue
        with open(os.path.join(args.fsdd, name), 'rb') as f:
            en_digits.append((trim(pcm_from_wav_bytes(f.read())), int(digit), 'fsdd'))
    print('fsdd', len(en_digits), flush=True)

    for d in range(10):
        with open(f'{ASTERISK}/digits/{d}.wav', 'rb') as f:
            en_digits.append((trim(pcm_from_wav_bytes(f.read())), d, 'asterisk'))
    bad = ('one', 'two', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'zero', 'ten', 'digit', 'number', 'for', 'to')
    prompts = [p for p in sorted(os.listdir(ASTERISK)) if p.endswith('.wav') and not any(b in p for b in bad)]
    for p in prompts:
        with open(f'{ASTERISK}/{p}', 'rb') as f:
            fill_en.append(trim(pcm_from_wav_bytes(f.read())))
    print('asterisk prompts', len(prompts), flush=True)

    gcin_d, gcin_f = gcin_clips(gcin_voices(args.include_held_out), rng, sc)
    zh_digits += gcin_d
    fill_zh += [x for x, _ in gcin_f]

    def es_cfg(lang: str) -> tuple[str, int, int, int]:
        v = rng.choice(variants)
        voice = f'{lang}+{v}'
        return voice, rng.randint(110, 230), rng.randint(20, 80), rng.randint(0, 12)

    jobs = []  # (kind, lang, text, tokens-or-digit, cfg)
    for _ in range(sc(25)):
        for d in range(10):
            jobs.append(('unit', 'en', EN_WORDS[d], d, es_cfg('en')))
        jobs.append(('unit', 'en', 'oh', 0, es_cfg('en')))
    for _ in range(sc(45)):
        for d in range(10):
            jobs.append(('unit', 'zh', ZH_CHARS[d], d, es_cfg('cmn')))
        jobs.append(('unit', 'zh', '幺', 1, es_cfg('cmn')))
    for _ in range(sc(250)):
        words = ' '.join(rng.choice(EN_FILLER_WORDS) for _ in range(rng.randint(1, 6)))
        jobs.append(('fill', 'en', words, None, es_cfg('en')))
    for _ in range(sc(350)):
        chars = ''.join(rng.choice(ZH_FILLER_CHARS) for _ in range(rng.randint(1, 8)))
        jobs.append(('fill', 'zh', chars, None, es_cfg('cmn')))
    for lang, n in (('en', sc(900)), ('zh', sc(1300))):
        for _ in range(n):
            digits = [rng.randrange(10) for _ in range(rng.choice([1, 2, 3, 4, 4, 4, 4, 4, 5, 6]))]
            words, toks = [], []
            if rng.random() < 0.25:
                words.append(filler_text(rng, lang))
                toks.append(FILLER)
            for d in digits:
                if lang == 'en':
                    words.append('oh' if d == 0 and rng.random() < 0.3 else EN_WORDS[d])
                    toks.append(en(d))
                else:
                    words.append('幺' if d == 1 and rng.random() < 0.3 else ZH_CHARS[d])
                    toks.append(zh(d))
            if rng.random() < 0.25:
                words.append(filler_text(rng, lang))
                toks.append(FILLER)
            sep = rng.choice([' ', ', ', ' ... ']) if lang == 'en' else rng.choice([' ', '，', '、'])
            jobs.append(('utt', lang, sep.join(words), toks, es_cfg('en' if lang == 'en' else 'cmn')))

    def run(job):
        kind, lang, text, lab, (voice, rate, pitch, gap) = job
        try:
            return kind, lang, lab, trim(espeak(text, voice, rate, pitch, gap)), 'espeak'
        except (subprocess.SubprocessError, EOFError, AssertionError) as err:
            print('skipped espeak job:', text, err, flush=True)
            return kind, lang, lab, np.zeros(0, dtype=np.float32), 'espeak'

    with ThreadPoolExecutor(2) as ex:
        results = list(ex.map(run, jobs))
    print('espeak done', len(results), flush=True)

    fl_voices = ['kal', 'kal16', 'awb', 'rms', 'slt']
    fl_jobs = []
    for v in fl_voices:
        for stretch in (0.85, 1.0, 1.25):
            for d in range(10):
                fl_jobs.append(('unit', 'en', EN_WORDS[d], d, v, stretch))
            fl_jobs.append(('unit', 'en', 'oh', 0, v, stretch))
        for _ in range(sc(60)):
            digits = [rng.randrange(10) for _ in range(rng.choice([1, 3, 4, 4, 4, 5]))]
            fl_jobs.append(('utt', 'en', ', '.join(EN_WORDS[d] for d in digits), [en(d) for d in digits], v, rng.uniform(0.8, 1.4)))
        for _ in range(sc(30)):
            fl_jobs.append(('fill', 'en', filler_text(rng, 'en'), None, v, rng.uniform(0.8, 1.4)))

    def run_flite(i_job):
        i, (kind, lang, text, lab, v, stretch) = i_job
        try:
            return kind, lang, lab, trim(flite(text, v, stretch, f'/tmp/lc_flite_{i}_{os.getpid()}.wav')), 'flite'
        except (subprocess.SubprocessError, EOFError, AssertionError) as err:
            print('skipped flite job:', text, err, flush=True)
            return kind, lang, lab, np.zeros(0, dtype=np.float32), 'flite'

    with ThreadPoolExecutor(2) as ex:
        results += list(ex.map(run_flite, enumerate(fl_jobs)))
    print('flite done', len(fl_jobs), flush=True)

    for kind, lang, lab, x, src in results:
        if len(x) < 400:
            continue
        if kind == 'unit':
            (en_digits if lang == 'en' else zh_digits).append((x, lab, src))
        elif kind == 'fill':
            (fill_en if lang == 'en' else fill_zh).append(x)
        else:
            utts.append((x, lab, src))

    # Codec round trips of a third of every list.
    codec_pass(rng, en_digits, lambda t: t[0], lambda t, y: (y, t[1], t[2] + '-codec'))
    codec_pass(rng, zh_digits, lambda t: t[0], lambda t, y: (y, t[1], t[2] + '-codec'))
    codec_pass(rng, fill_en, lambda t: t, lambda t, y: y)
    codec_pass(rng, fill_zh, lambda t: t, lambda t, y: y)
    codec_pass(rng, utts, lambda t: t[0], lambda t, y: (y, t[1], t[2] + '-codec'))
    print('codecs done', flush=True)

    bank = {
        'en_digits': [(torch.from_numpy(x), d, s) for x, d, s in en_digits],
        'zh_digits': [(torch.from_numpy(x), d, s) for x, d, s in zh_digits],
        'fill_en': [torch.from_numpy(x) for x in fill_en],
        'fill_zh': [torch.from_numpy(x) for x in fill_zh],
        'utts': [(torch.from_numpy(x), t, s) for x, t, s in utts],
    }
    torch.save(bank, args.out)
    print({k: len(v) for k, v in bank.items()}, flush=True)


def gcin_voices(include_held_out: bool) -> list[str]:
    return [TRAIN_GCIN_VOICE] + ([HELD_OUT_GCIN_VOICE] if include_held_out else [])


def gcin_clips(voices: list[str], rng: random.Random, sc) -> tuple[list, list]:
    """Real Mandarin digits (with tone variants) and sox pitch/tempo variants, plus the other
    syllables of the same voices as filler (syllables sharing a digit's initial+final excluded)."""
    digits = {**ZH_ZHUYIN, **TONE_VARIANTS}
    gcin_jobs = []
    for syl in sorted(os.listdir(GCIN)):
        for voice in voices:
            path = f'{GCIN}/{syl}/{voice}'
            if os.path.exists(path):
                gcin_jobs.append((syl, voice, path))
    with ThreadPoolExecutor(2) as ex:
        decoded = list(ex.map(lambda j: (j[0], j[1], trim(sox_decode(j[2]))), gcin_jobs))
    real, fill = [], []
    for syl, voice, x in decoded:
        if syl in digits:
            real.append((x, digits[syl], 'gcin' if voice == TRAIN_GCIN_VOICE else 'gcin-v' + voice.split('.')[0]))
        elif syl.rstrip('12345') not in DIGIT_BASES and len(x) > 800:
            fill.append((x, voice))
    print('gcin voices', voices, 'digits', len(real), 'filler', len(fill), flush=True)

    # The real Mandarin digits are few clips of one or two voices: widen them with sox pitch/tempo.
    tmp_in, tmp_out = f'/tmp/lc_prep_in_{os.getpid()}.f32', f'/tmp/lc_prep_out_{os.getpid()}.f32'
    out = list(real)
    for x, d, src in real:
        for _ in range(sc(30)):
            x.astype(np.float32).tofile(tmp_in)
            cents = rng.uniform(-500, 400)
            tempo = rng.uniform(0.75, 1.3)
            subprocess.run(
                ['sox', '-t', 'f32', '-r', str(SAMPLE_RATE), '-c', '1', tmp_in, '-t', 'f32', tmp_out,
                 'pitch', f'{cents:.0f}', 'tempo', '-s', f'{tempo:.2f}'],
                check=True, capture_output=True, timeout=60,
            )
            out.append((np.fromfile(tmp_out, dtype=np.float32), d, src + '-sox'))
    for f in (tmp_in, tmp_out):
        if os.path.exists(f):
            os.remove(f)
    print('gcin sox variants done', flush=True)

    # sox pitch moves the formants with the pitch. gcin voice 5 is a high voice (f0 about 390 Hz;
    # voice 3 is about 130 Hz): add formant-preserving pitch shifts down to -20 semitones
    # (rubberband R3 engine with -F) and slower tempo (voice 3 speaks 1.3-1.8x slower), for the
    # digits and for as many filler syllables, so that a low voice is not a cue for "digit".
    # The mixer's VTLP then moves the formants independently.
    jobs = [(x, d, src) for x, d, src in real for _ in range(sc(60))]
    fill_src = [f for f in fill]
    rng.shuffle(fill_src)
    jobs += [(x, None, 'rb') for x, _ in fill_src[: sc(1000)]]
    params = [(rng.uniform(-20, -3), rng.uniform(0.55, 1.2)) for _ in jobs]
    with ThreadPoolExecutor(2) as ex:
        shifted = list(ex.map(lambda a: rubberband(a[0][0], *a[1]), zip(jobs, params)))
    for (x, d, src), y in zip(jobs, shifted):
        if len(y) < 400:
            continue
        if d is None:
            fill.append((y, 'rb'))
        else:
            out.append((y, d, src + '-rb'))
    print('gcin rubberband variants done', len(jobs), flush=True)
    return out, fill


def rubberband(x: np.ndarray, semitones: float, tempo: float) -> np.ndarray:
    """Formant-preserving pitch shift and tempo change (Debian rubberband-cli, R3 engine)."""
    tag = f'{os.getpid()}_{random.getrandbits(40)}'
    a, b = f'/tmp/lc_rb_in_{tag}.wav', f'/tmp/lc_rb_out_{tag}.wav'
    try:
        with wave.open(a, 'wb') as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            w.writeframes((np.clip(x, -1, 1) * 32767).astype('<i2').tobytes())
        subprocess.run(['rubberband', '-3', '-F', '-p', f'{semitones:.2f}', '-T', f'{tempo:.3f}', a, b],
                       check=True, capture_output=True, timeout=60)
        with open(b, 'rb') as f:
            return trim(pcm_from_wav_bytes(f.read()))
    except (subprocess.SubprocessError, EOFError, AssertionError) as err:
        print('skipped rubberband job:', err, flush=True)
        return np.zeros(0, dtype=np.float32)
    finally:
        for f in (a, b):
            if os.path.exists(f):
                os.remove(f)


def codec_pass(rng: random.Random, items, get, put) -> None:
    """Appends Opus 12 kb/s or AAC 32 kb/s round trips of about a third of items."""
    idx = [i for i in range(len(items)) if rng.random() < 0.33]
    half = len(idx) // 2
    for part, (codec, fmt, demux) in ((idx[:half], (['-c:a', 'libopus', '-b:a', '12k'], 'ogg', 'ogg')),
                               (idx[half:], (['-c:a', 'aac', '-b:a', '32k'], 'adts', 'aac'))):
        if not part:
            continue
        outs = codec_round_trip([get(items[i]) for i in part], codec, fmt, demux)
        for i, y in zip(part, outs):
            if len(y) > 400:
                items.append(put(items[i], y))


def rebuild_gcin(args, rng: random.Random, sc) -> None:
    """--from-bank: keeps an existing bank's FSDD, asterisk, espeak and flite clips and redoes only
    the gcin digit clips (tone variants, held-out voice when asked), which takes a minute instead
    of the whole run. gcin filler of voice 5 is kept as is; the held-out voice's is appended."""
    bank = torch.load(args.from_bank)
    keep = [t for t in bank['zh_digits'] if not t[2].startswith('gcin')]
    voices = gcin_voices(args.include_held_out)
    digits, fill = gcin_clips(voices, rng, sc)
    # Voice 5's syllables are already in the bank: only the held-out voice's (when asked) and the
    # rubberband variants are new filler.
    fill = [x for x, v in fill if v != TRAIN_GCIN_VOICE]
    codec_pass(rng, digits, lambda t: t[0], lambda t, y: (y, t[1], t[2] + '-codec'))
    codec_pass(rng, fill, lambda t: t, lambda t, y: y)
    bank['zh_digits'] = keep + [(torch.from_numpy(x), d, s) for x, d, s in digits]
    bank['fill_zh'] = list(bank['fill_zh']) + [torch.from_numpy(x) for x in fill]
    torch.save(bank, args.out)
    print({k: len(v) for k, v in bank.items()}, flush=True)


def filler_text(rng: random.Random, lang: str) -> str:
    if lang == 'en':
        return ' '.join(rng.choice(EN_FILLER_WORDS) for _ in range(rng.randint(1, 4)))
    return ''.join(rng.choice(ZH_FILLER_CHARS) for _ in range(rng.randint(1, 5)))


if __name__ == '__main__':
    main()
