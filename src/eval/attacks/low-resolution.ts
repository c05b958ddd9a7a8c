import { ffmpeg, input, MP4_OUT } from './ffmpeg.js';

/** Low resolution: the clip scaled to a third of its size (a small re-recorded or forwarded copy). */
export async function lowResolution(opts: { clip: string; out: string; factor?: number }): Promise<string> {
  const f = opts.factor ?? 3;
  await ffmpeg([...input(opts.clip), '-vf', `scale=trunc(iw/${f}/2)*2:trunc(ih/${f}/2)*2`, ...MP4_OUT, opts.out]);
  return opts.out;
}
