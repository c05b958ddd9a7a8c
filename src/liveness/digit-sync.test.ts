import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveThresholds } from '../config/index.js';
import type { DigitVerdict } from '../speech/index.js';
import type { FaceObservation } from '../vision/index.js';
import { checkSync, digitsRequired } from './checks/sync.js';
import { digitSync, type DigitSyncThresholds } from './digit-sync.js';
import type { Evidence } from './evidence.js';
import { pauseMotion } from './pause-motion.js';
import { visemeOf } from './visemes.js';

/**
 * Synthetic faces and sound: a mouth whose height and width follow a plan, and a voice-band
 * envelope with a burst per syllable, so that each rule can be shown to pass and to fail.
 */
const FPS = 20;
const RATE = 100;
const th = resolveThresholds();
const SHAPE: DigitSyncThresholds = { minOpenHeight: th.sync.minOpenHeight, maxRoundedWidth: th.sync.maxRoundedWidth, minSpreadWidth: th.sync.minSpreadWidth };

interface Syllable {
  start: number;
  end: number;
  /** Mouth height and width at the syllable's peak, as multiples of the resting mouth. */
  height: number;
  width: number;
}

function face(sec: number, syllables: Syllable[], jitter = 0): Array<FaceObservation | null> {
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

function envelope(sec: number, syllables: Array<{ start: number; end: number }>): Float32Array {
  return Float32Array.from({ length: sec * RATE }, (_, i) => {
    const t = i / RATE;
    const s = syllables.find((x) => t >= x.start && t <= x.end);
    return s ? 0.2 * Math.sin((Math.PI * (t - s.start)) / (s.end - s.start)) + 0.001 : 0.001;
  });
}

/** A spike as the speech model places it: late in the word. */
const spikeOf = (digit: string, s: { start: number; end: number }): { digit: string; startSec: number; endSec: number } => {
  const at = s.start + 0.8 * (s.end - s.start);
  return { digit, startSec: at, endSec: at + 0.04 };
};

describe('per-digit lip evidence', () => {
  const word = { start: 1.0, end: 1.35 };

  it('finds the syllable before the speech model\'s late spike and matches a rounded digit to a narrowing mouth', () => {
    const r = digitSync({ segments: [spikeOf('2', word)], language: 'en', faces: face(3, [{ ...word, height: 1.5, width: 0.85 }]), fps: FPS, envelope: envelope(3, [word]), envelopeRate: RATE, lagSec: 0 }, SHAPE);
    assert.ok(r);
    const d = r.digits[0];
    assert.ok(Math.abs(d.sound.onsetSec - word.start) <= 0.05 && Math.abs(d.sound.endSec - word.end) <= 0.05, JSON.stringify(d.sound));
    assert.deepEqual(d.shape.expected, ['rounded']);
    assert.ok(d.rise > 0.3, `rise ${d.rise}`);
    assert.ok(d.onsetGapSec !== null && Math.abs(d.onsetGapSec) <= 0.1, `onset gap ${d.onsetGapSec}`);
    assert.equal(d.matched, true);
    assert.equal(r.matched, 1);
  });

  it('rejects a spread digit on a mouth that narrows, and a rounded one on a mouth that spreads', () => {
    const narrowing = face(3, [{ ...word, height: 1.5, width: 0.8 }]);
    const spreading = face(3, [{ ...word, height: 1.5, width: 1.2 }]);
    const run = (digit: string, faces: Array<FaceObservation | null>) =>
      digitSync({ segments: [spikeOf(digit, word)], language: 'en', faces, fps: FPS, envelope: envelope(3, [word]), envelopeRate: RATE, lagSec: 0 }, SHAPE);
    assert.equal(run('3', narrowing)?.digits[0].matched, false, 'three on a rounded mouth');
    assert.equal(run('3', spreading)?.digits[0].matched, true, 'three on a spread mouth');
    assert.equal(run('2', spreading)?.digits[0].matched, false, 'two on a spread mouth');
  });

  it('reads a digit\'s vowel in the language it was spoken in', () => {
    assert.deepEqual(visemeOf(5, 'en'), { vowels: ['open'], labial: 'labiodental' });
    assert.deepEqual(visemeOf(5, 'zh'), { vowels: ['rounded'], labial: null });
    assert.deepEqual(visemeOf(5, 'unknown').vowels.sort(), ['open', 'rounded']);
    assert.deepEqual(visemeOf(8, 'zh'), { vowels: ['open'], labial: 'bilabial' });
    assert.deepEqual(visemeOf(2, 'unknown').vowels, [], 'er has no shape, so with the language unknown neither does 2');
  });

  it('requires most digits to match: 3 of 4, 1 of 1', () => {
    assert.equal(digitsRequired(4, 0.75), 3);
    assert.equal(digitsRequired(1, 0.75), 1);
    assert.equal(digitsRequired(6, 0.75), 5);
  });
});

describe('mouth movement in speech pauses', () => {
  const words = [
    { start: 0.8, end: 1.1 },
    { start: 1.7, end: 2.0 },
    { start: 2.6, end: 2.9 },
  ];

  it('is small for a mouth that rests between words and large for one that keeps moving', () => {
    const resting = face(4, words.map((w) => ({ ...w, height: 1.6, width: 1 })));
    const talking = face(4, [0.3, 0.75, 1.25, 1.7, 2.2, 2.6, 3.1].map((s) => ({ start: s, end: s + 0.3, height: 1.6, width: 1 })));
    const height = (f: Array<FaceObservation | null>): number[] => f.map((x) => x?.shape?.height ?? 0);
    const rest = pauseMotion(height(resting), FPS, words).ratio;
    const moving = pauseMotion(height(talking), FPS, words).ratio;
    assert.ok(rest !== null && rest < 0.1, `resting ${rest}`);
    assert.ok(moving !== null && moving > th.sync.maxPauseMotion, `moving ${moving}`);
  });

  it('has no verdict without pauses to look at', () => {
    const speech = [{ start: 0, end: 4 }];
    assert.equal(pauseMotion(new Array(80).fill(0.2), FPS, speech).ratio, null);
  });
});

describe('lip-sync check with the per-digit part', () => {
  const words = [
    { start: 0.6, end: 0.9 },
    { start: 1.3, end: 1.6 },
    { start: 2.0, end: 2.3 },
    { start: 2.7, end: 3.0 },
  ];
  const verdict = (accepted: boolean, digits: string): DigitVerdict => ({
    accepted,
    score: accepted ? 3 : -5,
    threshold: -2.2,
    recognized: digits,
    language: 'en',
    perDigit: [1, 1, 1, 1],
    segments: [...digits].map((d, i) => ({ ...spikeOf(d, words[i]), score: 0.9 })),
  });
  const evidence = (faces: Array<FaceObservation | null>, v: DigitVerdict | null): Evidence => {
    const bandEnvelope = envelope(4, words);
    const audio = { durationSec: 4, peakDb: -10, speechLevelDb: -20, noiseFloorDb: -60, snrDb: 40, speechSec: 1.2, segments: words, envelope: bandEnvelope, bandEnvelope, envelopeRate: RATE };
    return { info: null, invalidReason: null, pcm: null, audio, track: { frameCount: faces.length, width: 100, height: 100, faces, best: [], ms: 0 }, fps: FPS, attack: null, digits: v ? { verdict: v } : null, stageMs: {} };
  };
  // "two, eight, nine, four": rounded, spread, open, rounded.
  const reading = face(4, [
    { ...words[0], height: 1.5, width: 0.85 },
    { ...words[1], height: 1.5, width: 1.15 },
    { ...words[2], height: 2.0, width: 1.05 },
    { ...words[3], height: 1.5, width: 0.85 },
  ]);
  const parts = (r: ReturnType<typeof checkSync>): Record<string, boolean | null> =>
    Object.fromEntries((r.report.extra?.parts as Array<{ part: string; passed: boolean | null }>).map((p) => [p.part, p.passed]));

  it('passes a mouth that reads the heard digits, and shows each digit\'s evidence', () => {
    const r = checkSync(evidence(reading, verdict(true, '2894')), th);
    assert.equal(r.report.passed, true, r.report.message);
    assert.deepEqual(parts(r), { level: true, onsetLead: true, levelLead: true, pauses: true, digits: true });
    const digits = r.report.extra?.digits as Array<{ digit: string; soundMs: number[]; matched: boolean }>;
    assert.deepEqual(digits.map((d) => d.digit), ['2', '8', '9', '4']);
    assert.ok(digits.every((d) => d.matched && d.soundMs.length === 3));
  });

  it('fails with -5002 when the lips do not have the heard digits\' shapes', () => {
    const r = checkSync(evidence(reading, verdict(true, '8248')), th);
    assert.equal(r.report.passed, false);
    assert.equal(r.error, 'LIP_READING_FAILED');
    assert.equal(parts(r).digits, false);
    assert.match(r.report.message, /lips match [01] of 4 digits/);
  });

  it('judges no digits when the speech stage did not hear them (the digits check fails that video)', () => {
    const r = checkSync(evidence(reading, verdict(false, '8248')), th);
    assert.equal(parts(r).digits, null);
    assert.equal(r.report.extra?.digits, null);
    assert.equal(r.report.passed, true);
  });
});
