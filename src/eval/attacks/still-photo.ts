import { ffmpeg, input, MP4_OUT, probe } from './ffmpeg.js';

/** A still photo held to the camera while genuine speech plays: the picture never moves. */
export async function stillPhoto(opts: { image: string; audio: string; out: string }): Promise<string> {
  const { durationSec } = await probe(opts.audio);
  await ffmpeg([
    '-loop', '1', '-framerate', '25', ...input(opts.image), ...input(opts.audio),
    '-map', '0:v', '-map', '1:a', '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2',
    '-t', durationSec.toFixed(3), ...MP4_OUT, opts.out,
  ]);
  return opts.out;
}
