import type { RgbFrame } from '../../core/frames.js';
import { meshExtent } from '../../vision/pad-crop.js';

/**
 * A straight edge across the place where the person's body must be: a bezel or paper-edge cue
 * measured for issue 13 and not adopted (docs/decisions.md, "No bezel or paper-edge cue"); body-cut-study.ts
 * runs it over the evaluation's clips and the honest photos.
 *
 * A live face has its neck and shoulders below it, in front of everything behind it, so no
 * background line runs unbroken through the region under the chin, and none runs unbroken from
 * above the head down past the chin close beside the face (the head and the shoulders cover it).
 * A face on a screen or on paper ends where the device or the sheet ends: its bottom edge
 * crosses the shown torso, and its side edges run past the face from top to bottom. This finds
 * the longest such edge: straight, within 25 degrees of horizontal (under the chin) or of
 * vertical (beside the face), with the same light-to-dark sense along its whole length.
 */

export interface BodyCut {
  /** Share (0-1) of the best line under the chin, across 2.4 face widths, that is one edge. */
  below: number;
  /** The same for the best line beside the face, from above the brow to under the chin. */
  beside: number;
}

/** Gradient (0-255 luma per pixel, after a 3x3 blur) an edge sample needs. */
const MIN_GRADIENT = 6;
const ANGLES = Array.from({ length: 26 }, (_, i) => ((i - 12.5) * 2 * Math.PI) / 180);

interface Gradients {
  width: number;
  height: number;
  gx: Float32Array;
  gy: Float32Array;
  /** Frame pixels per gradient pixel. */
  scale: number;
}

/** Luma at half size (2x2 means) when the frame is large, blurred 3x3, then Sobel / 4. */
function gradients(frame: RgbFrame): Gradients {
  const scale = Math.max(frame.width, frame.height) > 320 ? 2 : 1;
  const width = Math.floor(frame.width / scale);
  const height = Math.floor(frame.height / scale);
  const luma = new Float32Array(width * height);
  const { data } = frame;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let dy = 0; dy < scale; dy++) {
        let i = ((y * scale + dy) * frame.width + x * scale) * 3;
        for (let dx = 0; dx < scale; dx++, i += 3) s += 0.299 * (data[i] as number) + 0.587 * (data[i + 1] as number) + 0.114 * (data[i + 2] as number);
      }
      luma[y * width + x] = s / (scale * scale);
    }
  }
  const soft = new Float32Array(width * height);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const k = y * width + x;
      soft[k] =
        (luma[k - width - 1] + luma[k - width] + luma[k - width + 1] + luma[k - 1] + luma[k] + luma[k + 1] + luma[k + width - 1] + luma[k + width] + luma[k + width + 1]) / 9;
    }
  }
  const gx = new Float32Array(width * height);
  const gy = new Float32Array(width * height);
  for (let y = 2; y < height - 2; y++) {
    for (let x = 2; x < width - 2; x++) {
      const k = y * width + x;
      gx[k] = (soft[k - width + 1] + 2 * soft[k + 1] + soft[k + width + 1] - soft[k - width - 1] - 2 * soft[k - 1] - soft[k + width - 1]) / 4;
      gy[k] = (soft[k + width - 1] + 2 * soft[k + width] + soft[k + width + 1] - soft[k - width - 1] - 2 * soft[k - width] - soft[k - width + 1]) / 4;
    }
  }
  return { width, height, gx, gy, scale };
}

/**
 * Share of samples along a line that sit on one edge: the gradient across the line strong, at
 * most half as much along it, and of the same sign as most of the others. The line passes
 * through (px, py) at `angle` from its axis (horizontal: x runs from a to b; vertical: y does),
 * and each sample may sit one pixel off the line.
 */
function support(g: Gradients, vertical: boolean, px: number, py: number, angle: number, a: number, b: number): number {
  const t = Math.tan(angle);
  // Unit normal of the line, in image axes.
  const len = Math.hypot(1, t);
  const [nx, ny] = vertical ? [1 / len, -t / len] : [-t / len, 1 / len];
  let plus = 0;
  let minus = 0;
  let n = 0;
  for (let s = a; s <= b; s++, n++) {
    const x0 = vertical ? Math.round(px + (s - py) * t) : s;
    const y0 = vertical ? s : Math.round(py + (s - px) * t);
    let best = 0;
    for (let d = -1; d <= 1; d++) {
      const x = vertical ? x0 + d : x0;
      const y = vertical ? y0 : y0 + d;
      if (x < 2 || y < 2 || x >= g.width - 2 || y >= g.height - 2) continue;
      const k = y * g.width + x;
      const across = g.gx[k] * nx + g.gy[k] * ny;
      const along = Math.abs(g.gx[k] * ny - g.gy[k] * nx);
      if (Math.abs(across) >= MIN_GRADIENT && along <= 0.5 * Math.abs(across) && Math.abs(across) > Math.abs(best)) best = across;
    }
    if (best > 0) plus++;
    else if (best < 0) minus++;
  }
  return n === 0 ? 0 : Math.max(plus, minus) / n;
}

/**
 * The strongest straight edge under the chin and beside the face (BodyCut), from the face
 * mesh's extent (its width is the face oval's, its bottom the chin); 0 where the picture has no
 * room for one.
 */
export function bodyCut(frame: RgbFrame, mesh: ReadonlyArray<readonly [number, number, number?]>): BodyCut {
  const g = gradients(frame);
  const { x0, y0, x1, y1 } = meshExtent(mesh);
  const fw = (x1 - x0) / g.scale;
  const fh = (y1 - y0) / g.scale;
  const cx = (x0 + x1) / 2 / g.scale;
  const top = y0 / g.scale;
  const chin = y1 / g.scale;
  let below = 0;
  const xa = Math.max(2, Math.round(cx - 1.2 * fw));
  const xb = Math.min(g.width - 3, Math.round(cx + 1.2 * fw));
  if (xb - xa >= 1.6 * fw) {
    for (let y = Math.round(chin + 0.15 * fh); y < g.height - 2; y++) {
      for (const angle of ANGLES) below = Math.max(below, support(g, false, cx, y, angle, xa, xb));
    }
  }
  let beside = 0;
  const ya = Math.max(2, Math.round(top - 0.3 * fh));
  const yb = Math.min(g.height - 3, Math.round(chin + 0.6 * fh));
  if (yb - ya >= 1.4 * fh) {
    for (const side of [-1, 1]) {
      for (let d = Math.round(0.7 * fw); d <= Math.round(1.3 * fw); d++) {
        const x = Math.round(cx + side * d);
        if (x < 2 || x >= g.width - 2) continue;
        for (const angle of ANGLES) beside = Math.max(beside, support(g, true, x, (top + chin) / 2, angle, ya, yb));
      }
    }
  }
  return { below, beside };
}
