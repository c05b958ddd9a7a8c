import { alignDigits, type DigitSegment } from './align.js';
import { bestDigitString, forcedScore, greedyDigits, languageOf, mergeLanguages } from './ctc.js';
import { defaultSpeechModel, type Posteriors, type SpeechModel } from './model.js';
import { SpeechError } from './errors.js';
import { checkMandarin, vocalTractWarps, warpedReadings, type MandarinHmmCheck } from './sphinx/index.js';
import { originalSec, speechSpan, type SpeechSpan } from './speech-span.js';
import { SAMPLE_RATE, digitToken, type Language } from './tokens.js';

export interface DigitVerdict {
  accepted: boolean;
  /**
   * Margin in nats of the expected string over its best competitor (the digit model's), raised
   * to HMM_ACCEPT_SCORE when the Mandarin second reading heard exactly the challenge; > threshold accepts.
   */
  score: number;
  threshold: number;
  /** The digit model's margin alone (the mean of its networks' margins when the model file holds two). */
  modelScore: number;
  /**
   * The Mandarin second reading, run when the digit model alone did not accept; null otherwise.
   * `warp` is the vocal-tract warp of the reading shown: the one that accepted, or else the one
   * whose margin came closest.
   */
  mandarin: (MandarinHmmCheck & { warp: number; accepted: boolean; minFit: number; minMargin: number; minDigitSec: number }) | null;
  /**
   * When the digit model accepted a recording it heard as Mandarin: how well the challenge fits
   * the second reading's acoustic model (best over its warps), and whether that holds the
   * acceptance up (fit at least minFit); null otherwise. See mandarinFitFails.
   */
  mandarinFit: { fit: number; warp: number; minFit: number; held: boolean } | null;
  /** What the model heard, greedy reading (may differ in length from the expected string). */
  recognized: string;
  language: Language | 'unknown';
  /** Per position: probability of the expected digit against the nine others at that place. */
  perDigit: number[];
  /** Per position: where the expected digit was heard (forced alignment of the same posteriors). */
  segments: DigitSegment[];
}

/** The digit check's thresholds: the config's `digits` section (src/config/thresholds.ts), as resolveThresholds gives it. */
export interface DigitConfig {
  minMargin: number;
  /** The threshold instead of minMargin for recordings the digit model hears as Mandarin. */
  minMarginMandarin: number;
  hmmMinFit: number;
  hmmMinMargin: number;
  hmmMinDigitSec: number;
  hmmMaxWarp: number;
}

export interface Recognition {
  digits: string;
  language: Language | 'unknown';
  /** Mean posterior of the heard digit tokens (0 when none). */
  confidence: number;
}

const MAX_SECONDS = 30;
const MIN_SAMPLES = SAMPLE_RATE; // shorter input is zero-padded so the model always has frames

const posteriorsOf = async (input: Float32Array, model?: SpeechModel): Promise<Posteriors> => (model ?? (await defaultSpeechModel())).posteriors(input);

/** What both readings hear of a recording, and where each of its samples came from. */
export interface SpeechInput {
  samples: Float32Array;
  span: SpeechSpan;
}

/**
 * The recording as both readings hear it: non-finite samples zeroed, cut at 30 s, cut to its
 * speech (speechSpan), and padded to 1 s.
 */
export function speechInput(pcm: Float32Array): SpeechInput {
  const clean = finiteSamples(pcm, Math.min(pcm.length, MAX_SECONDS * SAMPLE_RATE));
  const span = speechSpan(clean, SAMPLE_RATE);
  if (span.samples.length >= MIN_SAMPLES) return { samples: span.samples, span };
  const samples = new Float32Array(MIN_SAMPLES);
  samples.set(span.samples);
  return { samples, span };
}

/** The first `n` samples with non-finite ones zeroed (a function of its own so that V8 compiles the loop apart from its caller). */
function finiteSamples(pcm: Float32Array, n: number): Float32Array {
  const clean = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = pcm[i] ?? 0;
    clean[i] = Number.isFinite(v) ? v : 0;
  }
  return clean;
}

/** Model posteriors for a recording (prepared as speechInput); the service's model unless another is given. */
export async function speechPosteriors(pcm: Float32Array, model?: SpeechModel): Promise<Posteriors> {
  return inputPosteriors(speechInput(pcm), model);
}

/** Model posteriors of a prepared input. */
export const inputPosteriors = async (input: SpeechInput, model?: SpeechModel): Promise<Posteriors> => posteriorsOf(input.samples, model);

// After mergeLanguages the Mandarin and English classes of a digit are equal: score on one.
const tokens = (digits: readonly number[]): number[] => digits.map((d) => digitToken('zh', d));

/**
 * Scores `expected` against every competitor that a cheat or a misreading produces: each
 * string with one digit changed or dropped, the best free string of the same length, and
 * "no digits at all" (filler or silence). The margin over the best of them is the score, so
 * non-digit speech and silence lose to the no-digit hypothesis. Digits are scored with their
 * Mandarin and English classes merged (see mergeLanguages); the language is reported apart.
 * With several networks (Posteriors.others) each is scored on its own and the score is the
 * mean of their margins: CTC networks trained apart put a digit's spike on different frames, so
 * their posteriors are not combined frame by frame (docs/decisions.md). The language is Mandarin
 * when any network hears Mandarin, which holds the acceptance to the stricter Mandarin threshold
 * and to the second reading's fit; perDigit comes from the first network.
 */
export function scoreDigits(raw: Posteriors, expected: string): { score: number; language: Language | 'unknown'; perDigit: number[] } {
  const digits = [...expected].map(Number);
  const networks = [raw, ...(raw.others ?? [])];
  const scores = networks.map((p) => networkScore(p, digits, expected));
  const languages = networks.map(languageOf);
  return {
    score: scores.reduce((a, s) => a + s.score, 0) / scores.length,
    language: languages.includes('zh') ? 'zh' : (languages[0] ?? 'unknown'),
    perDigit: scores[0]?.perDigit ?? [],
  };
}

/** One network's margin for `expected` and its per-digit probabilities. */
function networkScore(raw: Posteriors, digits: number[], expected: string): { score: number; perDigit: number[] } {
  const p = mergeLanguages(raw);
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
  return { score: expectedScore - competitor, perDigit };
}

/** Greedy reading with the languages merged; the language is the one with most digit mass. */
export function heardDigits(raw: Posteriors): Recognition {
  const g = greedyDigits(mergeLanguages(raw));
  return { digits: g.digits, language: g.digits ? languageOf(raw) : 'unknown', confidence: g.confidence };
}

/**
 * Where a challenge the Mandarin second reading accepted puts the score: level with the digit
 * model's best competitor, which clears every configured minMargin below 0.
 */
export const HMM_ACCEPT_SCORE = 0;

/**
 * The second reading accepts when the challenge's margin over the best other four digits (per
 * frame) is above `minMargin`, it fits the sound (`fit` at least `minFit`) and every digit lasts
 * at least `minDigitSec`: a margin floor of 0 means the challenge must be its best reading, one
 * below 0 lets a close second through; the duration floor keeps out digits squeezed into
 * silence, which the model's silence explains as well as anything.
 */
export function mandarinAccepts(check: HmmReadings | null, th: Pick<DigitConfig, 'hmmMinFit' | 'hmmMinMargin' | 'hmmMinDigitSec'>): boolean {
  if (check === null) return false;
  // Several readings (one per vocal-tract warp): any one that accepts is enough.
  if (!('margin' in check)) return check.some((c) => mandarinAccepts(c, th));
  return check.margin > th.hmmMinMargin && check.fit !== null && check.fit >= th.hmmMinFit && check.shortestWordSec >= th.hmmMinDigitSec;
}

/** What the decision reads of a second reading. */
export type HmmEvidence = Pick<MandarinHmmCheck, 'margin' | 'fit' | 'shortestWordSec'>;

/** One reading, or one per vocal-tract warp. */
export type HmmReadings = HmmEvidence | readonly HmmEvidence[];

/**
 * Whether the second reading's acoustic model turns down a Mandarin acceptance of the digit
 * model: no reading (one per warp) fits the challenge to the sound within `minFit` of the best
 * free phone sequence. The digit model hears four digits in about 3% of strings of non-digit
 * Mandarin syllables (its filler class has heard one syllabary); read by CMU's model those fit at
 * -1.39 to -2.37, where every genuine reading it accepted fitted at -1.14 or better (docs/speech.md).
 * No reading at all (nothing to search) turns nothing down.
 */
export function mandarinFitFails(fits: readonly (number | null)[], minFit: number): boolean {
  return fits.length > 0 && fits.every((f) => f === null || f < minFit);
}

/** The digit model's margin, raised to HMM_ACCEPT_SCORE when the Mandarin second reading accepts. */
export function fusedScore(modelScore: number, mandarinAccepted: boolean): number {
  return mandarinAccepted ? Math.max(modelScore, HMM_ACCEPT_SCORE) : modelScore;
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

function checkDigits(expected: string): void {
  if (!/^[0-9]{1,12}$/.test(expected)) throw new SpeechError('INVALID_PARAMETER', `expected digits must be 1-12 characters 0-9, got "${expected}"`);
}

/**
 * Does this 16 kHz mono recording speak `expected` (Mandarin or English digits)? `opts` is the
 * configured `digits` section (resolveThresholds in src/config). The digit model decides first;
 * when it does not accept, the Mandarin second reading (src/speech/sphinx) may.
 */
export async function verifyDigits(pcm: Float32Array, expected: string, opts: DigitConfig): Promise<DigitVerdict> {
  checkDigits(expected);
  // Both readings hear the same prepared samples (finite, cut at 30 s and to the speech, padded to 1 s).
  const { samples: input, span } = speechInput(pcm);
  const p = await posteriorsOf(input);
  const { score: modelScore, language, perDigit } = scoreDigits(p, expected);
  // Each language at its own impostor point: Mandarin impostors score higher (the second
  // reading lets some through), and one threshold for both would hold English to Mandarin's.
  const threshold = language === 'zh' ? opts.minMarginMandarin : opts.minMargin;
  const heard = heardDigits(p);
  let mandarin: DigitVerdict['mandarin'] = null;
  let fit: DigitVerdict['mandarinFit'] = null;
  if (!(modelScore > threshold)) mandarin = secondReading(input, expected, opts);
  else if (language === 'zh') fit = mandarinFit(input, expected, opts);
  const score = fusedScore(modelScore, mandarin?.accepted ?? false);
  const accepted = score > threshold && (fit?.held ?? true);
  return {
    accepted,
    score: r3(score),
    threshold,
    modelScore: r3(modelScore),
    mandarin: mandarin && { ...mandarin, words: inRecording(span, mandarin.words) },
    mandarinFit: fit,
    recognized: mandarin?.accepted ? expected : heard.digits,
    language: mandarin?.accepted ? 'zh' : heard.digits || accepted ? language : 'unknown',
    perDigit: perDigit.map(r3),
    // The lip-sync stage needs to know where each digit was said: from the reading that heard them.
    segments: inRecording(span, mandarin?.accepted ? spikesOf(mandarin.words) : alignDigits(p, expected, input.length / SAMPLE_RATE / p.frames)),
  };
}

/**
 * The Mandarin second reading of `expected`: the recording read as it is, then through
 * filterbanks warped for a longer vocal tract (vocalTractWarps) until one reading accepts.
 */
function secondReading(input: Float32Array, expected: string, opts: DigitConfig): DigitVerdict['mandarin'] {
  let shown: DigitVerdict['mandarin'] = null;
  let closest = -Infinity;
  for (const { warp, reading } of warpedReadings(input, vocalTractWarps(opts.hmmMaxWarp))) {
    const check = checkMandarin(reading, expected, opts.hmmMinMargin);
    const accepted = mandarinAccepts(check, opts);
    if (accepted || check.margin > closest) {
      closest = check.margin;
      shown = { ...round3(check), warp, accepted, minFit: opts.hmmMinFit, minMargin: opts.hmmMinMargin, minDigitSec: opts.hmmMinDigitSec };
    }
    if (accepted) break;
  }
  return shown;
}

/** The best fit of `expected` over the second reading's warps, stopping at the first that holds. */
function mandarinFit(input: Float32Array, expected: string, opts: DigitConfig): DigitVerdict['mandarinFit'] {
  let best: DigitVerdict['mandarinFit'] = null;
  for (const { warp, reading } of warpedReadings(input, vocalTractWarps(opts.hmmMaxWarp))) {
    const fit = checkMandarin(reading, expected, -Infinity).fit ?? -Infinity;
    if (!best || fit > best.fit) best = { fit: Math.max(r3(fit), -99), warp, minFit: opts.hmmMinFit, held: !mandarinFitFails([fit], opts.hmmMinFit) };
    if (best.held) break;
  }
  return best;
}

const round3 = (c: MandarinHmmCheck): MandarinHmmCheck => ({
  ...c,
  margin: r3(c.margin),
  fit: c.fit === null ? null : r3(c.fit),
  shortestWordSec: r3(c.shortestWordSec),
  words: c.words.map((w) => ({ ...w, startSec: r3(w.startSec), endSec: r3(w.endSec) })),
});

/**
 * The second reading's words as the digit model's segments look: a 40 ms spike three quarters
 * into the word, where the model's own spikes fall (docs/pipeline.md, per-digit lip-sync).
 */
function spikesOf(words: MandarinHmmCheck['words']): DigitSegment[] {
  return words.map((w) => {
    const spike = w.startSec + 0.75 * (w.endSec - w.startSec);
    return { digit: w.digit, startSec: r3(spike - 0.02), endSec: r3(spike + 0.02), score: 1 };
  });
}

/** Times in the recording as it was given (the readings heard it cut to its speech). */
function inRecording<T extends { startSec: number; endSec: number }>(span: SpeechSpan, timed: T[]): T[] {
  return timed.map((x) => ({ ...x, startSec: r3(originalSec(span, x.startSec, SAMPLE_RATE)), endSec: r3(originalSec(span, x.endSec, SAMPLE_RATE)) }));
}

/** The digits heard in a 16 kHz mono recording, in whichever language they were read. */
export async function recognizeDigits(pcm: Float32Array): Promise<Recognition> {
  const heard = heardDigits(await speechPosteriors(pcm));
  return { ...heard, confidence: r3(heard.confidence) };
}
