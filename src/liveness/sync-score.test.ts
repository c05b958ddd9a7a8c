import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillGaps, syncScore } from './sync-score.js';

const FPS = 10;
const RATE = 100;

/** A syllable-like loudness pattern: bursts of varying length and strength, with pauses. */
function envelope(seconds: number, seed: number): Float32Array {
  const out = new Float32Array(seconds * RATE);
  let x = seed;
  const rnd = (): number => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < out.length; ) {
    const len = 10 + Math.floor(rnd() * 25);
    const amp = rnd() < 0.3 ? 0 : 0.05 + rnd() * 0.3;
    for (let k = 0; k < len && i < out.length; k++, i++) out[i] = amp * Math.sin((Math.PI * k) / len) + 1e-4;
  }
  return out;
}

/** Mouth opening that follows an envelope with a lag, sampled at the video rate. */
function mouthFrom(env: Float32Array, lagSec: number): number[] {
  const frames = Math.floor((env.length / RATE) * FPS);
  return Array.from({ length: frames }, (_, i) => {
    const k = Math.round((i / FPS - lagSec) * RATE);
    return 0.05 + 0.5 * Math.sqrt(env[Math.min(env.length - 1, Math.max(0, k))]);
  });
}

describe('lip-sync score', () => {
  it('scores a mouth that follows the speech high, and finds the lag', () => {
    const env = envelope(6, 7);
    const s = syncScore({ mouth: mouthFrom(env, -0.1), fps: FPS, envelope: env, envelopeRate: RATE, maxLagSec: 0.2, searchSec: 0.6 });
    assert.ok(s && s.score > 0.7, `score ${s?.score}`);
    assert.equal(s?.lagSec, 0.1);
  });

  it('scores the same mouth against unrelated speech low', () => {
    const s = syncScore({ mouth: mouthFrom(envelope(6, 7), 0), fps: FPS, envelope: envelope(6, 99), envelopeRate: RATE, maxLagSec: 0.2, searchSec: 0.6 });
    assert.ok(s && s.score < 0.4, `score ${s?.score}`);
  });

  it('scores speech shifted by 0.5 s (outside the lag range) lower than in sync', () => {
    const env = envelope(6, 3);
    const mouth = mouthFrom(env, 0);
    const inSync = syncScore({ mouth, fps: FPS, envelope: env, envelopeRate: RATE, maxLagSec: 0.2, searchSec: 0.6 });
    const shifted = syncScore({ mouth, fps: FPS, envelope: Float32Array.from([...new Float32Array(50), ...env]), envelopeRate: RATE, maxLagSec: 0.2, searchSec: 0.6 });
    assert.ok(inSync && shifted && shifted.score < inSync.score - 0.3, `in sync ${inSync?.score}, shifted ${shifted?.score}`);
  });

  it('reports the better fit outside the accepted lags when the speech is shifted by 0.5 s', () => {
    const env = envelope(6, 3);
    const s = syncScore({ mouth: mouthFrom(env, 0), fps: FPS, envelope: Float32Array.from([...new Float32Array(50), ...env]), envelopeRate: RATE, maxLagSec: 0.2, searchSec: 0.6 });
    assert.ok(s && s.outside > s.score + 0.3, `outside ${s?.outside}, in range ${s?.score}`);
    assert.equal(s?.outsideLagSec, 0.5);
  });

  it('finds the onsets of speech shifted by 0.5 s fitting the mouth better outside the accepted lags', () => {
    const env = envelope(6, 3);
    const mouth = mouthFrom(env, 0);
    const inSync = syncScore({ mouth, fps: FPS, envelope: env, envelopeRate: RATE, maxLagSec: 0.2, searchSec: 0.6 });
    assert.ok(inSync && inSync.onset > inSync.onsetOutside, `in sync: onset ${inSync?.onset}, outside ${inSync?.onsetOutside}`);
    const s = syncScore({ mouth, fps: FPS, envelope: Float32Array.from([...new Float32Array(50), ...env]), envelopeRate: RATE, maxLagSec: 0.2, searchSec: 0.6 });
    assert.ok(s && s.onsetOutside > s.onset + 0.3, `shifted: onset ${s?.onset}, outside ${s?.onsetOutside}`);
    assert.equal(s?.onsetOutsideLagSec, 0.5);
  });

  it('scores a mouth that never moves 0', () => {
    const s = syncScore({ mouth: new Array(60).fill(0.1), fps: FPS, envelope: envelope(6, 5), envelopeRate: RATE, maxLagSec: 0.2, searchSec: 0.6 });
    assert.equal(s?.score, 0);
  });

  it('fills short gaps in the mouth series and gives up when most frames have no mouth', () => {
    assert.deepEqual(fillGaps([null, 1, null, 3, 4, null]), [1, 1, 2, 3, 4, 4]);
    assert.equal(fillGaps([null, null, null, 1]), null);
  });
});
