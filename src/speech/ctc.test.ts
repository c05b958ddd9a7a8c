import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestDigitString, forcedScore, greedyDigits } from './ctc.js';
import { framesOf as frames } from './posteriors.test-helper.js';
import { BLANK, FILLER, digitToken } from './tokens.js';
import { scoreDigits } from './verify.js';

const en = (d: number): number => digitToken('en', d);
const zh = (d: number): number => digitToken('zh', d);
const B = BLANK;

test('the best string of N digits is the one the frames spell, repeated digits included', () => {
  const p = frames([B, en(3), en(3), B, en(3), B, FILLER, en(0), B, en(7), B]);
  assert.deepEqual(bestDigitString(p, 'en', 4).digits, '3307');
  assert.deepEqual(greedyDigits(p), { digits: '3307', language: 'en', confidence: greedyDigits(p).confidence });
});

test('the expected string outscores any one-digit change, and the margin is positive', () => {
  const p = frames([B, zh(1), B, zh(2), zh(2), B, zh(8), B, zh(9), B]);
  assert.ok(forcedScore(p, [zh(1), zh(2), zh(8), zh(9)]) > forcedScore(p, [zh(1), zh(2), zh(8), zh(8)]));
  const right = scoreDigits(p, '1289');
  assert.equal(right.language, 'zh');
  assert.ok(right.score > 3, `margin ${right.score}`);
  assert.ok(right.perDigit.every((v) => v > 0.9));
  assert.ok(scoreDigits(p, '1288').score < 0);
});

test('frames of filler and blank only make every digit string lose to "no digits"', () => {
  const p = frames([B, FILLER, FILLER, B, FILLER, B, B, FILLER, B, B]);
  assert.ok(scoreDigits(p, '1234').score < -5);
  assert.equal(greedyDigits(p).digits, '');
  assert.equal(greedyDigits(p).language, 'unknown');
});

test('a string with a digit missing does not verify as the full string', () => {
  const p = frames([B, en(4), B, en(5), B, en(6), B, B]);
  assert.ok(scoreDigits(p, '4561').score < 0);
});

test('two networks: the score is the mean of their margins, each on its own frames, and Mandarin if either hears it', () => {
  // The second network puts every spike one frame later: a frame-by-frame product would charge
  // each digit for the other network's blanks; the mean of margins does not.
  const a = frames([B, en(1), B, en(2), B, en(8), B, en(9), B, B]);
  const b = frames([B, B, zh(1), B, zh(2), B, zh(8), B, zh(9), B]);
  const alone = [scoreDigits(a, '1289'), scoreDigits(b, '1289')];
  const pair = scoreDigits({ ...a, others: [b] }, '1289');
  assert.ok(Math.abs(pair.score - (alone[0]!.score + alone[1]!.score) / 2) < 1e-9, `${pair.score} vs ${alone.map((s) => s.score)}`);
  assert.ok(pair.score > 3);
  assert.equal(alone[0]!.language, 'en');
  assert.equal(pair.language, 'zh');
  assert.deepEqual(pair.perDigit, alone[0]!.perDigit);
  // One network hearing a different digit pulls the claim down from where the other put it.
  const wrong = frames([B, en(1), B, en(2), B, en(8), B, en(8), B, B]);
  const mixed = scoreDigits({ ...a, others: [wrong] }, '1289');
  assert.ok(mixed.score < alone[0]!.score && mixed.score > scoreDigits(wrong, '1289').score);
  assert.equal(mixed.language, 'en');
});
