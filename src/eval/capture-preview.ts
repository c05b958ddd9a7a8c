import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inOval, ovalLuma } from '../capture/web/lighting.js';
import { ffmpegPath, PROTOCOL_WHITELIST } from '../media/binaries.js';

/**
 * The capture page's view of a clip for the studies of its advice (capture-lighting.ts,
 * capture-conditions.ts): the same 36x48 grey portrait crop the page samples from its preview.
 */
export const PREVIEW = { width: 36, height: 48 };

/** The preview samples of a clip at 2 fps, after `extraFilter` (an ffmpeg filter chain starting with a comma, or ''). */
export function previewFrames(path: string, extraFilter = ''): Uint8Array[] {
  const { width: w, height: h } = PREVIEW;
  const vf = `crop='min(iw,ih*3/4)':'min(ih,iw*4/3)',scale=${w}:${h},fps=2${extraFilter},format=gray`;
  const raw = execFileSync(ffmpegPath(), ['-v', 'error', ...PROTOCOL_WHITELIST, '-i', path, '-vf', vf, '-f', 'rawvideo', '-'], { maxBuffer: 64 << 20 });
  return Array.from({ length: Math.floor(raw.length / (w * h)) }, (_, k) => raw.subarray(k * w * h, (k + 1) * w * h));
}

/** The page's oval statistics of one preview sample. */
export const previewOval = (frame: Uint8Array): { inside: number; outside: number } => ovalLuma(frame, PREVIEW.width, PREVIEW.height, 1);

/** The real speaking clips of DATA/video (GRID and talking heads), named `<set>-<file>`. */
export function realClips(data: string): Array<{ name: string; path: string }> {
  return ['grid', 'talking'].flatMap((set) => {
    const dir = join(data, 'video', set);
    return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.mp4')).sort().map((n) => ({ name: `${set}-${n.replace(/\.mp4$/, '')}`, path: join(dir, n) })) : [];
  });
}

/**
 * Share of the oval's cells of one preview sample at or above `luma`: at 36x48 a cell is about
 * 27x27 pixels of a 960-pixel frame, a blown patch of the face rather than a glint. Measured for
 * a "too bright" warning that was not adopted (docs/decisions.md, "A blown face warning").
 */
export function previewBlown(frame: Uint8Array, luma = 250): number {
  const { width, height } = PREVIEW;
  let n = 0;
  let blown = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!inOval(x, y, width, height)) continue;
      n++;
      if (frame[y * width + x] >= luma) blown++;
    }
  }
  return blown / Math.max(1, n);
}
