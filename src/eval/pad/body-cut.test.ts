import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RgbFrame } from '../../core/frames.js';
import { seededRandom } from '../../core/seeded-random.js';
import { bodyCut } from './body-cut.js';

const W = 240;
const H = 320;
// A face 80 px wide and 100 px high, centred at x 120, chin at y 160.
const mesh: Array<[number, number]> = [
  [80, 60],
  [160, 60],
  [80, 160],
  [160, 160],
];

/** A noisy mid-grey picture, then `shade` decides which pixels are dark. */
function picture(shade: (x: number, y: number) => boolean, seed = 1): RgbFrame {
  const rng = seededRandom(seed);
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = (shade(x, y) ? 40 : 160) + Math.round((rng() - 0.5) * 30);
      data.set([v, v, v], (y * W + x) * 3);
    }
  }
  return { width: W, height: H, data, t: 0 };
}

test('a straight edge across the body under the chin is found, level or tilted', () => {
  assert.ok(bodyCut(picture((_, y) => y > 250), mesh).below > 0.9);
  const tilt = Math.tan((12 * Math.PI) / 180);
  assert.ok(bodyCut(picture((x, y) => y > 250 + (x - 120) * tilt), mesh).below > 0.9);
});

test('texture, blobs and an edge above the head are not an edge under the chin', () => {
  assert.ok(bodyCut(picture(() => false), mesh).below < 0.3);
  const rng = seededRandom(7);
  const blobs = Array.from({ length: 40 }, () => [rng() * W, rng() * H, 5 + rng() * 15]);
  assert.ok(bodyCut(picture((x, y) => blobs.some(([bx, by, r]) => (x - bx) ** 2 + (y - by) ** 2 < r * r)), mesh).below < 0.6);
  assert.ok(bodyCut(picture((_, y) => y < 30), mesh).below < 0.3);
});

test('an edge that changes sense along its length (a background seen between shapes) is half an edge', () => {
  const cut = bodyCut(picture((x, y) => (x < 120 ? y > 250 : y < 250)), mesh);
  assert.ok(cut.below > 0.35 && cut.below < 0.65, `${cut.below}`);
});

test('a vertical edge running past the face from above the brow is found beside it', () => {
  assert.ok(bodyCut(picture((x) => x < 30), mesh).beside > 0.9);
  assert.ok(bodyCut(picture((x) => x < 30), mesh).below < 0.3);
  assert.ok(bodyCut(picture(() => false), mesh).beside < 0.3);
});
