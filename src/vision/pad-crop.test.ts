import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RgbFrame } from '../core/frames.js';
import { contextWindow, cropBgr, exposeFace, FACE_LUMA, faceLuma, meshBox, padCrops } from './pad-crop.js';

/** A 400x300 picture whose channels follow different formulas, so that any mix-up shows. */
function pattern(): RgbFrame {
  const width = 400;
  const height = 300;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 7 + y * 13) % 256;
      data[i + 1] = (x * 3 + y * 5 + 50) % 256;
      data[i + 2] = Math.floor((x * x + y * 11) / 3) % 256;
    }
  }
  return { width, height, data, t: 0 };
}

/** Sum of the planar output, a position-weighted checksum, and three values. */
function fingerprint(crop: Float32Array): number[] {
  let sum = 0;
  let weighted = 0;
  crop.forEach((v, i) => {
    sum += v;
    weighted += (v * i) % 9973;
  });
  return [sum, weighted, crop[0], crop[6400 + 40 * 80 + 41], crop[12800 + 79 * 80 + 79]];
}

describe('presentation-attack crops (upstream Silent-Face geometry, OpenCV resize)', () => {
  it('resizes exactly like cv2.resize INTER_LINEAR, as BGR planes', () => {
    // Expected values: cv2.resize(frame[top:bottom+1, left:right+1, ::-1], (80, 80)) with
    // OpenCV 4.6.0 (Debian python3-opencv) on the same pattern, then transposed to planes.
    const frame = pattern();
    const cases: Array<[[number, number, number, number], number[]]> = [
      [[10, 20, 182, 230], [2445425, 95457720, 113, 211, 153]],
      [[100, 100, 149, 139], [2462163, 95778844, 116, 65, 34]],
      // 160x160: OpenCV averages 2x2 blocks for an exact halving.
      [[30, 40, 189, 199], [2449568, 95445085, 202, 222, 60]],
      [[0, 0, 399, 299], [2441944, 95271311, 6, 148, 248]],
    ];
    for (const [[left, top, right, bottom], expected] of cases) {
      assert.deepEqual(fingerprint(cropBgr(frame, { left, top, right, bottom })), expected, `window ${left},${top}-${right},${bottom}`);
    }
  });

  it('enlarges the face box about its centre and keeps the window inside the picture', () => {
    const box = { x: 100, y: 80, width: 40, height: 50 };
    // Room enough: 2.7 x 40 = 108 wide around x = 120.
    assert.deepEqual(contextWindow(400, 300, box, 2.7), { left: 66, top: 37, right: 174, bottom: 172 });
    // Near the left edge the window slides right instead of leaving the picture.
    assert.deepEqual(contextWindow(400, 300, { ...box, x: 10 }, 2.7), { left: 0, top: 37, right: 108, bottom: 172 });
    // Too little room for 4.0 x 50 = 200 in a 150-high picture: the scale shrinks to fit.
    const tight = contextWindow(400, 150, box, 4);
    assert.equal(tight.top, 0);
    assert.equal(tight.bottom, 149);
  });

  it('derives the detector-like face box from the mesh extent', () => {
    const mesh = Array.from({ length: 468 }, (_, i): [number, number, number] => [100 + (i % 2) * 250, 50 + (i % 3) * 100, 0]);
    // Mesh 250 wide, 200 high, centred at (225, 150): box 285 x 202.8, centre moved down 6.8,
    // in whole pixels as upstream's detector gives them: int(left), int(top), int(w + 1), int(h + 1).
    assert.deepEqual(meshBox(mesh), { x: 82, y: 55, width: 286, height: 203 });
  });

  it('makes one 3x80x80 crop per model with its own context, stamped with the frame time', () => {
    const frame = { ...pattern(), t: 1.25 };
    const mesh = Array.from({ length: 468 }, (_, i): [number, number, number] => [180 + (i % 2) * 40, 120 + (i % 3) * 25, 0]);
    const c = padCrops(frame, mesh);
    assert.equal(c.t, 1.25);
    assert.equal(c.crops.v2.length, 3 * 80 * 80);
    assert.equal(c.crops.v1se.length, 3 * 80 * 80);
    assert.notDeepEqual(c.crops.v2, c.crops.v1se, 'the 4.0x crop sees more of the picture than the 2.7x one');
  });

  it('scales both crops together to one face exposure, darker faces up and brighter ones down', () => {
    const plane = 80 * 80;
    // A face region of one grey level inside a darker surround, in both crops.
    const crop = (face: number): Float32Array => {
      const c = new Float32Array(3 * plane).fill(face / 2);
      for (let y = 25; y < 55; y++) for (let x = 25; x < 55; x++) for (let ch = 0; ch < 3; ch++) c[ch * plane + y * 80 + x] = face;
      return c;
    };
    for (const face of [40, 144, 200]) {
      const out = exposeFace({ v2: crop(face), v1se: crop(face) });
      assert.ok(Math.abs(faceLuma(out) - FACE_LUMA) < 0.01, `face ${face} -> ${faceLuma(out)}`);
      assert.ok(Math.abs((out.v1se[0] as number) - FACE_LUMA / 2) < 0.01, 'the 4.0x crop gets the same gain, the surround keeps its ratio to the face');
    }
    const black = { v2: new Float32Array(3 * plane), v1se: new Float32Array(3 * plane) };
    assert.equal(exposeFace(black), black, 'a black face is left as it is');
    const bright = exposeFace({ v2: crop(20).map((v) => (v === 10 ? 250 : v)), v1se: crop(20) });
    assert.equal(Math.max(...bright.v2), 255, 'values stay within 0-255');
  });
});
