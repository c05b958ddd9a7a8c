import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveThresholds } from '../config/index.js';
import type { FaceObservation } from '../vision/index.js';
import { checkSync, digitsRequired } from './checks/sync.js';
import { digitSync, type DigitSyncThresholds } from './digit-sync.js';
import { burstEnvelope, FPS, plannedFace, RATE, readingEvidence, readingFace, readingVerdict, spikeOf } from './lip-fixtures.test-helper.js';
import { pauseMotion } from './pause-motion.js';
import { visemeOf } from './visemes.js';

const th = resolveThresholds();
const SHAPE: DigitSyncThresholds = { minOpenHeight: th.sync.minOpenHeight, maxRoundedWidth: th.sync.maxRoundedWidth, minSpreadWidth: th.sync.minSpreadWidth };

describe('per-digit lip evidence', () => {
  const word = { start: 1.0, end: 1.35 };

  it('finds the syllable before the speech model\'s late spike and matches a rounded digit to a narrowing mouth', () => {
    const r = digitSync({ segments: [spikeOf('2', word)], language: 'en', faces: plannedFace(3, [{ ...word, height: 1.5, width: 0.85 }]), fps: FPS, envelope: burstEnvelope(3, [word]), envelopeRate: RATE, lagSec: 0 }, SHAPE);
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
    const narrowing = plannedFace(3, [{ ...word, height: 1.5, width: 0.8 }]);
    const spreading = plannedFace(3, [{ ...word, height: 1.5, width: 1.2 }]);
    const run = (digit: string, faces: Array<FaceObservation | null>) =>
      digitSync({ segments: [spikeOf(digit, word)], language: 'en', faces, fps: FPS, envelope: burstEnvelope(3, [word]), envelopeRate: RATE, lagSec: 0 }, SHAPE);
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
    const resting = plannedFace(4, words.map((w) => ({ ...w, height: 1.6, width: 1 })));
    const talking = plannedFace(4, [0.3, 0.75, 1.25, 1.7, 2.2, 2.6, 3.1].map((s) => ({ start: s, end: s + 0.3, height: 1.6, width: 1 })));
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
  const reading = readingFace();
  const parts = (r: ReturnType<typeof checkSync>): Record<string, boolean | null> =>
    Object.fromEntries((r.report.extra?.parts as Array<{ part: string; passed: boolean | null }>).map((p) => [p.part, p.passed]));

  it('passes a mouth that reads the heard digits, and shows each digit\'s evidence', () => {
    const r = checkSync(readingEvidence(reading, readingVerdict(true, '2894')), th);
    assert.equal(r.report.passed, true, r.report.message);
    assert.deepEqual(parts(r), { level: true, onsetLead: true, levelLead: true, pauses: true, digits: true });
    const digits = r.report.extra?.digits as Array<{ digit: string; soundMs: number[]; matched: boolean }>;
    assert.deepEqual(digits.map((d) => d.digit), ['2', '8', '9', '4']);
    assert.ok(digits.every((d) => d.matched && d.soundMs.length === 3));
  });

  it('fails with -5002 when the lips do not have the heard digits\' shapes', () => {
    const r = checkSync(readingEvidence(reading, readingVerdict(true, '8248')), th);
    assert.equal(r.report.passed, false);
    assert.equal(r.error, 'LIP_READING_FAILED');
    assert.equal(parts(r).digits, false);
    assert.match(r.report.message, /lips match [01] of 4 digits/);
  });

  it('judges no digits when the speech stage did not hear them (the digits check fails that video)', () => {
    const r = checkSync(readingEvidence(reading, readingVerdict(false, '8248')), th);
    assert.equal(parts(r).digits, null);
    assert.equal(r.report.extra?.digits, null);
    assert.equal(r.report.passed, true);
  });
});
