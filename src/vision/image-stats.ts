import type { RgbFrame } from '../core/frames.js';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RegionStats {
  /** Variance of the 4-neighbour Laplacian of luma: higher is sharper. */
  sharpness: number;
  /** Mean luma in [0, 1]. */
  brightness: number;
}

/** Sharpness and brightness of a region, on luma sampled at most ~128 px across. */
export function regionStats(frame: RgbFrame, box: Box): RegionStats {
  const x0 = Math.max(1, Math.floor(box.x));
  const y0 = Math.max(1, Math.floor(box.y));
  const x1 = Math.min(frame.width - 2, Math.ceil(box.x + box.width));
  const y1 = Math.min(frame.height - 2, Math.ceil(box.y + box.height));
  if (x1 <= x0 || y1 <= y0) return { sharpness: 0, brightness: 0 };
  const step = Math.max(1, Math.floor((x1 - x0) / 128));
  // Luma of the region plus a one-pixel border, computed once: each sample's Laplacian reads
  // five of these, which as a per-pixel function call cost 1.6 ms a frame.
  const w = x1 - x0 + 3;
  const h = y1 - y0 + 3;
  const luma = new Float64Array(w * h);
  const { data, width } = frame;
  for (let y = 0; y < h; y++) {
    let i = ((y0 - 1 + y) * width + x0 - 1) * 3;
    const end = (y + 1) * w;
    for (let k = y * w; k < end; k++, i += 3) luma[k] = 0.299 * (data[i] as number) + 0.587 * (data[i + 1] as number) + 0.114 * (data[i + 2] as number);
  }
  let sum = 0;
  let lapSum = 0;
  let lapSq = 0;
  let n = 0;
  const lastY = y1 - y0 + 1;
  const lastX = x1 - x0 + 1;
  for (let y = 1; y <= lastY; y += step) {
    for (let x = 1; x <= lastX; x += step) {
      const k = y * w + x;
      const c = luma[k] as number;
      const lap = (luma[k - 1] as number) + (luma[k + 1] as number) + (luma[k - w] as number) + (luma[k + w] as number) - 4 * c;
      sum += c;
      lapSum += lap;
      lapSq += lap * lap;
      n++;
    }
  }
  const mean = lapSum / n;
  return { sharpness: lapSq / n - mean * mean, brightness: sum / n / 255 };
}

/**
 * Mean absolute luma difference (0-1) between two frames inside one box, on a 32x32 grid.
 * Codec noise on a still picture stays far below the change a moving, speaking face makes.
 */
export function regionChange(a: RgbFrame, b: RgbFrame, box: Box): number {
  if (a.width !== b.width || a.height !== b.height) return 0;
  const N = 32;
  let sum = 0;
  for (let gy = 0; gy < N; gy++) {
    const y = Math.min(a.height - 1, Math.max(0, Math.round(box.y + ((gy + 0.5) / N) * box.height)));
    for (let gx = 0; gx < N; gx++) {
      const x = Math.min(a.width - 1, Math.max(0, Math.round(box.x + ((gx + 0.5) / N) * box.width)));
      const i = (y * a.width + x) * 3;
      const la = 0.299 * a.data[i] + 0.587 * a.data[i + 1] + 0.114 * a.data[i + 2];
      const lb = 0.299 * b.data[i] + 0.587 * b.data[i + 1] + 0.114 * b.data[i + 2];
      sum += Math.abs(la - lb);
    }
  }
  return sum / (N * N) / 255;
}
