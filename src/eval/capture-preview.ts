import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ovalLuma } from '../capture/web/lighting.js';

/**
 * The capture page's view of a clip for the studies of its advice (capture-lighting.ts,
 * capture-conditions.ts): the same 36x48 grey portrait crop the page samples from its preview.
 */
export const PREVIEW = { width: 36, height: 48 };

/** The preview samples of a clip at 2 fps, after `extraFilter` (an ffmpeg filter chain starting with a comma, or ''). */
export function previewFrames(path: string, extraFilter = ''): Uint8Array[] {
  const { width: w, height: h } = PREVIEW;
  const vf = `crop='min(iw,ih*3/4)':'min(ih,iw*4/3)',scale=${w}:${h},fps=2${extraFilter},format=gray`;
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-vf', vf, '-f', 'rawvideo', '-'], { maxBuffer: 64 << 20 });
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
