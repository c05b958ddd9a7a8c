"""Every real voice the digit model may learn from, and the folds that hold whole voices out.

A voice is one person. Training draws each voice's clips with its own id, so a fold can leave whole
voices out of everything (digits, syllables, checkpoint and threshold choice), and the evaluation
(`livecheck eval speech --folds ...`, src/speech/eval-data.ts) reads the same table from
voices.json, which `python3 voices.py` writes.

Paths are relative to the shared data folder (../shared/data, or LIVECHECK_SHARED_DATA) unless
they start with '/', which are Debian package files (gcin-voice, asterisk-core-sounds-en-wav;
asterisk-core-sounds-en holds the prompts' transcript).
"""
import gzip
import json
import os
import random
import re
import sys

GCIN = '/usr/share/gcin-voice/ogg'
ASTERISK = '/usr/share/asterisk/sounds/en/digits'
# gcin-voice folders (zhuyin, tone digit; tone 1 unmarked) of the digits as read in digit strings:
# 幺 (yao1) for 1, and the tone-sandhi forms of 一, 七 and 八.
GCIN_DIGITS = {
    'ㄌㄧㄥ2': 0, 'ㄧ': 1, 'ㄧ2': 1, 'ㄧ4': 1, 'ㄧㄠ': 1, 'ㄦ4': 2, 'ㄙㄢ': 3, 'ㄙ4': 4,
    'ㄨ3': 5, 'ㄌㄧㄡ4': 6, 'ㄑㄧ': 7, 'ㄑㄧ2': 7, 'ㄅㄚ': 8, 'ㄅㄚ2': 8, 'ㄐㄧㄡ3': 9,
}
# The same digits in toned pinyin (audio-cmn syllabary, ekho).
PINYIN_DIGITS = {
    'ling2': 0, 'yi1': 1, 'yi2': 1, 'yi4': 1, 'yao1': 1, 'er4': 2, 'san1': 3, 'si4': 4, 'wu3': 5,
    'liu4': 6, 'qi1': 7, 'qi2': 7, 'ba1': 8, 'ba2': 8, 'jiu3': 9,
}
# Syllables that are never a digit but whose base (any tone) is a digit's: a fast reader's
# reduced tone can turn one into the other, so they are neither digit nor non-digit rival.
PINYIN_DIGIT_BASES = {re.sub(r'\d', '', s) for s in PINYIN_DIGITS}
GCIN_DIGIT_BASES = {re.sub(r'\d', '', s) for s in GCIN_DIGITS}
ZH_CHAR_DIGITS = {'零': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
# Asterisk prompt names that say a number (or sound like one) are not non-digit rivals.
NUMBER_WORDS = re.compile(r'one|two|three|four|five|six|seven|eight|nine|zero|ten|digit|number|for|to|oh')
# A prompt's name does not say what it reads ("vm-opts" is "Press 2 to change folders..."), so its
# words come from the package's transcript; a prompt that reads a digit, or a number made of one
# (fourteen, sixty), or has no transcript line is not non-digit speech.
ASTERISK_TRANSCRIPT = '/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz'
SAYS_A_DIGIT = re.compile(r'\b(zero|oh|one|two|three|four|five|six|seven|eight|nine|(four|six|seven|eigh|nine)(teen|ty)|\d+)\b', re.I)
EN_WORD_DIGITS = {w: i for i, w in enumerate(['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'])}

# Four folds over voices, each a mix of Mandarin and English voices. The two male Mandarin voices
# (gcin 3, tuxpaint) and the three syllabary voices (gcin 3, gcin 5, Chen Wang) are spread over
# different folds, so every fold still trains on a male voice and on two syllabaries.
ZH_FOLDS = [['zh-gcin3', 'zh-gcompris-fengjie'], ['zh-tuxpaint-tw', 'zh-audiocmn-yuetan'],
            ['zh-gcin5', 'zh-ekho-yali'], ['zh-audiocmn-chenwang']]
EN_FIXED_FOLDS = [['en-fsdd-theo'], ['en-fsdd-jackson'], ['en-fsdd-nicolas'], ['en-fsdd-yweweler', 'en-asterisk']]


def data_root() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get('LIVECHECK_SHARED_DATA', os.path.normpath(os.path.join(here, '..', '..', '..', 'shared', 'data')))


def resolve(path: str, root: str) -> str:
    return path if path.startswith('/') else os.path.join(root, path)


def _voice(vid: str, lang: str, sex: str, accent: str, licence: str, digits: dict, nondigit: list | None = None) -> dict:
    return {'id': vid, 'lang': lang, 'sex': sex, 'accent': accent, 'licence': licence,
            'digits': {str(d): sorted(v) for d, v in sorted(digits.items())}, 'nondigit': sorted(nondigit or [])}


def _add(table: dict, digit: int, path: str) -> None:
    table.setdefault(digit, []).append(path)


def mandarin_voices(root: str) -> list[dict]:
    out = []
    for num, sex, lic in (('3', 'male', 'GPL-3/LGPL-3 (gcin-voice)'), ('5', 'female', 'CC-BY-3.0 (gcin-voice)')):
        digits, other = {}, []
        if os.path.isdir(GCIN):
            for syl in sorted(os.listdir(GCIN)):
                path = f'{GCIN}/{syl}/{num}.ogg'
                if not os.path.exists(path):
                    continue
                if syl in GCIN_DIGITS:
                    _add(digits, GCIN_DIGITS[syl], path)
                elif re.sub(r'\d', '', syl) not in GCIN_DIGIT_BASES:
                    other.append(path)
        if digits:
            out.append(_voice(f'zh-gcin{num}', 'zh', sex, 'Mandarin', lic, digits, other))
    base = 'speech/mandarin_voices'
    tux = f'{base}/tuxpaint_zh_tw_male'
    out.append(_voice('zh-tuxpaint-tw', 'zh', 'male', 'Taiwan Mandarin', 'GPL-2',
                      {d: [f'{tux}/{d}_zh_tw.wav'] for d in range(10)}))
    gc = f'{base}/gcompris_fengjie'
    out.append(_voice('zh-gcompris-fengjie', 'zh', 'female', 'Mandarin', 'GPL',
                      {d: [f'{gc}/U003{d}.wav'] for d in range(10)}, [f'{gc}/10.wav']))  # 11-20 contain digits
    yt = f'{base}/audiocmn_yue_tan'
    out.append(_voice('zh-audiocmn-yuetan', 'zh', 'female', 'Mandarin', 'CC BY-SA 3.0',
                      {d: [f'{yt}/cmn-{c}.wav'] for c, d in ZH_CHAR_DIGITS.items()},
                      [f'{yt}/cmn-两.wav', f'{yt}/cmn-十.wav']))
    for vid, folder, ext, lic in (('zh-audiocmn-chenwang', 'audiocmn_chen_wang_syllabary', '.mp3', 'CC BY-SA'),
                                  ('zh-ekho-yali', 'ekho_yali_2022', '.wav', 'GPL-2+')):
        d = f'{base}/{folder}'
        digits, other = {}, []
        names = sorted(os.listdir(resolve(d, root))) if os.path.isdir(resolve(d, root)) else []
        for n in names:
            if not n.endswith(ext):
                continue
            syl = n[len('cmn-'):-len(ext)] if n.startswith('cmn-') else n[:-len(ext)]
            if syl in PINYIN_DIGITS:
                _add(digits, PINYIN_DIGITS[syl], f'{d}/{n}')
            elif re.sub(r'\d', '', syl) not in PINYIN_DIGIT_BASES:
                other.append(f'{d}/{n}')
        sex = 'female'
        out.append(_voice(vid, 'zh', sex, 'Mandarin', lic, digits, other))
    return out


def asterisk_transcript() -> dict[str, str]:
    """What each top-level asterisk prompt says, by file name without .wav."""
    if not os.path.exists(ASTERISK_TRANSCRIPT):
        sys.exit(f'{ASTERISK_TRANSCRIPT} is missing (package asterisk-core-sounds-en): without it the '
                 'prompts that read digits cannot be told from those that do not')
    said = {}
    with gzip.open(ASTERISK_TRANSCRIPT, 'rt', encoding='utf-8', errors='replace') as f:
        for line in f:
            name, sep, text = line.partition(':')
            if sep and not line.startswith(';'):
                said[name.strip()] = text.strip()
    return said


def english_voices(root: str) -> list[dict]:
    out = []
    fsdd = 'speech/fsdd'
    by: dict[str, dict] = {}
    for n in sorted(os.listdir(resolve(fsdd, root))) if os.path.isdir(resolve(fsdd, root)) else []:
        if n.endswith('.wav'):
            digit, speaker, _ = n[:-4].split('_')
            _add(by.setdefault(speaker, {}), int(digit), f'{fsdd}/{n}')
    for speaker, digits in sorted(by.items()):
        out.append(_voice(f'en-fsdd-{speaker}', 'en', 'male', 'English (FSDD)', 'CC BY-SA 4.0', digits))
    sc = 'speech/speech_commands_digits'
    by = {}
    for n in sorted(os.listdir(resolve(sc, root))) if os.path.isdir(resolve(sc, root)) else []:
        m = re.match(r'^([a-z]+)_([0-9a-f]+)_nohash_\d+\.wav$', n)
        if m and m.group(1) in EN_WORD_DIGITS:
            _add(by.setdefault(m.group(2), {}), EN_WORD_DIGITS[m.group(1)], f'{sc}/{n}')
    for speaker, digits in sorted(by.items()):
        out.append(_voice(f'en-sc-{speaker}', 'en', 'unknown', 'English (Speech Commands)', 'CC BY 4.0', digits))
    if os.path.isdir(ASTERISK):
        digits = {d: [f'{ASTERISK}/{d}.wav'] for d in range(10)}
        digits[0].append(f'{ASTERISK}/oh.wav')
        prompts = os.path.dirname(ASTERISK)
        said = asterisk_transcript()
        other = [f'{prompts}/{n}' for n in sorted(os.listdir(prompts))
                 if n.endswith('.wav') and not NUMBER_WORDS.search(n)
                 and n[:-4] in said and not SAYS_A_DIGIT.search(said[n[:-4]])]
        out.append(_voice('en-asterisk', 'en', 'female', 'US English, 8 kHz prompts', 'CC BY-SA 3.0', digits, other))
    return out


def folds(voices: list[dict]) -> list[list[str]]:
    """Fixed Mandarin and FSDD folds; the Speech Commands voices dealt out by a seeded shuffle."""
    out = [list(z) + list(e) for z, e in zip(ZH_FOLDS, EN_FIXED_FOLDS)]
    sc = sorted(v['id'] for v in voices if v['id'].startswith('en-sc-'))
    random.Random(20261201).shuffle(sc)
    for i, vid in enumerate(sc):
        out[i % len(out)].append(vid)
    known = {v['id'] for v in voices}
    return [[v for v in f if v in known] for f in out]


def load(root: str | None = None) -> dict:
    root = root or data_root()
    voices = mandarin_voices(root) + english_voices(root)
    return {'voices': voices, 'folds': folds(voices)}


# voices.json keeps a seeded sample of each voice's non-digit syllables: the evaluation strings its
# negatives from them, training reads the whole syllabary through load().
NONDIGIT_SAMPLE = 80


def main() -> None:
    table = load()
    rng = random.Random(7)
    for v in table['voices']:
        v['nondigit'] = sorted(rng.sample(v['nondigit'], min(NONDIGIT_SAMPLE, len(v['nondigit']))))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'voices.json')
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(table, f, ensure_ascii=False, indent=1)
        f.write('\n')
    for v in table['voices']:
        print(v['id'], v['lang'], v['sex'], 'digits', {d: len(p) for d, p in v['digits'].items()}, 'non-digit', len(v['nondigit']), file=sys.stderr)
    print('folds', [len(f) for f in table['folds']], file=sys.stderr)


if __name__ == '__main__':
    main()
