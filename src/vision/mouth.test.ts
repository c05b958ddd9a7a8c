import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lipHeight, mouthOpening, mouthShape } from './mouth.js';

/** A 468-point mesh with only the points the mouth measures placed: eyes 60 apart, a mouth below. */
function mesh(opts: { width: number; height: number; gap: number; scale?: number }): Array<[number, number]> {
  const k = opts.scale ?? 1;
  const m: Array<[number, number]> = Array.from({ length: 468 }, () => [0, 0]);
  const at = (i: number, x: number, y: number): void => {
    m[i] = [x * k, y * k];
  };
  at(33, -30, 0);
  at(263, 30, 0);
  at(61, -opts.width / 2, 60);
  at(291, opts.width / 2, 60);
  at(0, 0, 60 - opts.height / 2);
  at(17, 0, 60 + opts.height / 2);
  for (const [u, l, x] of [[82, 87, -5], [13, 14, 0], [312, 317, 5]] as const) {
    at(u, x, 60 - opts.gap / 2);
    at(l, x, 60 + opts.gap / 2);
  }
  return m;
}

test('mouth shape is width, height and inner gap over the eye distance, whatever the face size', () => {
  const near = mouthShape(mesh({ width: 36, height: 18, gap: 6, scale: 3 }));
  const far = mouthShape(mesh({ width: 36, height: 18, gap: 6 }));
  assert.ok(near && far);
  for (const k of ['width', 'height', 'gap'] as const) assert.ok(Math.abs(near[k] - far[k]) < 1e-9, k);
  assert.ok(Math.abs(far.width - 0.6) < 1e-9 && Math.abs(far.height - 0.3) < 1e-9 && Math.abs(far.gap - 0.1) < 1e-9, JSON.stringify(far));
});

test('a rounded mouth is narrower and closed lips have no gap, while the ratios to the mouth width stay as before', () => {
  const rounded = mouthShape(mesh({ width: 28, height: 18, gap: 6 }));
  const spread = mouthShape(mesh({ width: 40, height: 18, gap: 6 }));
  assert.ok(rounded && spread && rounded.width < spread.width);
  assert.equal(mouthShape(mesh({ width: 36, height: 12, gap: 0 }))?.gap, 0);
  const m = mesh({ width: 40, height: 20, gap: 8 });
  assert.ok(Math.abs((mouthOpening(m) ?? 0) - 0.2) < 1e-9 && Math.abs((lipHeight(m) ?? 0) - 0.5) < 1e-9);
});

test('no shape without a full mesh or with the eyes on one point', () => {
  assert.equal(mouthShape([[0, 0]]), null);
  const flat = mesh({ width: 36, height: 18, gap: 6 });
  flat[263] = flat[33];
  assert.equal(mouthShape(flat), null);
});
