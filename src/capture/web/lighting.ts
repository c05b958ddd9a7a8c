/**
 * Lighting advice from a small copy of the preview, shared by the page and its evaluation
 * (src/eval/capture-lighting.ts). No DOM here, so Node can run the same code.
 */
export type LightingGuide = 'guideDark' | 'guideBright' | 'guideBacklit';

/**
 * Limits on 0-255 luma. On the 11 real clips in shared/data (100 frames at 2 fps, portrait
 * crop, `node --import tsx src/eval/capture-lighting.ts`): the oval's mean luma 84.9-154.9,
 * the surround at most 27.5 brighter than the oval, so none is flagged; the same clips under
 * a dim-room curve (x0.35) read 28.7-53.3 and all are flagged dark. No overexposed or
 * backlit recording was available: those two limits only keep clear of the genuine range.
 * Advisory only: the page never refuses to record on these.
 */
export const LIGHTING = { dark: 55, bright: 225, backlit: 60 };

/** Whether a sample's cell lies in the oval drawn on the preview (60% wide, 70% high, centred). */
export const inOval = (x: number, y: number, width: number, height: number): boolean =>
  ((x + 0.5) / width - 0.5) ** 2 / 0.09 + ((y + 0.5) / height - 0.5) ** 2 / 0.1225 <= 1;

/** Mean luma inside the oval and outside it. */
export function ovalLuma(pixels: ArrayLike<number>, width: number, height: number, channels: 1 | 4): { inside: number; outside: number } {
  let inSum = 0;
  let inN = 0;
  let outSum = 0;
  let outN = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const l = channels === 1 ? pixels[i] : 0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2];
      if (inOval(x, y, width, height)) {
        inSum += l;
        inN++;
      } else {
        outSum += l;
        outN++;
      }
    }
  }
  return { inside: inSum / Math.max(1, inN), outside: outSum / Math.max(1, outN) };
}

export function lightingGuide(l: { inside: number; outside: number }): LightingGuide | null {
  if (l.inside < LIGHTING.dark) return 'guideDark';
  if (l.inside > LIGHTING.bright) return 'guideBright';
  if (l.outside - l.inside > LIGHTING.backlit) return 'guideBacklit';
  return null;
}
