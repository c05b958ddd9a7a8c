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

/** Source columns or rows of a bilinear resample: first and second index (times `stride`) and weight of the second. */
interface Taps {
  i0: Int32Array;
  i1: Int32Array;
  f: Float64Array;
  /** False where the sample falls outside the source (cropAndResize's extrapolation). */
  inside: Uint8Array;
}

/** `clamp`: resizeBilinear's rule (the second index stops at the edge); else cropAndResize's (outside is extrapolated). */
function taps(n: number, at: (i: number) => number, limit: number, stride: number, clamp: boolean): Taps {
  const t: Taps = { i0: new Int32Array(n), i1: new Int32Array(n), f: new Float64Array(n), inside: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const v = at(i);
    if (!clamp && (v < 0 || v > limit)) continue;
    const lo = Math.floor(v);
    t.i0[i] = lo * stride;
    t.i1[i] = Math.min(limit, Math.ceil(v)) * stride;
    t.f[i] = v - lo;
    t.inside[i] = 1;
  }
  return t;
}

/** Bilinear samples at the given taps; a row or column outside the source gets `offset` (the extrapolated 0). */
function sample(data: Uint8Array | Float32Array, rows: Taps, cols: Taps, norm: Normalise, out: Float32Array): Float32Array {
  const { scale, offset } = norm;
  const { i0: ci0, i1: ci1, f: cf, inside: cin } = cols;
  const { i0: ri0, i1: ri1, f: rf, inside: rin } = rows;
  const width = cf.length;
  const height = rf.length;
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    if (!rin[y]) {
      out.fill(offset, row, row + width * 3);
      continue;
    }
    const r0 = ri0[y] as number;
    const r1 = ri1[y] as number;
    const fy = rf[y] as number;
    for (let x = 0; x < width; x++) {
      const o = row + x * 3;
      if (!cin[x]) {
        out[o] = out[o + 1] = out[o + 2] = offset;
        continue;
      }
      const fx = cf[x] as number;
      // The three channels written out: the same arithmetic, in the same order, as a loop over them.
      const a0 = r0 + (ci0[x] as number);
      const a1 = r0 + (ci1[x] as number);
      const b0 = r1 + (ci0[x] as number);
      const b1 = r1 + (ci1[x] as number);
      let tl = data[a0] as number;
      let bl = data[b0] as number;
      let top = tl + ((data[a1] as number) - tl) * fx;
      let bottom = bl + ((data[b1] as number) - bl) * fx;
      out[o] = (top + (bottom - top) * fy) * scale + offset;
      tl = data[a0 + 1] as number;
      bl = data[b0 + 1] as number;
      top = tl + ((data[a1 + 1] as number) - tl) * fx;
      bottom = bl + ((data[b1 + 1] as number) - bl) * fx;
      out[o + 1] = (top + (bottom - top) * fy) * scale + offset;
      tl = data[a0 + 2] as number;
      bl = data[b0 + 2] as number;
      top = tl + ((data[a1 + 2] as number) - tl) * fx;
      bottom = bl + ((data[b1 + 2] as number) - bl) * fx;
      out[o + 2] = (top + (bottom - top) * fy) * scale + offset;
    }
  }
  return out;
}

/** tf.image.resizeBilinear(frame, [size, size]) (alignCorners and halfPixelCenters off). */
export function resizeBilinear(frame: RgbFrame | Planar, outW: number, outH: number, norm: Normalise = { scale: 1, offset: 0 }, out: Float32Array = new Float32Array(outW * outH * 3)): Float32Array {
  const { width: w, height: h } = frame;
  const ry = h / outH;
  const rx = w / outW;
  const rows = taps(outH, (y) => y * ry, h - 1, w * 3, true);
  const cols = taps(outW, (x) => x * rx, w - 1, 3, true);
  return sample(frame.data, rows, cols, norm, out);
}

/**
 * tf.image.cropAndResize(frame, [[y1/h, x1/w, y2/h, x2/w]], [0], [size, size]): a box in
 * pixel coordinates (it may reach outside the frame: those pixels are 0) resampled to a square.
 */
export function cropAndResize(frame: RgbFrame, box: { x1: number; y1: number; x2: number; y2: number }, size: number, norm: Normalise, out: Float32Array = new Float32Array(size * size * 3)): Float32Array {
  const { width: w, height: h } = frame;
  const ny1 = box.y1 / h;
  const nx1 = box.x1 / w;
  const hs = ((box.y2 / h - ny1) * (h - 1)) / (size - 1);
  const ws = ((box.x2 / w - nx1) * (w - 1)) / (size - 1);
  const rows = taps(size, (y) => ny1 * (h - 1) + y * hs, h - 1, w * 3, false);
  const cols = taps(size, (x) => nx1 * (w - 1) + x * ws, w - 1, 3, false);
  return sample(frame.data, rows, cols, norm, out);
}
