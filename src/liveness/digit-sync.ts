import type { FaceObservation } from '../vision/index.js';
import { fillGaps } from './sync-score.js';
import { visemeOf, type Labial, type VowelClass } from './visemes.js';

/**
 * Per-digit lip evidence: for each challenge digit, the syllable the speech model placed it in
 * is found in the loudness, and the mouth's widest opening during it must have the shape of
 * the digit's vowel (open, rounded or spread). How much the mouth opened and how far the
 * opening started from the sound's onset are reported, not decided on: on real speech both
 * were spread the same for genuine syllables and for other speech over the same faces, and
 * more than 5% of genuine syllables showed no rise at all (docs/pipeline.md).
 *
 * The speech model marks a digit with a short spike late in the word (measured: 0.25-0.45 s
 * after the word's onset on isolated digits, sometimes just after its end), not with the
 * syllable's extent. So each digit is searched for in a region before its spike, bounded by
 * the neighbouring spikes, and its extent is taken from the loudness: the evidence does not
 * depend on the alignment being exact, only on the spike falling at or after its syllable.
 */

export interface DigitSpike {
  digit: string;
  startSec: number;
  endSec: number;
}

/** A syllable to look for: where the aligner placed it, and the vowel shapes it allows. */
export interface SyllableSpike {
  label: string;
  startSec: number;
  endSec: number;
  vowels: VowelClass[];
  labial: Labial | null;
}

export interface DigitSyncInput {
  segments: ReadonlyArray<DigitSpike>;
  language: 'zh' | 'en' | 'unknown';
  faces: ReadonlyArray<FaceObservation | null>;
  fps: number;
  /** Voice-band loudness (linear RMS) and its rate. */
  envelope: ArrayLike<number>;
  envelopeRate: number;
  /** Whole-clip lag at which mouth and sound fit best (positive: the sound comes after the mouth). */
  lagSec: number;
}

export interface DigitSyncThresholds {
  /** Open vowels: peak outer lip height over the clip's median. */
  minOpenHeight: number;
  /** Rounded vowels: mouth width at the peak over the clip's median width, at most. */
  maxRoundedWidth: number;
  /** Spread vowels: the same, at least. */
  minSpreadWidth: number;
}

export interface DigitLipEvidence {
  /** The digit (or, in the evaluation, the word) looked for. */
  digit: string;
  /** The syllable heard: onset, loudest point and end, seconds. */
  sound: { onsetSec: number; peakSec: number; endSec: number };
  /** The mouth's opening for it: where the opening starts and where it is widest, seconds. */
  mouth: { onsetSec: number; peakSec: number } | null;
  /** Outer lip height gained by that opening, over the clip's median height (reported, see above). */
  rise: number;
  /** Mouth opening onset minus sound onset (after the clip's lag), seconds. */
  onsetGapSec: number | null;
  shape: { expected: VowelClass[]; height: number; width: number; fits: boolean };
  /**
   * The labial consonant the digit has (b: lips together; f, v: lower lip to upper teeth) and
   * the smallest inner-lip gap from just before the syllable to its end, over the clip's median
   * gap; reported, not decided on (at 20 fps it did not single out labial words, see above).
   */
  labial: { expected: Labial | null; closure: number | null };
  /** A mouth opening was found for the syllable, in the shape of the digit's vowel. */
  matched: boolean;
}

export interface DigitSyncResult {
  digits: DigitLipEvidence[];
  matched: number;
}

/** How far before its spike a digit's syllable may start, and after it end (measured, see above). */
const SEARCH_BEFORE_SEC = 0.55;
const SEARCH_AFTER_SEC = 0.15;
/** The syllable's extent: where the loudness falls this far below its peak. */
const SYLLABLE_DROP_DB = 12;
/** Lips close for a b or f this long before the vowel is heard, at most. */
const CLOSURE_LEAD_SEC = 0.15;
/** The start of the mouth's opening is looked for up to this long before the sound's onset. */
const MOUTH_LEAD_SEC = 0.3;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)];
};

function loudnessDb(envelope: ArrayLike<number>): Float64Array {
  // 30 ms moving average: one 25 ms frame of a plosive must not count as the syllable's peak.
  const db = new Float64Array(envelope.length);
  for (let i = 0; i < envelope.length; i++) {
    let sum = 0;
    let n = 0;
    for (let k = Math.max(0, i - 1); k <= Math.min(envelope.length - 1, i + 1); k++, n++) sum += envelope[k];
    db[i] = 20 * Math.log10(Math.max(1e-6, sum / n));
  }
  return db;
}

/** The loudest point in [from, to) and where the loudness has fallen SYLLABLE_DROP_DB below it on each side. */
function syllable(db: Float64Array, rate: number, fromSec: number, toSec: number): { onsetSec: number; peakSec: number; endSec: number } | null {
  const a = Math.max(0, Math.floor(fromSec * rate));
  const b = Math.min(db.length, Math.ceil(toSec * rate));
  if (b - a < 2) return null;
  let peak = a;
  for (let i = a; i < b; i++) if (db[i] > db[peak]) peak = i;
  const floor = db[peak] - SYLLABLE_DROP_DB;
  let on = peak;
  while (on > a && db[on - 1] > floor) on--;
  let end = peak;
  while (end < b - 1 && db[end + 1] > floor) end++;
  return { onsetSec: on / rate, peakSec: peak / rate, endSec: (end + 1) / rate };
}

/** Does a mouth of this height and width (over the clip's medians) have one of the expected vowel shapes? */
export function shapeFits(expected: VowelClass[], height: number, width: number, th: DigitSyncThresholds): boolean {
  if (expected.length === 0) return true;
  return expected.some((c) => (c === 'open' ? height >= th.minOpenHeight : c === 'rounded' ? width <= th.maxRoundedWidth : width >= th.minSpreadWidth));
}

/** The mouth's widest opening near a syllable, and where that opening started. */
function mouthOpening(height: number[], fps: number, soundOnset: number, soundEnd: number): { onset: number; peak: number } | null {
  const a = Math.max(0, Math.round(soundOnset * fps));
  const b = Math.min(height.length - 1, Math.round(soundEnd * fps));
  if (b < a) return null;
  let peak = a;
  for (let i = a; i <= b; i++) if (height[i] > height[peak]) peak = i;
  let onset = peak;
  const limit = Math.max(0, a - Math.round(MOUTH_LEAD_SEC * fps));
  while (onset > limit && height[onset - 1] < height[onset]) onset--;
  return { onset, peak };
}

export function digitSync(input: DigitSyncInput, th: DigitSyncThresholds): DigitSyncResult | null {
  const syllables = input.segments.map((s) => {
    const v = visemeOf(Number(s.digit), input.language);
    return { label: s.digit, startSec: s.startSec, endSec: s.endSec, vowels: v.vowels, labial: v.labial };
  });
  return syllableSync({ ...input, syllables }, th);
}

/** digitSync for any aligned syllables (the evaluation also runs it on the words of real sentences). */
export function syllableSync(input: Omit<DigitSyncInput, 'segments' | 'language'> & { syllables: ReadonlyArray<SyllableSpike> }, th: DigitSyncThresholds): DigitSyncResult | null {
  const height = fillGaps(input.faces.map((f) => f?.shape?.height ?? null));
  const width = fillGaps(input.faces.map((f) => f?.shape?.width ?? null));
  const gap = fillGaps(input.faces.map((f) => f?.shape?.gap ?? null));
  if (!height || !width || !gap || input.syllables.length === 0) return null;
  const h0 = median(height);
  const w0 = median(width);
  const g0 = median(gap);
  if (!(h0 > 0 && w0 > 0)) return null;
  const db = loudnessDb(input.envelope);
  const spikes = input.syllables.map((s) => (s.startSec + s.endSec) / 2);
  const digits: DigitLipEvidence[] = [];
  for (const [k, seg] of input.syllables.entries()) {
    const from = Math.max(spikes[k] - SEARCH_BEFORE_SEC, k > 0 ? spikes[k - 1] : 0);
    const to = Math.min(spikes[k] + SEARCH_AFTER_SEC, k + 1 < spikes.length ? spikes[k + 1] : Infinity);
    const sound = syllable(db, input.envelopeRate, from, to) ?? { onsetSec: spikes[k], peakSec: spikes[k], endSec: spikes[k] };
    // Mouth time = sound time - lag: the clip's own offset between picture and sound.
    const m = mouthOpening(height, input.fps, sound.onsetSec - input.lagSec, sound.endSec - input.lagSec);
    const rise = m ? (height[m.peak] - height[m.onset]) / h0 : 0;
    const onsetGapSec = m ? m.onset / input.fps + input.lagSec - sound.onsetSec : null;
    const expected = seg.vowels;
    const hRel = m ? height[m.peak] / h0 : 0;
    const wRel = m ? width[m.peak] / w0 : 0;
    const fits = m !== null && shapeFits(expected, hRel, wRel, th);
    const a = Math.max(0, Math.round((sound.onsetSec - input.lagSec - CLOSURE_LEAD_SEC) * input.fps));
    const b = Math.min(gap.length - 1, Math.round((sound.endSec - input.lagSec) * input.fps));
    const closure = g0 > 0 && b >= a ? Math.min(...gap.slice(a, b + 1)) / g0 : null;
    digits.push({
      digit: seg.label,
      sound,
      mouth: m ? { onsetSec: m.onset / input.fps, peakSec: m.peak / input.fps } : null,
      rise,
      onsetGapSec,
      shape: { expected, height: hRel, width: wRel, fits },
      labial: { expected: seg.labial, closure },
      matched: fits,
    });
  }
  return { digits, matched: digits.filter((d) => d.matched).length };
}
