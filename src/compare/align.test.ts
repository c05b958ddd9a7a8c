import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { alignByEyes } from './align.js';
import { getHuman, type Tf } from './human.js';

describe('eye alignment', () => {
  let tf: Tf;
  before(async () => {
    tf = (await getHuman()).tf;
  });

  /** A dark picture with two bright 3x3 "eyes" at the given centres. */
  function picture(w: number, h: number, eyes: Array<[number, number]>) {
    const px = new Float32Array(w * h * 3);
    for (const [ex, ey] of eyes) {
      for (let y = ey - 1; y <= ey + 1; y++) for (let x = ex - 1; x <= ex + 1; x++) px.fill(255, (y * w + x) * 3, (y * w + x) * 3 + 3);
    }
    return tf.tensor4d(px, [1, h, w, 3]);
  }

  async function brightestSpots(t: ReturnType<Tf['tensor4d']>): Promise<Array<[number, number]>> {
    const [, h, w] = t.shape;
    const data = await t.data();
    const spots: Array<[number, number, number]> = [];
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) spots.push([x, y, data[(y * w + x) * 3]]);
    // Centroid of the bright pixels on each half of the chip.
    const half = (left: boolean): [number, number] => {
      const pts = spots.filter(([x, , v]) => v > 100 && (left ? x < w / 2 : x >= w / 2));
      return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
    };
    return [half(true), half(false)];
  }

  it('puts tilted, off-centre eyes level at the chip geometry', async () => {
    // Eyes 60 px apart, rolled by 30 degrees, somewhere in a 300x200 picture.
    const a: [number, number] = [100, 120];
    const b: [number, number] = [Math.round(100 + 60 * Math.cos(Math.PI / 6)), Math.round(120 - 60 * Math.sin(Math.PI / 6))];
    const img = picture(300, 200, [a, b]);
    const chip = alignByEyes(tf, img, [{ x: b[0], y: b[1] }, { x: a[0], y: a[1] }], { size: 100, eyeDistance: 0.4, eyeY: 0.3 });
    const [left, right] = await brightestSpots(chip);
    img.dispose();
    chip.dispose();
    for (const [got, want] of [
      [left, [30, 30]],
      [right, [70, 30]],
    ] as const) {
      assert.ok(Math.abs(got[0] - want[0]) < 2 && Math.abs(got[1] - want[1]) < 2, `eye at ${got} instead of ${want}`);
    }
  });
});
