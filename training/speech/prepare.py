"""Builds the clip bank the training mixer draws from (training/work/bank.pt).

Every clip carries the id of the voice it came from (voices.py), so one bank serves every fold:
the mixer leaves a fold's held-out voices out entirely, including the variants made from them.

Sources (licences in models/MODEL_CARD.md):
  real voices (voices.py): 7 Mandarin (digits; three whole syllabaries as non-digit rivals) and
  27 English (FSDD, Speech Commands, asterisk);
  espeak-ng (en + cmn, many variants) and flite voices: digits, digit strings, non-digit words.
Variants made here because they are too slow to make per training example: formant-preserving
pitch shifts with tempo changes (rubberband), pitch-preserving tempo-ups for fast reading (sox
tempo), Opus and AAC round trips.
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

import voices as V
from tokens import EN_WORDS, FILLER, SAMPLE_RATE, ZH_CHARS, en, zh

EN_FILLER_WORDS = (
    'the and of a in is it you that he was with on are as his they be at have this from or had by '
    'but not what all were we when your can said there use an each which she do how their if will '
    'up other about out many then them these so some her would make like him into time has look '
    'more write go see number no way could people my than first water been call who its now find '
    'long down day did get come made may part over new sound take only little work know place year '
    'live me back give most very after thing our just name good sentence man think say great where '
    'help through much before line right mean old any same tell boy follow came want show also '
    'around form small set put end does another well large must big even such '
    'because turn here why ask went men read need land different home us move try kind hand '
    'picture again change off play spell air away animal house point page letter mother answer '
    'found study still learn should america world high every near add food between own below '
    'country plant last school father keep tree never start city earth eye light thought head '
    'under story saw left few while along might close something seem next hard open example begin '
    'life always those both paper together got group often run important until children side feet '
    'car mile night walk white sea began grow took river carry state once book hear stop without '
    'second later miss idea enough eat face watch far indian real almost let above girl sometimes '
    'mountain cut young talk soon list song being leave family please verify yes hello account '
    'fine nice tree free heaven hive sex sticks eighty tan ten gate wait won run zero-sum'
).split()
EN_FILLER_WORDS = [w for w in EN_FILLER_WORDS if '-' not in w]

ZH_FILLER_CHARS = list(
    '的了我不人在他有这个上们来到时大地为子中你说生国年着那和她出也得里后自会家可下过天去能对小多然于心学'
    '么之都好看发当没成只如事还用样道想作种开美总从情面最女但现前些所同日手又行动方它头经长回位分爱老因很给'
    '名法间知世什次使身者被高亲进此话常与活正感见明问力理点文定本公特做外孩相西果走将月实向声车全信重机工电门'
    '白语听叫路真东北南风山水火书字马鸟花草树云雨雪星春夏秋冬红黄蓝绿黑吃喝睡跑飞坐站买卖钱房桌窗朋友妈哥姐'
    '弟妹猫狗牛羊鱼米饭茶菜汤肉蛋'
)


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
    # sox starts several times faster than ffmpeg, which matters for thousands of syllable files.
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


def run_sox(x: np.ndarray, effects: list[str]) -> np.ndarray:
    out = subprocess.run(
        ['sox', '-t', 'f32', '-r', str(SAMPLE_RATE), '-c', '1', '-', '-t', 'f32', '-', *effects],
        input=x.astype(np.float32).tobytes(), check=True, capture_output=True, timeout=60,
    ).stdout
    return np.frombuffer(out, dtype=np.float32).copy()


def rubberband(x: np.ndarray, semitones: float, tempo: float) -> np.ndarray:
    """Formant-preserving pitch shift and tempo change (Debian rubberband-cli, R3 engine): another
    pitch without the chipmunk formants of resampling; VTLP in the mixer moves formants apart."""
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
        input=signal.tobytes(), check=True, capture_output=True, timeout=900,
    ).stdout
    dec = subprocess.run(
        ['ffmpeg', '-v', 'error', '-f', demux, '-i', 'pipe:0', '-f', 'f32le', '-ac', '1', '-ar', str(SAMPLE_RATE), 'pipe:1'],
        input=enc, check=True, capture_output=True, timeout=900,
    ).stdout
    y = np.frombuffer(dec, dtype=np.float32)
    # Encoder priming shifts the stream; find the shift on the first seconds.
    n = min(len(signal), len(y), SAMPLE_RATE * 20)
    corr = np.fft.irfft(np.fft.rfft(y[:n], 2 * n) * np.conj(np.fft.rfft(signal[:n], 2 * n)))
    lag = int(np.argmax(np.concatenate([corr[:4000], corr[-4000:]])))
    shift = lag if lag < 4000 else lag - 8000
    y = np.concatenate([y, np.zeros(len(signal), dtype=np.float32)])
    return [y[max(0, a + shift): max(0, b + shift)].copy() for a, b in offsets]


def codec_pass(rng: random.Random, items: list, share: float = 0.33) -> None:
    """Appends Opus 12 kb/s or AAC 32 kb/s round trips of about `share` of items (dicts with 'x')."""
    idx = [i for i in range(len(items)) if rng.random() < share]
    half = len(idx) // 2
    for part, (codec, fmt, demux) in ((idx[:half], (['-c:a', 'libopus', '-b:a', '12k'], 'ogg', 'ogg')),
                                      (idx[half:], (['-c:a', 'aac', '-b:a', '32k'], 'adts', 'aac'))):
        if not part:
            continue
        for lo in range(0, len(part), 2000):  # bounded pipes
            chunk = part[lo: lo + 2000]
            outs = codec_round_trip([items[i]['x'] for i in chunk], codec, fmt, demux)
            for i, y in zip(chunk, outs):
                if len(y) > 400:
                    items.append({**items[i], 'x': y, 'kind': items[i]['kind'] + '+codec'})


# The service's silent-track floor (audio.silentPeakDb in src/config/thresholds.ts): a take whose
# loudest sample is under it holds no speech the service would judge (it refuses such a recording as
# silent), so it must not teach a digit (Speech Commands' two_51055bda_nohash_4.wav peaks at -53 dBFS).
# Measured as the service measures it (peakDb in src/audio/analyze.ts): after a one-pole 100 Hz
# high-pass, so that a DC offset or rumble is not taken for sound.
SILENT_PEAK_DB = -50.0
_RC = 1 / (2 * np.pi * 100)
_ALPHA = _RC / (_RC + 1 / SAMPLE_RATE)


def silent(x: np.ndarray) -> bool:
    if len(x) == 0:
        return True
    # y[i] = alpha * (y[i-1] + x[i] - x[i-1]), as highPass in src/audio/analyze.ts
    y = AF.lfilter(torch.from_numpy(x.astype(np.float64)), torch.tensor([1.0, -_ALPHA], dtype=torch.float64),
                   torch.tensor([_ALPHA, -_ALPHA], dtype=torch.float64), clamp=False)
    return float(y.abs().max()) < 10 ** (SILENT_PEAK_DB / 20)


def decode_all(paths: list[str], root: str) -> list[np.ndarray]:
    """Trimmed takes; an empty array for a silent one (callers drop anything under 400 samples)."""
    def one(p: str) -> np.ndarray:
        x = sox_decode(V.resolve(p, root))
        if silent(x):
            print('silent take left out:', p, flush=True)
            return x[:0]
        return trim(x)
    with ThreadPoolExecutor(2) as ex:
        return list(ex.map(one, paths))


def real_clips(table: dict, root: str, rng: random.Random, sc) -> tuple[list, list]:
    """Digits and non-digit syllables of every real voice, with their variants."""
    digits, fill = [], []
    for v in table['voices']:
        paths = [(int(d), p) for d, ps in v['digits'].items() for p in ps]
        for (d, _), x in zip(paths, decode_all([p for _, p in paths], root)):
            if len(x) > 400:
                digits.append({'x': x, 'digit': d, 'lang': v['lang'], 'voice': v['id'], 'kind': 'real'})
        for x in decode_all(v['nondigit'], root):
            if len(x) > 800:
                fill.append({'x': x, 'lang': v['lang'], 'voice': v['id'], 'kind': 'real'})
        print('voice', v['id'], 'digits', len(paths), 'non-digit', len(v['nondigit']), flush=True)

    # Variants, more for voices with few takes: Mandarin voices have one take per syllable, the
    # FSDD speakers fifty. Rubberband (formant-preserving pitch, tempo) for the few-take voices and
    # a share of the syllables; sox tempo-ups (pitch kept) for fast reading for every voice.
    takes = {}
    for c in digits:
        takes[c['voice']] = takes.get(c['voice'], 0) + 1
    rb_jobs, tempo_jobs = [], []
    for c in list(digits):
        few = takes[c['voice']] < 40
        n_rb = sc(20 if c['lang'] == 'zh' else 4) if few else (1 if rng.random() < 0.1 else 0)
        for _ in range(n_rb):
            rb_jobs.append((c, rng.uniform(-9, 7), rng.uniform(0.6, 1.4)))
        n_tempo = sc(8 if c['lang'] == 'zh' else 3) if few else (1 if rng.random() < 0.2 else 0)
        for _ in range(n_tempo):
            tempo_jobs.append((c, rng.uniform(1.25, 2.4)))
    syl = [c for c in fill if c['lang'] == 'zh']
    rng.shuffle(syl)
    for c in syl[: sc(1500)]:
        rb_jobs.append((c, rng.uniform(-9, 7), rng.uniform(0.6, 1.6)))
    for c in syl[: sc(1500)]:
        tempo_jobs.append((c, rng.uniform(1.25, 2.4)))
    with ThreadPoolExecutor(2) as ex:
        rb_out = list(ex.map(lambda j: rubberband(j[0]['x'], j[1], j[2]), rb_jobs))
        tempo_out = list(ex.map(lambda j: trim(run_sox(j[0]['x'], ['tempo', '-s', f'{j[1]:.2f}'])), tempo_jobs))
    for (c, *_), y in list(zip(rb_jobs, rb_out)) + list(zip(tempo_jobs, tempo_out)):
        if len(y) > 400:
            (digits if 'digit' in c else fill).append({**c, 'x': y, 'kind': c['kind'] + '+var'})
    print('real digits', len(digits), 'real non-digit', len(fill), flush=True)
    return digits, fill


def synthetic_clips(rng: random.Random, sc) -> tuple[list, list, list]:
    """espeak-ng and flite: digits, digit strings (some with words around), non-digit words."""
    variants = espeak_variants()

    def es_cfg(lang: str) -> tuple[str, int, int, int]:
        return f'{lang}+{rng.choice(variants)}', rng.randint(110, 260), rng.randint(20, 80), rng.randint(0, 12)

    jobs = []  # (kind, lang, text, label, cfg)
    for _ in range(sc(25)):
        for d in range(10):
            jobs.append(('unit', 'en', EN_WORDS[d], d, es_cfg('en')))
        jobs.append(('unit', 'en', 'oh', 0, es_cfg('en')))
    for _ in range(sc(45)):
        for d in range(10):
            jobs.append(('unit', 'zh', ZH_CHARS[d], d, es_cfg('cmn')))
        jobs.append(('unit', 'zh', '幺', 1, es_cfg('cmn')))
    for _ in range(sc(250)):
        jobs.append(('fill', 'en', filler_text(rng, 'en', 6), None, es_cfg('en')))
    for _ in range(sc(350)):
        jobs.append(('fill', 'zh', filler_text(rng, 'zh', 8), None, es_cfg('cmn')))
    for lang, n in (('en', sc(900)), ('zh', sc(1300))):
        for _ in range(n):
            digits = [rng.randrange(10) for _ in range(rng.choice([1, 2, 3, 4, 4, 4, 4, 4, 5, 6]))]
            words, toks = [], []
            if rng.random() < 0.25:
                words.append(filler_text(rng, lang, 4))
                toks.append(FILLER)
            for d in digits:
                if lang == 'en':
                    words.append('oh' if d == 0 and rng.random() < 0.3 else EN_WORDS[d])
                    toks.append(en(d))
                else:
                    words.append('幺' if d == 1 and rng.random() < 0.3 else ZH_CHARS[d])
                    toks.append(zh(d))
            if rng.random() < 0.25:
                words.append(filler_text(rng, lang, 4))
                toks.append(FILLER)
            sep = rng.choice([' ', ', ', ' ... ']) if lang == 'en' else rng.choice([' ', '，', '、', ''])
            jobs.append(('utt', lang, sep.join(words), toks, es_cfg('en' if lang == 'en' else 'cmn')))

    def run(job):
        kind, lang, text, lab, (voice, rate, pitch, gap) = job
        try:
            return kind, lang, lab, trim(espeak(text, voice, rate, pitch, gap)), 'tts-espeak-' + lang
        except (subprocess.SubprocessError, EOFError, AssertionError) as err:
            print('skipped espeak job:', text, err, flush=True)
            return kind, lang, lab, np.zeros(0, dtype=np.float32), 'tts-espeak-' + lang

    with ThreadPoolExecutor(2) as ex:
        results = list(ex.map(run, jobs))
    print('espeak done', len(results), flush=True)

    fl_jobs = []
    for v in ['kal', 'kal16', 'awb', 'rms', 'slt']:
        for stretch in (0.7, 0.85, 1.0, 1.25):
            for d in range(10):
                fl_jobs.append(('unit', 'en', EN_WORDS[d], d, v, stretch))
            fl_jobs.append(('unit', 'en', 'oh', 0, v, stretch))
        for _ in range(sc(60)):
            digits = [rng.randrange(10) for _ in range(rng.choice([1, 3, 4, 4, 4, 5]))]
            fl_jobs.append(('utt', 'en', ', '.join(EN_WORDS[d] for d in digits), [en(d) for d in digits], v, rng.uniform(0.6, 1.4)))
        for _ in range(sc(30)):
            fl_jobs.append(('fill', 'en', filler_text(rng, 'en', 4), None, v, rng.uniform(0.7, 1.4)))

    def run_flite(i_job):
        i, (kind, lang, text, lab, v, stretch) = i_job
        try:
            return kind, lang, lab, trim(flite(text, v, stretch, f'/tmp/lc_flite_{i}_{os.getpid()}.wav')), 'tts-flite-' + v
        except (subprocess.SubprocessError, EOFError, AssertionError) as err:
            print('skipped flite job:', text, err, flush=True)
            return kind, lang, lab, np.zeros(0, dtype=np.float32), 'tts-flite-' + v

    with ThreadPoolExecutor(2) as ex:
        results += list(ex.map(run_flite, enumerate(fl_jobs)))
    print('flite done', len(fl_jobs), flush=True)

    digits, fill, utts = [], [], []
    for kind, lang, lab, x, voice in results:
        if len(x) < 400:
            continue
        item = {'x': x, 'lang': lang, 'voice': voice, 'kind': 'tts'}
        if kind == 'unit':
            digits.append({**item, 'digit': lab})
        elif kind == 'fill':
            fill.append(item)
        else:
            utts.append({**item, 'tokens': lab})
    return digits, fill, utts


def filler_text(rng: random.Random, lang: str, most: int) -> str:
    if lang == 'en':
        return ' '.join(rng.choice(EN_FILLER_WORDS) for _ in range(rng.randint(1, most)))
    return ''.join(rng.choice(ZH_FILLER_CHARS) for _ in range(rng.randint(1, most)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--scale', type=float, default=1.0, help='fraction of synthetic items and variants to make')
    ap.add_argument('--data', default=V.data_root(), help='the shared data folder')
    args = ap.parse_args()
    torch.set_num_threads(1)
    rng = random.Random(1234)
    sc = lambda n: max(1, int(n * args.scale))
    table = V.load(args.data)
    digits, fill = real_clips(table, args.data, rng, sc)
    s_digits, s_fill, utts = synthetic_clips(rng, sc)
    digits += s_digits
    fill += s_fill
    for items in (digits, fill, utts):
        codec_pass(rng, items)
    print('codecs done', flush=True)
    to_t = lambda items: [{**c, 'x': torch.from_numpy(np.ascontiguousarray(c['x'], dtype=np.float32))} for c in items]
    bank = {'digits': to_t(digits), 'fill': to_t(fill), 'utts': to_t(utts),
            'voices': {v['id']: {k: v[k] for k in ('lang', 'sex', 'accent', 'licence')} for v in table['voices']}}
    torch.save(bank, args.out)
    print({k: len(v) for k, v in bank.items() if isinstance(v, list)}, flush=True)


if __name__ == '__main__':
    main()
