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
