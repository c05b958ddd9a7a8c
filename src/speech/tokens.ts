/** Output classes of models/digits.onnx; training/speech/tokens.py is the other half of this table. */
export const BLANK = 0;
export const ZH_BASE = 1;
export const EN_BASE = 11;
export const FILLER = 21;
export const NUM_CLASSES = 22;
export const SAMPLE_RATE = 16_000;

export type Language = 'zh' | 'en';

export function digitToken(lang: Language, digit: number): number {
  return (lang === 'zh' ? ZH_BASE : EN_BASE) + digit;
}

/** The digit and language of a class id, or null for blank and filler. */
export function tokenDigit(token: number): { digit: number; lang: Language } | null {
  if (token >= ZH_BASE && token < ZH_BASE + 10) return { digit: token - ZH_BASE, lang: 'zh' };
  if (token >= EN_BASE && token < EN_BASE + 10) return { digit: token - EN_BASE, lang: 'en' };
  return null;
}
