import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignDigits } from './align.js';
import { framesOf } from './posteriors.test-helper.js';
import { BLANK as B, FILLER as F, digitToken } from './tokens.js';

const en = (d: number): number => digitToken('en', d);
const zh = (d: number): number => digitToken('zh', d);

test('each expected digit is placed on the frames that spell it, in seconds from the frame length', () => {
  const p = framesOf([B, B, en(3), B, F, F, B, en(5), en(5), B, B, zh(9), B, en(1), B]);
  const segs = alignDigits(p, '3591', 0.04);
  assert.deepEqual(segs.map((s) => [s.digit, s.startSec, s.endSec]), [
    ['3', 0.08, 0.12],
    ['5', 0.28, 0.36],
    ['9', 0.44, 0.48],
    ['1', 0.52, 0.56],
  ]);
  assert.ok(segs.every((s) => s.score > 0.89), JSON.stringify(segs));
  const half = alignDigits(p, '3591', 0.02);
  assert.deepEqual(half.map((s) => s.startSec), [0.04, 0.14, 0.22, 0.26]);
});

test('a repeated digit gets two segments only where a blank separates them', () => {
  const p = framesOf([B, en(7), en(7), B, en(7), B, en(0), B, en(0), B]);
  const segs = alignDigits(p, '7700', 0.04);
  assert.deepEqual(segs.map((s) => [s.startSec, s.endSec]), [
    [0.04, 0.12],
    [0.16, 0.2],
    [0.24, 0.28],
    [0.32, 0.36],
  ]);
});

test('a digit the model did not hear is still placed in order, with a low score', () => {
  const p = framesOf([B, en(4), B, F, F, B, en(6), B, en(2), B]);
  const segs = alignDigits(p, '4862', 0.04);
  assert.equal(segs.length, 4);
  assert.deepEqual(segs.map((s) => s.digit), ['4', '8', '6', '2']);
  assert.ok(segs[1].score < 0.05, `unheard 8 scored ${segs[1].score}`);
  assert.ok(segs[1].startSec >= segs[0].endSec && segs[1].endSec <= segs[2].startSec);
  assert.ok(segs[0].score > 0.89 && segs[2].score > 0.89 && segs[3].score > 0.89);
});

test('no segments when the string cannot fit in the frames', () => {
  assert.deepEqual(alignDigits(framesOf([B, en(1), B]), '1111', 0.04), []);
  assert.deepEqual(alignDigits(framesOf([]), '12', 0.04), []);
});
