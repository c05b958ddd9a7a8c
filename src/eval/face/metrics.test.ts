import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distribution, normalUpperQuantile, quantile, tarAtFar } from './metrics.js';

describe('verification metrics', () => {
  it('gives the standard normal upper quantiles used for the sim calibration', () => {
    for (const [p, z] of [
      [0.05, 1.644854],
      [0.01, 2.326348],
      [1e-3, 3.090232],
      [1e-4, 3.719016],
    ]) {
      assert.ok(Math.abs(normalUpperQuantile(p) - z) < 1e-5, `p=${p}: ${normalUpperQuantile(p)}`);
    }
  });

  it('sets the threshold so that at most the allowed share of impostors passes', () => {
    const impostor = Array.from({ length: 100 }, (_, i) => i / 100);
    const genuine = [0.5, 0.975, 0.985, 0.995];
    const r = tarAtFar(genuine, impostor, 0.02);
    assert.ok(r.far <= 0.02);
    // Two impostors (0.98, 0.99) may pass: the threshold sits just above the third, 0.97.
    assert.ok(r.threshold > 0.97 && r.threshold < 0.971);
    assert.equal(r.far, 0.02);
    assert.equal(r.tar, 0.75);
  });

  it('asks for more than every impostor when the rate is below 1/n', () => {
    const r = tarAtFar([0.9, 0.99], [0.1, 0.95], 0.001);
    assert.equal(r.far, 0);
    assert.equal(r.tar, 0.5);
  });

  it('summarises a score distribution', () => {
    const d = distribution([3, 1, 2, 5, 4]);
    assert.deepEqual([d.min, d.median, d.max, d.mean], [1, 3, 5, 3]);
    assert.equal(quantile([0, 10], 0.25), 2.5);
  });
});
