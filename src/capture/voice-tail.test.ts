import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PAUSE_SEC, SILENCE_BELOW_LOUD_DB } from '../speech/speech-span.js';
import { levelDb, VOICE_TAIL, VoiceTail } from './web/voice-tail.js';

const HOP = 50;

/** Feeds `level(t)` every 50 ms and returns when the page would stop recording. */
function stopTime(level: (t: number) => number | null): number {
  const tail = new VoiceTail();
  for (let t = HOP; t <= 20_000; t += HOP) {
    const db = level(t);
    if (db !== null) tail.push(db, t);
    if (tail.shouldStop(t)) return t;
  }
  throw new Error('never stopped');
}

/** Background at -60 dBFS with 1 dB of wobble; syllables at -20 dBFS between the given times (ms). */
function reading(syllables: [number, number][]): (t: number) => number {
  return (t) => (syllables.some(([a, b]) => t >= a && t < b) ? -20 + ((t / HOP) % 3) : -60 + ((t / HOP) % 2));
}

describe('keep recording while the reader is still speaking', () => {
  it('counts as speech what the digit check keeps as speech', () => {
    assert.equal(VOICE_TAIL.quietMs, MAX_PAUSE_SEC * 1000);
    assert.equal(VOICE_TAIL.belowLoudDb, SILENCE_BELOW_LOUD_DB);
  });

  it('stops at the planned time when the reading ended well before it', () => {
    assert.equal(stopTime(reading([[800, 1200], [1500, 1900], [2200, 2600], [2900, 3300]])), VOICE_TAIL.plannedMs);
  });

  it('keeps a last digit that runs past the planned time, then stops a pause later', () => {
    const end = VOICE_TAIL.plannedMs + 900;
    const stop = stopTime(reading([[2500, 2900], [3400, 3800], [4300, 4700], [5300, end]]));
    assert.ok(stop >= end + VOICE_TAIL.quietMs - HOP && stop <= end + VOICE_TAIL.quietMs + HOP, `stopped at ${stop}`);
  });

  it('waits through a pause between digits that spans the planned time', () => {
    const stop = stopTime(reading([[2800, 3200], [3700, 4100], [4400, 4700], [5500, 5900]]));
    assert.ok(stop >= 5900, `stopped at ${stop}, before the last digit`);
  });

  it('never records past the longest time, however long the talking goes on', () => {
    const talk = Array.from({ length: 40 }, (_, k): [number, number] => [300 + k * 500, 650 + k * 500]);
    assert.equal(stopTime(reading(talk)), VOICE_TAIL.maxMs);
  });

  it('is not held open by steady background noise, silence or a microphone it cannot hear', () => {
    assert.equal(stopTime((t) => -45 + ((t / HOP) % 2)), VOICE_TAIL.plannedMs);
    assert.equal(stopTime(() => levelDb(new Float32Array(1024))), VOICE_TAIL.plannedMs);
    assert.equal(stopTime(() => null), VOICE_TAIL.plannedMs);
  });

  it('measures RMS level in dBFS', () => {
    const tone = Float32Array.from({ length: 4800 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 48000));
    assert.ok(Math.abs(levelDb(tone) - 20 * Math.log10(0.5 / Math.SQRT2)) < 0.05);
  });
});
