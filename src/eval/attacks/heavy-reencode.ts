import { rm } from 'node:fs/promises';
import { ffmpeg, input, MP4_OUT, probe } from './ffmpeg.js';

/**
 * Heavy re-encode: the clip squeezed through a quarter-size, very low quality encode (video
 * CRF 45, 16 kbit/s audio) and scaled back to its own size, so it still meets the resolution
 * minimum while carrying the blocking and blur of a copy of a copy.
 */
export async function heavyReencode(opts: { clip: string; out: string }): Promise<string> {
  const { width, height } = await probe(opts.clip);
  if (!width || !height) throw new RangeError(`${opts.clip}: video size unknown`);
  const small = `${opts.out}.small.mp4`;
  try {
    await ffmpeg([
      ...input(opts.clip), '-vf', 'scale=trunc(iw/8)*2:trunc(ih/8)*2',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '45', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '16k', '-ac', '1', small,
    ]);
    await ffmpeg([...input(small), '-vf', `scale=${width}:${height}:flags=bilinear`, ...MP4_OUT, opts.out]);
  } finally {
    await rm(small, { force: true });
  }
  return opts.out;
}
