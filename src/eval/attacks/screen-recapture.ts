import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ffmpeg, input, MP4_OUT, probe } from './ffmpeg.js';

/**
 * Simulated screen recapture: the clip as a camera sees it played on a monitor. Gamma and
 * contrast of a screen (eq), moire where the pixel grid beats against the sensor grid (two
 * crossed sine gratings), a glare spot on the glass, and the dark bezel around the picture.
 * The moire and glare are drawn once as RGBA overlays: evaluating them per pixel per frame
 * (geq on the video) took about 50 s of CPU per clip against 4 s this way.
 */
export async function screenRecapture(opts: { clip: string; out: string }): Promise<string> {
  const { width, height } = await probe(opts.clip);
  if (!width || !height) throw new RangeError(`${opts.clip}: video size unknown`);
  const size = `${width}x${height}`;
  const dir = await mkdtemp(join(opts.out + '.'));
  const moire = join(dir, 'moire.png');
  const glare = join(dir, 'glare.png');
  try {
    await ffmpeg([
      '-f', 'lavfi', '-i',
      `color=c=black:s=${size}:d=1,format=rgba,geq=r=0:g=0:b=0:a='40*(1+sin(0.95*X+0.31*Y)*sin(0.27*X-0.9*Y))'`,
      '-frames:v', '1', moire,
    ]);
    await ffmpeg([
      '-f', 'lavfi', '-i',
      `color=c=white:s=${size}:d=1,format=rgba,geq=r=255:g=255:b=255:a='170*exp(-(pow(X-0.68*W,2)+pow(Y-0.28*H,2))/(2*pow(0.12*W,2)))'`,
      '-frames:v', '1', glare,
    ]);
    const graph = [
      '[0:v]eq=gamma=1.3:contrast=0.85:saturation=0.8[screen]',
      '[screen][1:v]overlay=shortest=1[moire]',
      '[moire][2:v]overlay=shortest=1,scale=trunc(iw*0.82/2)*2:trunc(ih*0.82/2)*2,' +
        'pad=w=ceil(iw/0.82/2)*2:h=ceil(ih/0.82/2)*2:x=(ow-iw)/2:y=(oh-ih)/2:color=0x141414,format=yuv420p[v]',
    ].join(';');
    await ffmpeg([
      ...input(opts.clip), '-loop', '1', ...input(moire), '-loop', '1', ...input(glare),
      '-filter_complex', graph, '-map', '[v]', '-map', '0:a?', ...MP4_OUT, opts.out,
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return opts.out;
}
