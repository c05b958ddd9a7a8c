import { ffmpeg, input, MP4_OUT, probe } from './ffmpeg.js';

/** Silent track: the picture of a live clip with a sound track of digital silence. */
export async function silentAudio(opts: { clip: string; out: string }): Promise<string> {
  const { durationSec } = await probe(opts.clip);
  await ffmpeg([
    ...input(opts.clip), '-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono',
    '-map', '0:v', '-map', '1:a', '-t', durationSec.toFixed(3), ...MP4_OUT, opts.out,
  ]);
  return opts.out;
}
