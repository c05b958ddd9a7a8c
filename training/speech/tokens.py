"""Output classes of the digit model; src/speech/tokens.ts mirrors this table."""

BLANK = 0
ZH_BASE = 1  # 1..10: Mandarin 0..9
EN_BASE = 11  # 11..20: English 0..9
FILLER = 21  # any run of non-digit speech
NUM_CLASSES = 22
SAMPLE_RATE = 16000


def zh(d: int) -> int:
    return ZH_BASE + d


def en(d: int) -> int:
    return EN_BASE + d


EN_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']
ZH_CHARS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九']
# gcin-voice folders (zhuyin, tone digit; tone 1 unmarked). 幺 is the spoken form of 一 in digit strings.
ZH_ZHUYIN = {
    'ㄌㄧㄥ2': 0, 'ㄧ': 1, 'ㄧㄠ': 1, 'ㄦ4': 2, 'ㄙㄢ': 3, 'ㄙ4': 4,
    'ㄨ3': 5, 'ㄌㄧㄡ4': 6, 'ㄑㄧ': 7, 'ㄅㄚ': 8, 'ㄐㄧㄡ3': 9,
}
