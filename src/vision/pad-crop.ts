import type { RgbFrame } from '../core/frames.js';
import type { Box } from './image-stats.js';

/**
 * The crops the Silent-Face MiniFASNet models were trained on (minivision-ai/Silent-Face-
 * Anti-Spoofing, `CropImage` in src/generate_patches.py and `AntiSpoofPredict.predict`):
 * the detector's face box enlarged `scale` times about its centre (less when the picture is too
 * small), shifted back inside the picture, cut out inclusive of its last row and column, resized
 * to 80x80 by OpenCV's `cv2.resize` (bilinear, no anti-aliasing), as BGR float 0-255 without
 * normalisation. The models read screen edges, moire and paper borders from that context, so a
 * wrong crop ruins them silently: tools/pad-parity checks this file against OpenCV. One step is
 * this project's, not upstream's: `padCrops` scales each frame's two crops to one face exposure
 * (`exposeFace`), because the models score a dimly lit face as less live.
 */

export const PAD_INPUT = 80;

/**
 * The two Silent-Face models and the context each reads: the face box enlarged 2.7x
 * (MiniFASNetV2) and 4.0x (MiniFASNetV1SE). models/MODEL_CARD.md has their provenance.
 */
export const PAD_MODELS = [
  { name: 'v2', file: 'pad-minifasnet-v2-2.7.onnx', scale: 2.7 },
  { name: 'v1se', file: 'pad-minifasnet-v1se-4.0.onnx', scale: 4.0 },
] as const;

export type PadModelName = (typeof PAD_MODELS)[number]['name'];

/** The crops of one frame, one per model, planar BGR float (3 x 80 x 80). */
export interface PadCrop {
  t: number;
  /** Mean luma of the face in the 2.7x crop as cut, before both crops were scaled to FACE_LUMA. */
  faceLuma: number;
  crops: Record<PadModelName, Float32Array>;
}

/** A pixel window, inclusive of right and bottom as upstream's slicing `[top:bottom+1]`. */
export interface Window {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Upstream located faces with a RetinaFace (Caffe, WIDER FACE) detector that is not available
 * here; Human's mesh is. The box below turns the mesh's extent into that detector's box:
 * the same centre moved down by 3.4% of the mesh height, 1.14x the mesh width and 1.014x its
 * height: the mean ratios over the boxes upstream drew on its three sample photos
 * (image_*_result.jpg, measured to the pixel). Each of those boxes is within 8% (20 px) of
 * this one in width and height; docs/face.md has the figures and what the difference does to
 * the scores.
 */
const BOX_WIDTH = 1.14;
const BOX_HEIGHT = 1.014;
const BOX_SHIFT_DOWN = 0.034;

/** The smallest axis-aligned rectangle holding every mesh point. */
export function meshExtent(mesh: ReadonlyArray<readonly [number, number, number?]>): { x0: number; y0: number; x1: number; y1: number } {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of mesh) {
    x0 = Math.min(x0, p[0]);
    x1 = Math.max(x1, p[0]);
    y0 = Math.min(y0, p[1]);
    y1 = Math.max(y1, p[1]);
  }
  return { x0, y0, x1, y1 };
}

export function meshBox(mesh: ReadonlyArray<readonly [number, number, number?]>): Box {
  const { x0, y0, x1, y1 } = meshExtent(mesh);
  const w = x1 - x0;
  const h = y1 - y0;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2 + BOX_SHIFT_DOWN * h;
  const width = BOX_WIDTH * w;
  const height = BOX_HEIGHT * h;
  // Upstream boxes are whole pixels: [int(left), int(top), int(right-left+1), int(bottom-top+1)].
  return { x: Math.trunc(cx - width / 2), y: Math.trunc(cy - height / 2), width: Math.trunc(width + 1), height: Math.trunc(height + 1) };
}

/** Upstream `_get_new_box`: the box scaled about its centre, clamped to fit, pushed inside. */
export function contextWindow(srcW: number, srcH: number, box: Box, scale: number): Window {
  const s = Math.min((srcH - 1) / box.height, (srcW - 1) / box.width, scale);
  const w = box.width * s;
  const h = box.height * s;
  const cx = box.width / 2 + box.x;
  const cy = box.height / 2 + box.y;
  let left = cx - w / 2;
  let top = cy - h / 2;
  let right = cx + w / 2;
  let bottom = cy + h / 2;
  if (left < 0) {
    right -= left;
    left = 0;
  }
  if (top < 0) {
    bottom -= top;
    top = 0;
  }
  if (right > srcW - 1) {
    left -= right - srcW + 1;
    right = srcW - 1;
  }
  if (bottom > srcH - 1) {
    top -= bottom - srcH + 1;
    bottom = srcH - 1;
  }
  return { left: Math.trunc(left), top: Math.trunc(top), right: Math.trunc(right), bottom: Math.trunc(bottom) };
}

/**
 * OpenCV's fixed-point bilinear coefficients (11 bits) and first source index per output
 * pixel. Along x a tap outside the source is folded onto the edge pixel with weight 0; along y
 * OpenCV keeps the weights and clamps the rows, which rounds differently at the edges.
 */
function taps(src: number, dst: number, foldEdges: boolean): { index: Int32Array; alpha: Int16Array } {
  const scale = src / dst;
  const index = new Int32Array(dst);
  const alpha = new Int16Array(dst * 2);
  for (let d = 0; d < dst; d++) {
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f -= s;
    if (foldEdges && s < 0) {
      f = 0;
      s = 0;
    }
    if (foldEdges && s >= src - 1) {
      f = 0;
      s = src - 1;
    }
    index[d] = s;
    alpha[2 * d] = Math.round((1 - f) * 2048);
    alpha[2 * d + 1] = Math.round(f * 2048);
  }
  return { index, alpha };
}

/** High 16 bits of a signed 16x16 product (SSE2 `pmulhw`), as OpenCV's vertical pass uses. */
const mulhi = (a: number, b: number): number => (a * b) >> 16;
const sat16 = (v: number): number => Math.max(-32768, Math.min(32767, v));

/**
 * The window of `frame` resized to size x size like `cv2.resize(img, (size, size))` with
 * INTER_LINEAR on 8-bit BGR, returned as planar BGR float32 (3 x size x size), 0-255.
 */
export function cropBgr(frame: RgbFrame, win: Window, size = PAD_INPUT): Float32Array {
  const sw = win.right - win.left + 1;
  const sh = win.bottom - win.top + 1;
  const out = new Float32Array(3 * size * size);
  const plane = size * size;
  const at = (x: number, y: number, c: number): number => frame.data[((win.top + y) * frame.width + win.left + x) * 3 + c];
  if (sw === 2 * size && sh === 2 * size) {
    // OpenCV switches an exact halving to INTER_AREA: the rounded mean of each 2x2 block.
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          const sum = at(2 * x, 2 * y, c) + at(2 * x + 1, 2 * y, c) + at(2 * x, 2 * y + 1, c) + at(2 * x + 1, 2 * y + 1, c);
          out[(2 - c) * plane + y * size + x] = (sum + 2) >> 2;
        }
      }
    }
    return out;
  }
  const hx = taps(sw, size, true);
  const vy = taps(sh, size, false);
  const clampRow = (y: number): number => Math.min(sh - 1, Math.max(0, y));
  // Byte offsets of the two source pixels of each output column, relative to a row start.
  const left = new Int32Array(size);
  const right = new Int32Array(size);
  for (let x = 0; x < size; x++) {
    left[x] = (win.left + hx.index[x]) * 3;
    right[x] = (win.left + Math.min(hx.index[x] + 1, sw - 1)) * 3;
  }
  const d = frame.data;
  const r0 = new Int32Array(size * 3);
  const r1 = new Int32Array(size * 3);
  // Horizontal pass into 32-bit rows (value x 2048), then the vertical pass with OpenCV's
  // SIMD rounding: each row >> 4, multiplied by its 11-bit weight keeping the high 16 bits,
  // summed, + 2, >> 2.
  const row = (y: number, into: Int32Array): void => {
    const base = (win.top + y) * frame.width * 3;
    for (let x = 0; x < size; x++) {
      const a0 = hx.alpha[2 * x];
      const a1 = hx.alpha[2 * x + 1];
      const l = base + left[x];
      const r = base + right[x];
      into[x * 3] = d[l] * a0 + d[r] * a1;
      into[x * 3 + 1] = d[l + 1] * a0 + d[r + 1] * a1;
      into[x * 3 + 2] = d[l + 2] * a0 + d[r + 2] * a1;
    }
  };
  for (let y = 0; y < size; y++) {
    const sy = vy.index[y];
    row(clampRow(sy), r0);
    row(clampRow(sy + 1), r1);
    const b0 = vy.alpha[2 * y];
    const b1 = vy.alpha[2 * y + 1];
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        const i = x * 3 + c;
        const v = (mulhi(sat16(r0[i] >> 4), b0) + mulhi(sat16(r1[i] >> 4), b1) + 2) >> 2;
        out[(2 - c) * plane + y * size + x] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return out;
}

/**
 * The face exposure every crop pair is brought to: the median over the 11 genuine clips of their
 * median face luma (144.2, src/eval/pad/face-luma-study.ts). The models score a dim face as less
 * live (an honest clip dimmed to the capture page's "too dark" limit fell from 0.919 to 0.765), so
 * each frame is scaled as an auto-exposed camera would have given it. docs/decisions.md, "Every
 * presentation crop at one face exposure".
 */
export const FACE_LUMA = 144;

/** Mean luma (0-255) of the face box's part of the 2.7x crop: its central 1/2.7 when not clamped. */
export function faceLuma(crops: PadCrop['crops']): number {
  const crop = crops.v2;
  const side = Math.round(PAD_INPUT / PAD_MODELS[0].scale);
  const from = Math.floor((PAD_INPUT - side) / 2);
  const plane = PAD_INPUT * PAD_INPUT;
  let sum = 0;
  for (let y = from; y < from + side; y++) {
    for (let x = from; x < from + side; x++) {
      const i = y * PAD_INPUT + x;
      sum += 0.114 * (crop[i] as number) + 0.587 * (crop[plane + i] as number) + 0.299 * (crop[2 * plane + i] as number);
    }
  }
  return sum / (side * side);
}

/** Both crops scaled together so that the face's luma is FACE_LUMA (a black face is left as it is). */
export function exposeFace(crops: PadCrop['crops'], luma = faceLuma(crops)): PadCrop['crops'] {
  if (luma <= 1) return crops;
  const gain = FACE_LUMA / luma;
  const scale = (c: Float32Array): Float32Array => {
    const out = new Float32Array(c.length);
    for (let i = 0; i < c.length; i++) out[i] = Math.min(255, (c[i] as number) * gain);
    return out;
  };
  return { v2: scale(crops.v2), v1se: scale(crops.v1se) };
}

/** Both models' crops of the face whose mesh is given. */
export function padCrops(frame: RgbFrame, mesh: ReadonlyArray<readonly [number, number, number?]>): PadCrop {
  const box = meshBox(mesh);
  const crop = (scale: number): Float32Array => cropBgr(frame, contextWindow(frame.width, frame.height, box, scale));
  const cut = { v2: crop(PAD_MODELS[0].scale), v1se: crop(PAD_MODELS[1].scale) };
  const luma = faceLuma(cut);
  return { t: frame.t, faceLuma: luma, crops: exposeFace(cut, luma) };
}
