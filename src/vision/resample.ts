import type { RgbFrame } from '../core/frames.js';

/**
 * Model inputs cut from a decoded frame, computed exactly as the tfjs kernels Human used
 * (`tf.image.resizeBilinear` without corner alignment, `tf.image.cropAndResize` bilinear with
 * extrapolation 0), so the ONNX models see the values the tfjs models saw. Output: NHWC
 * float32, each value `v * scale + offset` (v in 0..255).
 */

export interface Normalise {
  scale: number;
  offset: number;
}

/** A plane of NHWC float pixels, as the models take them. */
export interface Planar {
  width: number;
  height: number;
  data: Float32Array;
}

/** tf.image.resizeBilinear(frame, [size, size]) (alignCorners and halfPixelCenters off). */
export function resizeBilinear(frame: RgbFrame | Planar, outW: number, outH: number, norm: Normalise = { scale: 1, offset: 0 }, out: Float32Array = new Float32Array(outW * outH * 3)): Float32Array {
  const { width: w, height: h, data } = frame;
  const ry = h / outH;
  const rx = w / outW;
  for (let y = 0; y < outH; y++) {
    const sy = y * ry;
    const y0 = Math.floor(sy);
    const y1 = Math.min(h - 1, Math.ceil(sy));
    const fy = sy - y0;
    for (let x = 0; x < outW; x++) {
      const sx = x * rx;
      const x0 = Math.floor(sx);
      const x1 = Math.min(w - 1, Math.ceil(sx));
      const fx = sx - x0;
      const a = (y0 * w + x0) * 3;
      const b = (y0 * w + x1) * 3;
      const c = (y1 * w + x0) * 3;
      const d = (y1 * w + x1) * 3;
      const o = (y * outW + x) * 3;
      for (let k = 0; k < 3; k++) {
        const top = data[a + k] + (data[b + k] - data[a + k]) * fx;
        const bottom = data[c + k] + (data[d + k] - data[c + k]) * fx;
        out[o + k] = (top + (bottom - top) * fy) * norm.scale + norm.offset;
      }
    }
  }
  return out;
}

/**
 * tf.image.cropAndResize(frame, [[y1/h, x1/w, y2/h, x2/w]], [0], [size, size]): a box in
 * pixel coordinates (it may reach outside the frame: those pixels are 0) resampled to a square.
 */
export function cropAndResize(frame: RgbFrame, box: { x1: number; y1: number; x2: number; y2: number }, size: number, norm: Normalise, out: Float32Array = new Float32Array(size * size * 3)): Float32Array {
  const { width: w, height: h, data } = frame;
  const ny1 = box.y1 / h;
  const ny2 = box.y2 / h;
  const nx1 = box.x1 / w;
  const nx2 = box.x2 / w;
  const hs = ((ny2 - ny1) * (h - 1)) / (size - 1);
  const ws = ((nx2 - nx1) * (w - 1)) / (size - 1);
  const outside = norm.offset;
  for (let y = 0; y < size; y++) {
    const sy = ny1 * (h - 1) + y * hs;
    const row = y * size * 3;
    if (sy < 0 || sy > h - 1) {
      out.fill(outside, row, row + size * 3);
      continue;
    }
    const y0 = Math.floor(sy);
    const y1 = Math.ceil(sy);
    const fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = nx1 * (w - 1) + x * ws;
      const o = row + x * 3;
      if (sx < 0 || sx > w - 1) {
        out[o] = out[o + 1] = out[o + 2] = outside;
        continue;
      }
      const x0 = Math.floor(sx);
      const x1 = Math.ceil(sx);
      const fx = sx - x0;
      const a = (y0 * w + x0) * 3;
      const b = (y0 * w + x1) * 3;
      const c = (y1 * w + x0) * 3;
      const d = (y1 * w + x1) * 3;
      for (let k = 0; k < 3; k++) {
        const top = data[a + k] + (data[b + k] - data[a + k]) * fx;
        const bottom = data[c + k] + (data[d + k] - data[c + k]) * fx;
        out[o + k] = (top + (bottom - top) * fy) * norm.scale + norm.offset;
      }
    }
  }
  return out;
}
