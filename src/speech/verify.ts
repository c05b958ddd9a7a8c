import { alignDigits, type DigitSegment } from './align.js';
import { bestDigitString, forcedScore, greedyDigits, languageOf, mergeLanguages } from './ctc.js';
import { defaultSpeechModel, type Posteriors, type SpeechModel } from './model.js';
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
  /** Per position: where the expected digit was heard (forced alignment of the same posteriors). */
  segments: DigitSegment[];
}

export interface Recognition {
  digits: string;
  language: Language | 'unknown';
  /** Mean posterior of the heard digit tokens (0 when none). */
  confidence: number;
}

const MAX_SECONDS = 30;
const MIN_SAMPLES = SAMPLE_RATE; // shorter input is zero-padded so the model always has frames

/** Samples the model is given for a recording of this length (capped, and padded when short). */
const inputLength = (samples: number): number => Math.max(Math.min(samples, MAX_SECONDS * SAMPLE_RATE), MIN_SAMPLES);

function prepare(pcm: Float32Array): Float32Array {
  const n = Math.min(pcm.length, MAX_SECONDS * SAMPLE_RATE);
  const out = new Float32Array(inputLength(pcm.length));
  for (let i = 0; i < n; i++) {
    const v = pcm[i] ?? 0;
    out[i] = Number.isFinite(v) ? v : 0;
  }
  return out;
}

/** Model posteriors for a recording (clean-up, padding and the 30 s cap applied); the service's model unless another is given. */
export async function speechPosteriors(pcm: Float32Array, model?: SpeechModel): Promise<Posteriors> {
  return (model ?? (await defaultSpeechModel())).posteriors(prepare(pcm));
}

// After mergeLanguages the Mandarin and English classes of a digit are equal: score on one.
const tokens = (digits: readonly number[]): number[] => digits.map((d) => digitToken('zh', d));

/**
 * Scores `expected` against every competitor that a cheat or a misreading produces: each
 * string with one digit changed or dropped, the best free string of the same length, and
 * "no digits at all" (filler or silence). The margin over the best of them is the score, so
 * non-digit speech and silence lose to the no-digit hypothesis. Digits are scored with their
 * Mandarin and English classes merged (see mergeLanguages); the language is reported apart.
 */
export function scoreDigits(raw: Posteriors, expected: string): { score: number; language: Language | 'unknown'; perDigit: number[] } {
  const p = mergeLanguages(raw);
  const digits = [...expected].map(Number);
  const expectedScore = forcedScore(p, tokens(digits));
  let competitor = forcedScore(p, []);
  const free = bestDigitString(p, 'zh', digits.length);
  if (free.digits !== expected) competitor = Math.max(competitor, free.score);
  const perDigit: number[] = [];
  for (let i = 0; i < digits.length; i++) {
    const alt: number[] = [];
    for (let d = 0; d < 10; d++) {
      if (d === digits[i]) continue;
      const changed = [...digits];
      changed[i] = d;
      alt.push(forcedScore(p, tokens(changed)));
    }
    competitor = Math.max(competitor, ...alt);
    if (digits.length > 1) competitor = Math.max(competitor, forcedScore(p, tokens(digits.filter((_, j) => j !== i))));
    const m = Math.max(expectedScore, ...alt);
    const denom = Math.exp(expectedScore - m) + alt.reduce((a, s) => a + Math.exp(s - m), 0);
    perDigit.push(Math.exp(expectedScore - m) / denom);
  }
  return { score: expectedScore - competitor, language: languageOf(raw), perDigit };
}

/** Greedy reading with the languages merged; the language is the one with most digit mass. */
export function heardDigits(raw: Posteriors): Recognition {
  const g = greedyDigits(mergeLanguages(raw));
  return { digits: g.digits, language: g.digits ? languageOf(raw) : 'unknown', confidence: g.confidence };
}

function checkDigits(expected: string): void {
  if (!/^[0-9]{1,12}$/.test(expected)) throw new SpeechError('INVALID_PARAMETER', `expected digits must be 1-12 characters 0-9, got "${expected}"`);
}

/**
 * Does this 16 kHz mono recording speak `expected` (Mandarin or English digits)? `threshold` is
 * the configured `digits.minMargin` (resolveThresholds in src/config).
 */
export async function verifyDigits(pcm: Float32Array, expected: string, opts: { threshold: number }): Promise<DigitVerdict> {
  checkDigits(expected);
  const p = await speechPosteriors(pcm);
  const threshold = opts.threshold;
  const { score, language, perDigit } = scoreDigits(p, expected);
  const heard = heardDigits(p);
  return {
    accepted: score > threshold,
    score: Math.round(score * 1000) / 1000,
    threshold,
    recognized: heard.digits,
    language: heard.digits || score > threshold ? language : 'unknown',
    perDigit: perDigit.map((v) => Math.round(v * 1000) / 1000),
    segments: alignDigits(p, expected, inputLength(pcm.length) / SAMPLE_RATE / p.frames),
  };
}

/** The digits heard in a 16 kHz mono recording, in whichever language they were read. */
export async function recognizeDigits(pcm: Float32Array): Promise<Recognition> {
  const heard = heardDigits(await speechPosteriors(pcm));
  return { ...heard, confidence: Math.round(heard.confidence * 1000) / 1000 };
}
