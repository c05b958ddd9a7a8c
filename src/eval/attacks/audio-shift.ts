import { ffmpeg, input, MP4_OUT, probe } from './ffmpeg.js';

/**
 * Audio shifted in time: the clip's own speech delayed by `seconds` (a replay whose sound
 * lags the picture). The length stays that of the picture, so the tail of the speech is lost.
 */
export async function audioShift(opts: { clip: string; seconds: number; out: string }): Promise<string> {
  if (!(opts.seconds > 0)) throw new RangeError('audioShift needs a positive delay');
  const { durationSec } = await probe(opts.clip);
  await ffmpeg([
    ...input(opts.clip),
    '-map', '0:v', '-map', '0:a',
    '-af', `adelay=delays=${Math.round(opts.seconds * 1000)}:all=1`,
    '-t', durationSec.toFixed(3), ...MP4_OUT, opts.out,
  ]);
  return opts.out;
}
