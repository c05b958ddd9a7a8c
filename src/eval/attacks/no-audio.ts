import { ffmpeg, input, MP4_OUT } from './ffmpeg.js';

/** No audio: the picture of a live clip with its sound track removed. */
export async function noAudio(opts: { clip: string; out: string }): Promise<string> {
  await ffmpeg([...input(opts.clip), '-map', '0:v', '-an', ...MP4_OUT, opts.out]);
  return opts.out;
}
