import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bandEnvelope } from './band-envelope.js';

const RATE = 16_000;
const OPTS = { lowHz: 300, highHz: 3000, hopSec: 0.01, winSec: 0.025 };

function tone(hz: number, seconds: number): Float32Array {
  return Float32Array.from({ length: RATE * seconds }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / RATE));
}

/** Mean envelope after the filters have settled (the first 0.2 s is skipped). */
const level = (env: Float32Array): number => env.slice(20).reduce((s, v) => s + v, 0) / (env.length - 20);

describe('voice-band envelope', () => {
  it('keeps a tone inside 300-3000 Hz at about its RMS', () => {
    const env = bandEnvelope(tone(1000, 1), RATE, OPTS);
    assert.equal(env.length, 98);
    assert.ok(Math.abs(level(env) - 0.5 / Math.SQRT2) < 0.03, `level ${level(env)}`);
  });

  it('attenuates mains hum and hiss outside the band by more than 20 dB', () => {
    const inBand = level(bandEnvelope(tone(1000, 1), RATE, OPTS));
    for (const hz of [50, 7000]) {
      const out = level(bandEnvelope(tone(hz, 1), RATE, OPTS));
      assert.ok(20 * Math.log10(inBand / out) > 20, `${hz} Hz only ${(20 * Math.log10(inBand / out)).toFixed(1)} dB down`);
    }
  });

  it('gives no frames for audio shorter than one window', () => {
    assert.equal(bandEnvelope(new Float32Array(100), RATE, OPTS).length, 0);
  });
});
