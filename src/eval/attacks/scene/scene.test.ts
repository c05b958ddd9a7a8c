import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RgbFrame } from '../../../core/frames.js';
import { printSampler, screenSampler, type PrintLook, type ScreenLook } from './instruments.js';
import { drawSheet, picture } from './raster.js';

const white: RgbFrame = { width: 4, height: 4, data: new Uint8Array(48).fill(255), t: 0 };

const screen: ScreenLook = {
  panel: { x0: 0.1, y0: 0.1, x1: 0.9, y1: 0.9 },
  pixelsAcross: 100,
  cornerRadius: 0,
  bezel: 0.1,
  gamma: 1,
  blackLevel: 0,
  tint: [1, 1, 1],
  brightness: 1,
  glare: { u: 0.5, v: 0.5, radius: 0.1, strength: 0 },
  banding: { depth: 0, bands: 1 },
  fingers: [],
};

describe('simulated attack scenes', () => {
  it('projects a sheet with the pinhole camera: a 10 cm sheet at 50 cm spans focal/5 pixels', () => {
    const target = picture(200, 200);
    drawSheet(target, { widthCm: 10, heightCm: 10, bendCm: null }, { yaw: 0, pitch: 0, roll: 0, x: 0, y: 0, z: 50 }, { width: 200, height: 200, focal: 400 }, (_u, _v, _s, _du, _dv, out) => {
      out.fill(1);
      return 1;
    });
    const row = Array.from({ length: 200 }, (_, x) => target.data[(100 * 200 + x) * 3]);
    const covered = row.filter((v) => v > 0.5).length;
    assert.ok(Math.abs(covered - 80) <= 1, `covered ${covered} px`);
    assert.equal(target.data[0], 0, 'the background stays where the sheet is not');
  });

  it('averages the display subpixels away over a wide footprint and leaves a beat over a narrow one', () => {
    const sample = screenSampler(screen, 1, () => white, () => 0);
    const out = new Float32Array(3);
    // du is the footprint in texture units: 0.2 spans 25 display pixels of the 0.8-wide panel.
    const wide = Array.from({ length: 40 }, (_, i) => (sample(0.3 + i * 0.0013, 0.5, 1, 0.2, 0.2, out), out[1]));
    for (const g of wide) assert.ok(Math.abs(g - 1) < 0.05, `wide footprint ${g}`);
    // About 1.3 display pixels per footprint: the green stripe's share swings from pixel to pixel.
    const narrow = Array.from({ length: 40 }, (_, i) => (sample(0.3 + i * 0.0013, 0.5, 1, 0.007, 0.007, out), out[1]));
    assert.ok(Math.max(...narrow) - Math.min(...narrow) > 0.3, `narrow footprint ${Math.min(...narrow)}-${Math.max(...narrow)}`);
  });

  it('draws the bezel outside the panel and lets the room through beyond the rounded corners', () => {
    const out = new Float32Array(3);
    const sample = screenSampler({ ...screen, cornerRadius: 0.1 }, 1, () => white, () => 0);
    assert.equal(sample(0.001, 0.001, 1, 0.01, 0.01, out), 0, 'corner cut away');
    assert.equal(sample(0.05, 0.5, 1, 0.01, 0.01, out), 1);
    assert.ok(out[0] < 0.2, `bezel ${out[0]}`);
  });

  it('prints the picture inside a paper margin with lower contrast than the original', () => {
    const look: PrintLook = {
      image: { x0: 0.2, y0: 0.2, x1: 0.8, y1: 0.8 },
      paper: [0.95, 0.93, 0.9],
      gamma: 1,
      dMin: 0.1,
      saturation: 1,
      grain: 0,
      grainCell: 0.01,
      ambient: 1,
      gloss: { u: 0.5, v: 0.5, radius: 0.1, strength: 0 },
      fingers: [],
    };
    const black: RgbFrame = { width: 4, height: 4, data: new Uint8Array(48), t: 0 };
    const sample = printSampler(look, 1, black, 1);
    const out = new Float32Array(3);
    sample(0.1, 0.5, 1, 0.01, 0.01, out);
    assert.ok(Math.abs(out[0] - 0.95) < 1e-6, `margin ${out[0]}`);
    sample(0.5, 0.5, 1, 0.01, 0.01, out);
    assert.ok(Math.abs(out[0] - 0.95 * 0.1) < 1e-6, `black ink ${out[0]}`);
  });
});
