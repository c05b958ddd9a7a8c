import { THRESHOLDS } from '../config/thresholds.js';
import { bestDigitString, forcedScore, greedyDigits } from './ctc.js';
import { posteriors, type Posteriors } from './model.js';
import { SpeechError } from './errors.js';
import { SAMPLE_RATE, digitToken, type Language } from './tokens.js';

export interface DigitVerdict {
  accepted: boolean;
  /** Margin in nats of the expected string over its best competitor; > threshold accepts. */
  score: number;
  threshold: number;
  /** What the model heard, greedy reading (may differ in length from the expected string). */
  recognized: string;
  language: Language | 'unknown';
  /** Per position: probability of the expected digit against the nine others at that place. */
  perDigit: number[];
}

export interface Recognition {
  digits: string;
  language: Language | 'unknown';
  /** Mean posterior of the heard digit tokens (0 when none). */
  confidence: number;
}

const LANGS: Language[] = ['zh', 'en'];
const MAX_SECONDS = 30;
const MIN_SAMPLES = SAMPLE_RATE; // shorter input is zero-padded so the model always has frames

function prepare(pcm: Float32Array): Float32Array {
  const n = Math.min(pcm.length, MAX_SECONDS * SAMPLE_RATE);
  const out = new Float32Array(Math.max(n, MIN_SAMPLES));
  for (let i = 0; i < n; i++) {
    const v = pcm[i] ?? 0;
    out[i] = Number.isFinite(v) ? v : 0;
  }
  return out;
}

/** Model posteriors for a recording (clean-up, padding and the 30 s cap applied). */
export function speechPosteriors(pcm: Float32Array): Promise<Posteriors> {
  return posteriors(prepare(pcm));
}

const tokens = (lang: Language, digits: readonly number[]): number[] => digits.map((d) => digitToken(lang, d));

/**
 * Scores `expected` against every competitor that a cheat or a misreading produces: each
 * string with one digit changed or dropped (both languages), the best free string of the same
 * length in each language, and "no digits at all" (filler or silence). The margin over the best
 * of them is the score, so non-digit speech and silence lose to the no-digit hypothesis.
 */
export function scoreDigits(p: Posteriors, expected: string): { score: number; language: Language; perDigit: number[] } {
  const digits = [...expected].map(Number);
  let bestLang: Language = 'zh';
  let expectedScore = -Infinity;
  for (const lang of LANGS) {
    const s = forcedScore(p, tokens(lang, digits));
    if (s > expectedScore) {
      expectedScore = s;
      bestLang = lang;
    }
  }
  let competitor = forcedScore(p, []);
  const perDigit: number[] = [];
  for (const lang of LANGS) {
    const free = bestDigitString(p, lang, digits.length);
    if (free.digits !== expected || lang !== bestLang) competitor = Math.max(competitor, free.score);
    for (let i = 0; i < digits.length; i++) {
      const alt: number[] = [];
      for (let d = 0; d < 10; d++) {
        if (d === digits[i]) continue;
        const changed = [...digits];
        changed[i] = d;
        const s = forcedScore(p, tokens(lang, changed));
        competitor = Math.max(competitor, s);
        if (lang === bestLang) alt.push(s);
      }
      if (digits.length > 1) competitor = Math.max(competitor, forcedScore(p, tokens(lang, digits.filter((_, j) => j !== i))));
      if (lang === bestLang) {
        const m = Math.max(expectedScore, ...alt);
        const denom = Math.exp(expectedScore - m) + alt.reduce((a, s) => a + Math.exp(s - m), 0);
        perDigit.push(Math.exp(expectedScore - m) / denom);
      }
    }
  }
  return { score: expectedScore - competitor, language: bestLang, perDigit };
}

export function defaultThreshold(): number {
  return THRESHOLDS.digits.minMargin.value;
}

function checkDigits(expected: string): void {
  if (!/^[0-9]{1,12}$/.test(expected)) throw new SpeechError('INVALID_PARAMETER', `expected digits must be 1-12 characters 0-9, got "${expected}"`);
}

/** Does this 16 kHz mono recording speak `expected` (Mandarin or English digits)? */
export async function verifyDigits(pcm: Float32Array, expected: string, opts: { threshold?: number } = {}): Promise<DigitVerdict> {
  checkDigits(expected);
  const p = await speechPosteriors(pcm);
  const threshold = opts.threshold ?? defaultThreshold();
  const { score, language, perDigit } = scoreDigits(p, expected);
  const heard = greedyDigits(p);
  const accepted = score > threshold;
  return {
    accepted,
    score: Math.round(score * 1000) / 1000,
    threshold,
    recognized: heard.digits,
    language: accepted ? language : heard.language,
    perDigit: perDigit.map((v) => Math.round(v * 1000) / 1000),
  };
}

/** The digits heard in a 16 kHz mono recording, in whichever language they were read. */
export async function recognizeDigits(pcm: Float32Array): Promise<Recognition> {
  const heard = greedyDigits(await speechPosteriors(pcm));
  return { ...heard, confidence: Math.round(heard.confidence * 1000) / 1000 };
}
