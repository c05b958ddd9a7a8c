import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../core/seeded-random.js';
import { EDGE_SEC, MAX_PAUSE_SEC, originalSec, speechSpan } from './speech-span.js';

const RATE = 16000;

/** Tone bursts ("speech") at the given [start, end) seconds (amplitude 0.3 unless given), in `sec` of steady background at `floor` amplitude. */
function bursts(sec: number, spans: ([number, number] | [number, number, number])[], floor = 0): Float32Array {
  const out = new Float32Array(sec * RATE);
  const rand = seededRandom(7);
  for (let i = 0; i < out.length; i++) out[i] = floor * (rand() - 0.5);
  for (const [a, b, amp = 0.3] of spans) for (let i = a * RATE; i < b * RATE; i++) out[i] = amp * Math.sin((2 * Math.PI * 440 * i) / RATE);
  return out;
}

describe('speechSpan', () => {
  it('keeps half a second of silence around the speech and shortens long pauses to a second', () => {
    const pcm = bursts(20, [[3, 3.4], [3.9, 4.3], [7, 7.4], [8, 8.4]]);
    const span = speechSpan(pcm, RATE);
    // 0.5 lead + 0.4 + 0.5 pause + 0.4 + (2.7 s pause -> 1) + 0.4 + 0.6 pause + 0.4 + 0.5 trail
    assert.ok(Math.abs(span.samples.length / RATE - 4.7) < 0.1, `${span.samples.length / RATE} s`);
    assert.equal(span.pieces.length, 2);
    assert.ok(Math.abs(originalSec(span, EDGE_SEC, RATE) - 3) < 0.05, 'the first speech starts where it did');
    // After the shortened pause, times map back past the cut.
    const afterCut = EDGE_SEC + 0.4 + 0.5 + 0.4 + MAX_PAUSE_SEC;
    assert.ok(Math.abs(originalSec(span, afterCut, RATE) - 7) < 0.05, `${originalSec(span, afterCut, RATE)}`);
    assert.ok(Math.abs(originalSec(span, span.samples.length / RATE, RATE) - 8.9) < 0.05);
  });

  it('leaves a recording alone when there is nothing to cut or no speech', () => {
    const tight = bursts(2, [[0.3, 0.8], [1.2, 1.6]]);
    assert.equal(speechSpan(tight, RATE).samples, tight);
    const silent = new Float32Array(5 * RATE);
    assert.equal(speechSpan(silent, RATE).samples, silent);
  });

  it('cuts a steady background as it cuts silence, and keeps a digit 30 dB quieter than the others', () => {
    const noisy = speechSpan(bursts(20, [[3, 3.4], [12, 12.4]], 0.02), RATE);
    assert.ok(Math.abs(noisy.samples.length / RATE - 2.8) < 0.1, `${noisy.samples.length / RATE} s`);
    // Digital silence between the words (spliced, or added to hide the background) does not
    // make the background count as speech.
    const spliced = bursts(25, [[1, 1.4], [2, 2.4]]);
    const rand = seededRandom(3);
    for (let i = 3 * RATE; i < spliced.length; i++) spliced[i] = 0.004 * (rand() - 0.5);
    assert.ok(Math.abs(speechSpan(spliced, RATE).samples.length / RATE - 2.4) < 0.1, `${speechSpan(spliced, RATE).samples.length / RATE} s`);
    const quiet = 0.3 * 10 ** (-30 / 20);
    const span = speechSpan(bursts(8, [[1, 1.4], [3, 3.3, quiet], [5, 5.4]]), RATE);
    // 0.5 + 0.4 + (1.6 -> 1) + 0.3 + (1.7 -> 1) + 0.4 + 0.5
    assert.ok(Math.abs(span.samples.length / RATE - 4.1) < 0.1, `${span.samples.length / RATE} s`);
    assert.ok(Math.abs(originalSec(span, EDGE_SEC + 0.4 + MAX_PAUSE_SEC, RATE) - 3) < 0.05, 'the quiet digit is where it was');
  });
});
