import type { DigitVerdict } from '../speech/index.js';
import type { FaceObservation } from '../vision/index.js';
import type { Evidence } from './evidence.js';

/**
 * Synthetic faces and sound for the lip-sync rules: a mouth whose height and width follow a
 * plan, and a voice-band envelope with a burst per syllable, so that each rule can be shown
 * to pass and to fail (digit-sync.test.ts, src/config/thresholds.test.ts).
 */
export const FPS = 20;
export const RATE = 100;

export interface PlannedSyllable {
  start: number;
  end: number;
  /** Mouth height and width at the syllable's peak, as multiples of the resting mouth. */
  height: number;
  width: number;
}

export function plannedFace(sec: number, syllables: PlannedSyllable[], jitter = 0): Array<FaceObservation | null> {
  let seed = 3;
  const noise = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * jitter;
  return Array.from({ length: sec * FPS }, (_, i) => {
    const t = i / FPS;
    // The mouth opens from 50 ms before the sound and closes by its end, peaking in the middle.
    const s = syllables.find((x) => t >= x.start - 0.05 && t <= x.end);
    const k = s ? Math.sin((Math.PI * (t - s.start + 0.05)) / (s.end - s.start + 0.05)) : 0;
    const height = 0.2 * (1 + (s ? (s.height - 1) * k : 0)) + noise();
    const width = 0.6 * (1 + (s ? (s.width - 1) * k : 0));
    return {
      t,
      faceCount: 1,
      score: 1,
      box: { x: 0, y: 0, width: 100, height: 100 },
      mouth: height / width - 0.25,
      lips: height / width,
      shape: { width, height, gap: Math.max(0, height - 0.2) },
      yaw: 0,
      pitch: 0,
      sharpness: 100,
      brightness: 0.5,
      quality: 1,
      change: 0.01,
    };
  });
}

export function burstEnvelope(sec: number, syllables: Array<{ start: number; end: number }>): Float32Array {
  return Float32Array.from({ length: sec * RATE }, (_, i) => {
    const t = i / RATE;
    const s = syllables.find((x) => t >= x.start && t <= x.end);
    return s ? 0.2 * Math.sin((Math.PI * (t - s.start)) / (s.end - s.start)) + 0.001 : 0.001;
  });
}

/** A spike as the speech model places it: late in the word. */
export const spikeOf = (digit: string, s: { start: number; end: number }): { digit: string; startSec: number; endSec: number } => {
  const at = s.start + 0.8 * (s.end - s.start);
  return { digit, startSec: at, endSec: at + 0.04 };
};

/** Four words of a 4 s reading. */
export const READING_WORDS = [
  { start: 0.6, end: 0.9 },
  { start: 1.3, end: 1.6 },
  { start: 2.0, end: 2.3 },
  { start: 2.7, end: 3.0 },
];

/** A mouth reading "two, eight, nine, four": rounded, spread, open, rounded. */
export const readingFace = (jitter = 0): Array<FaceObservation | null> =>
  plannedFace(4, [
    { ...READING_WORDS[0], height: 1.5, width: 0.85 },
    { ...READING_WORDS[1], height: 1.5, width: 1.15 },
    { ...READING_WORDS[2], height: 2.0, width: 1.05 },
    { ...READING_WORDS[3], height: 1.5, width: 0.85 },
  ], jitter);

/** The speech stage's verdict on `digits`, heard in READING_WORDS (the words at `words`, by default in order). */
export const readingVerdict = (accepted: boolean, digits: string, words: number[] = [0, 1, 2, 3]): DigitVerdict => ({
  accepted,
  score: accepted ? 3 : -5,
  threshold: -2.2,
  modelScore: accepted ? 3 : -5,
  mandarin: null,
  mandarinFit: null,
  recognized: digits,
  language: 'en',
  perDigit: [...digits].map(() => 1),
  segments: [...digits].map((d, i) => ({ ...spikeOf(d, READING_WORDS[words[i]]), score: 0.9 })),
});

/** Evidence of a 4 s reading of READING_WORDS by `faces`, with the speech stage's verdict. */
export function readingEvidence(faces: Array<FaceObservation | null>, verdict: DigitVerdict | null): Evidence {
  const bandEnvelope = burstEnvelope(4, READING_WORDS);
  const audio = { durationSec: 4, peakDb: -10, speechLevelDb: -20, noiseFloorDb: -60, snrDb: 40, speechSec: 1.2, segments: READING_WORDS, envelope: bandEnvelope, bandEnvelope, envelopeRate: RATE };
  return { info: null, invalidReason: null, pcm: null, audio, track: { frameCount: faces.length, width: 100, height: 100, faces, best: [], pad: [], ms: 0 }, fps: FPS, attack: null, digits: verdict ? { verdict } : null, stageMs: {} };
}
