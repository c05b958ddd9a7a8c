import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RgbFrame } from '../core/frames.js';
import { regionStats } from './image-stats.js';
import { cropAndResize, resizeBilinear } from './resample.js';

/**
 * The model-input resamplers and the face-box statistics are written for speed (taps computed
 * once, channels unrolled); these tests hold them to the plain per-pixel definitions, value for
 * value, on random frames and boxes that reach past the frame's edges.
 */

let seed = 11;
const rnd = (): number => {
  seed = (seed * 48271) % 2147483647;
  return seed / 2147483647;
};

function randomFrame(width: number, height: number): RgbFrame {
  return { width, height, t: 0, data: Uint8Array.from({ length: width * height * 3 }, () => Math.floor(rnd() * 256)) };
}

/** Bilinear value of channel k at (y, x); `clamp` keeps the second index inside (resizeBilinear), else outside is `outside`. */
function bilinear(f: RgbFrame, y: number, x: number, k: number, clamp: boolean): number | null {
  if (!clamp && (y < 0 || y > f.height - 1 || x < 0 || x > f.width - 1)) return null;
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const y1 = Math.min(f.height - 1, Math.ceil(y));
  const x1 = Math.min(f.width - 1, Math.ceil(x));
  const px = (yy: number, xx: number): number => f.data[(yy * f.width + xx) * 3 + k] as number;
  const top = px(y0, x0) + (px(y0, x1) - px(y0, x0)) * (x - x0);
  const bottom = px(y1, x0) + (px(y1, x1) - px(y1, x0)) * (x - x0);
  return top + (bottom - top) * (y - y0);
}

describe('model inputs and face-box statistics', () => {
  it('resizes as tf.image.resizeBilinear does (no corner alignment), value for value', () => {
    for (let c = 0; c < 6; c++) {
      const f = randomFrame(40 + Math.floor(rnd() * 300), 30 + Math.floor(rnd() * 200));
      const out = resizeBilinear(f, 64, 48, { scale: 1 / 127.5, offset: -1 });
      for (let y = 0; y < 48; y++) {
        for (let x = 0; x < 64; x++) {
          for (let k = 0; k < 3; k++) {
            const v = bilinear(f, y * (f.height / 48), x * (f.width / 64), k, true) as number;
            assert.equal(out[(y * 64 + x) * 3 + k], Math.fround(v * (1 / 127.5) - 1), `case ${c} (${x}, ${y}) channel ${k}`);
          }
        }
      }
    }
  });

  it('crops and resizes as tf.image.cropAndResize does, zero outside the frame, value for value', () => {
    for (let c = 0; c < 8; c++) {
      const f = randomFrame(60 + Math.floor(rnd() * 300), 50 + Math.floor(rnd() * 200));
      const x1 = rnd() * f.width - 30;
      const y1 = rnd() * f.height - 30;
      const box = { x1, y1, x2: x1 + 20 + rnd() * f.width, y2: y1 + 20 + rnd() * f.height };
      const size = 32;
      const out = cropAndResize(f, box, size, { scale: 1 / 255, offset: 0 });
      const hs = ((box.y2 / f.height - box.y1 / f.height) * (f.height - 1)) / (size - 1);
      const ws = ((box.x2 / f.width - box.x1 / f.width) * (f.width - 1)) / (size - 1);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          for (let k = 0; k < 3; k++) {
            const v = bilinear(f, (box.y1 / f.height) * (f.height - 1) + y * hs, (box.x1 / f.width) * (f.width - 1) + x * ws, k, false);
            assert.equal(out[(y * size + x) * 3 + k], v === null ? 0 : Math.fround(v * (1 / 255)), `case ${c} (${x}, ${y}) channel ${k}`);
          }
        }
      }
    }
  });

  it('measures sharpness and brightness of a box as the luma Laplacian over every sampled pixel', () => {
    for (let c = 0; c < 6; c++) {
      const f = randomFrame(80 + Math.floor(rnd() * 500), 60 + Math.floor(rnd() * 300));
      const box = { x: rnd() * f.width - 10, y: rnd() * f.height - 10, width: 10 + rnd() * f.width, height: 10 + rnd() * f.height };
      const x0 = Math.max(1, Math.floor(box.x));
      const y0 = Math.max(1, Math.floor(box.y));
      const xe = Math.min(f.width - 2, Math.ceil(box.x + box.width));
      const ye = Math.min(f.height - 2, Math.ceil(box.y + box.height));
      const got = regionStats(f, box);
      if (xe <= x0 || ye <= y0) {
        assert.deepEqual(got, { sharpness: 0, brightness: 0 });
        continue;
      }
      const luma = (x: number, y: number): number => {
        const i = (y * f.width + x) * 3;
        return 0.299 * (f.data[i] as number) + 0.587 * (f.data[i + 1] as number) + 0.114 * (f.data[i + 2] as number);
      };
      const step = Math.max(1, Math.floor((xe - x0) / 128));
      let sum = 0;
      let lapSum = 0;
      let lapSq = 0;
      let n = 0;
      for (let y = y0; y <= ye; y += step) {
        for (let x = x0; x <= xe; x += step) {
          const lap = luma(x - 1, y) + luma(x + 1, y) + luma(x, y - 1) + luma(x, y + 1) - 4 * luma(x, y);
          sum += luma(x, y);
          lapSum += lap;
          lapSq += lap * lap;
          n++;
        }
      }
      assert.equal(got.brightness, sum / n / 255, `case ${c} brightness`);
      assert.equal(got.sharpness, lapSq / n - (lapSum / n) ** 2, `case ${c} sharpness`);
    }
  });
});
