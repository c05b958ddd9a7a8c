import { ffmpeg, input, MP4_OUT, probe } from './ffmpeg.js';

/** Dubbing: one person's face with another person's voice, cut to the shorter of the two. */
export async function dubbing(opts: { face: string; voice: string; out: string }): Promise<string> {
  // Explicit length: -shortest lets the video run on past the end of a shorter voice.
  const durationSec = Math.min((await probe(opts.face)).durationSec, (await probe(opts.voice)).durationSec);
  await ffmpeg([
    ...input(opts.face), ...input(opts.voice),
    '-map', '0:v', '-map', '1:a', '-t', durationSec.toFixed(3), ...MP4_OUT, opts.out,
  ]);
  return opts.out;
}
