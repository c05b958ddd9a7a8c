/**
 * What the lips do for each digit, by language: the vowel's shape class and a labial
 * consonant, if any. Phonetics, not measurement; the thresholds that test them are in
 * src/config/thresholds.ts (sync section). A digit may allow several vowel classes (Mandarin
 * 1 is read yi or yao); an empty list means the digit's vowel has no shape to test (er, seven).
 */

export type VowelClass = 'open' | 'rounded' | 'spread';
export type Labial = 'bilabial' | 'labiodental';

export interface Viseme {
  vowels: VowelClass[];
  labial: Labial | null;
}

const v = (vowels: VowelClass[], labial: Labial | null = null): Viseme => ({ vowels, labial });

/** zero (the o), one (w), two, three, four (f, o), five (f), six, seven (v), eight, nine. */
const ENGLISH: Viseme[] = [
  v(['rounded']), v(['rounded']), v(['rounded']), v(['spread']), v(['rounded'], 'labiodental'),
  v(['open'], 'labiodental'), v(['spread']), v([], 'labiodental'), v(['spread']), v(['open']),
];
/** ling, yi or yao, er, san, si, wu, liu, qi, ba, jiu. */
const MANDARIN: Viseme[] = [
  v(['spread']), v(['spread', 'open']), v([]), v(['open']), v(['spread']),
  v(['rounded']), v(['rounded']), v(['spread']), v(['open'], 'bilabial'), v(['rounded']),
];

/** The viseme of a digit; with the language unknown, anything either language allows. */
export function visemeOf(digit: number, language: 'zh' | 'en' | 'unknown'): Viseme {
  if (language === 'en') return ENGLISH[digit];
  if (language === 'zh') return MANDARIN[digit];
  const en = ENGLISH[digit];
  const zh = MANDARIN[digit];
  // An empty list already allows any shape, so it wins the union.
  const vowels = en.vowels.length === 0 || zh.vowels.length === 0 ? [] : [...new Set([...en.vowels, ...zh.vowels])];
  return { vowels, labial: en.labial === zh.labial ? en.labial : null };
}
