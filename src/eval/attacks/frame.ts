import { ffmpeg, input } from './ffmpeg.js';

/** One frame of a clip as PNG: the photo an attacker would take of the victim. */
export async function extractFrame(opts: { clip: string; atSec: number; out: string }): Promise<string> {
  await ffmpeg(['-ss', opts.atSec.toFixed(3), ...input(opts.clip), '-frames:v', '1', opts.out]);
  return opts.out;
}
